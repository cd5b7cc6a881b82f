package dev.tandem.invite.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Moves pending invites, visitor requests and mode change requests past their expiry to EXPIRED (publishing
 * InviteExpired, VisitorRequestExpired, ModeChangeAnswered(accepted=false)) and forgets old Idempotency-Keys
 * and expired chat credentials. Everything it needs is in the database, so it picks up after a restart; rows
 * are picked with FOR UPDATE SKIP LOCKED, so several replicas never expire one twice.
 */
@ApplicationScoped
public class ExpirySweeper {

    private final InviteService invites;
    private final VisitorRequestService requests;
    private final ModeRequestService modeRequests;

    public ExpirySweeper(InviteService invites, VisitorRequestService requests, ModeRequestService modeRequests) {
        this.invites = invites;
        this.requests = requests;
        this.modeRequests = modeRequests;
    }

    @Scheduled(every = "${invite.sweeper.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            identity = "invite-expiry-sweeper")
    Uni<Void> sweep() {
        return step("invites", invites.expireDue())
                .chain(() -> step("visitor requests", requests.expireDue()))
                .chain(() -> step("mode change requests", modeRequests.expireDue()))
                .chain(() -> step("idempotency keys", invites.forgetOldIdempotencyKeys()))
                .chain(() -> step("chat credentials", requests.forgetExpiredChatCredentials()));
    }

    /** One step; its failure is logged and does not keep the others from running. */
    private static Uni<Void> step(String what, Uni<Integer> work) {
        return work.onFailure().invoke(e -> Log.warnf("expiry sweep of %s failed, will retry: %s", what, e.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
