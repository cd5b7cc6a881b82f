package dev.tandem.invite.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.tandem.invite.InviteState;
import dev.tandem.invite.ModeRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ModeRequestRepository implements PanacheRepositoryBase<ModeRequest, UUID> {

    /** The unique index that allows one pending mode request per session. */
    public static final String ONE_PENDING_PER_SESSION = "mode_request_one_pending_per_session";

    public Uni<ModeRequest> lockPendingOfSession(String sessionId) {
        return find("sessionId = ?1 and state = ?2", sessionId, InviteState.PENDING)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .firstResult();
    }

    public Uni<List<ModeRequest>> lockAllPendingOfSession(String sessionId) {
        return find("sessionId = ?1 and state = ?2", sessionId, InviteState.PENDING)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list();
    }

    /** The session's most recent request, or null. */
    public Uni<ModeRequest> latestOfSession(String sessionId) {
        return find("sessionId", Sort.descending("createdAt"), sessionId).firstResult();
    }

    public Uni<List<ModeRequest>> expireDue(Instant now, int limit) {
        return getSession().chain(session -> session.createNativeQuery("""
                UPDATE mode_request SET state = 'EXPIRED', closed_at = :now
                WHERE state = 'PENDING' AND id IN (
                    SELECT id FROM mode_request
                    WHERE state = 'PENDING' AND expires_at <= :now
                    ORDER BY expires_at
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, ModeRequest.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList());
    }
}
