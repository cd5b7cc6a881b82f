package dev.tandem.invite.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.tandem.invite.InviteState;
import dev.tandem.invite.VisitorRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class VisitorRequestRepository implements PanacheRepositoryBase<VisitorRequest, UUID> {

    /** The unique index that allows one pending request per chat (see V2__sites_sessions_requests.sql). */
    public static final String ONE_PENDING_PER_CHAT = "visitor_request_one_pending_per_chat";

    public Uni<VisitorRequest> lockPendingOfChat(String tenant, String chatId) {
        return find("tenant = ?1 and chatId = ?2 and state = ?3", tenant, chatId, InviteState.PENDING)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    public Uni<VisitorRequest> lockById(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<VisitorRequest> findByCredentialHash(String credentialHash) {
        return find("credentialHash", credentialHash).firstResult();
    }

    /** The tenant's requests in {@code state} as stored, oldest first, at most {@code limit}. */
    public Uni<List<VisitorRequest>> listOfTenant(String tenant, InviteState state, int limit) {
        return find("tenant = ?1 and state = ?2", Sort.ascending("createdAt"), tenant, state)
                .page(0, limit).list();
    }

    /** Like {@link InviteRepository#expireDue}: one statement, rows picked with FOR UPDATE SKIP LOCKED. */
    public Uni<List<VisitorRequest>> expireDue(Instant now, int limit) {
        return getSession().chain(session -> session.createNativeQuery("""
                UPDATE visitor_request SET state = 'EXPIRED', closed_at = :now
                WHERE state = 'PENDING' AND id IN (
                    SELECT id FROM visitor_request
                    WHERE state = 'PENDING' AND expires_at <= :now
                    ORDER BY expires_at
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, VisitorRequest.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }
}
