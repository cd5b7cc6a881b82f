package dev.tandem.invite.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.tandem.invite.Invite;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class InviteRepository implements PanacheRepositoryBase<Invite, UUID> {

    /** The name of the unique index that allows one pending invite per agent (see V1__invites.sql). */
    public static final String ONE_PENDING_PER_AGENT = "invite_one_pending_per_agent";

    /** The agent's pending invite (locked for update), or null. */
    public Uni<Invite> lockPendingOfAgent(String agentId) {
        return find("agentId = ?1 and state = dev.tandem.invite.InviteState.PENDING", agentId)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    /** The agent's pending invite, or null; no lock. */
    public Uni<Invite> findPendingOfAgent(String agentId) {
        return find("agentId = ?1 and state = dev.tandem.invite.InviteState.PENDING", agentId).firstResult();
    }

    /** The invite whose credential has this hash (locked for update), or null. */
    public Uni<Invite> lockByCredentialHash(String credentialHash) {
        return find("credentialHash", credentialHash)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    public Uni<Invite> findByCredentialHash(String credentialHash) {
        return find("credentialHash", credentialHash).firstResult();
    }

    /**
     * Moves up to {@code limit} pending invites whose expiry has come to EXPIRED in one statement and
     * returns them. The rows are chosen with {@code FOR UPDATE SKIP LOCKED}: a row another transaction
     * holds (a visitor answering, another replica's sweeper) is left alone, and the outer
     * {@code state = 'PENDING'} makes sure a row is never expired twice.
     */
    public Uni<List<Invite>> expireDue(Instant now, int limit) {
        return getSession().chain(session -> session.createNativeQuery("""
                UPDATE invite SET state = 'EXPIRED', closed_at = :now
                WHERE state = 'PENDING' AND id IN (
                    SELECT id FROM invite
                    WHERE state = 'PENDING' AND expires_at <= :now
                    ORDER BY expires_at
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, Invite.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }
}
