package dev.tandem.invite.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Moves pending invites past their expiry to EXPIRED (publishing InviteExpired) and forgets old
 * Idempotency-Keys. Safe with several replicas: rows are picked with FOR UPDATE SKIP LOCKED.
 */
@ApplicationScoped
public class ExpirySweeper {

    private final InviteService invites;

    public ExpirySweeper(InviteService invites) {
        this.invites = invites;
    }

    @Scheduled(every = "${invite.sweeper.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "invite-expiry-sweeper")
    Uni<Void> sweep() {
        return invites.expireDue()
                .chain(invites::forgetOldIdempotencyKeys)
                .onFailure().invoke(e -> Log.warnf("invite expiry sweep failed, will retry: %s", e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
