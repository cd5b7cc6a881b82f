package dev.tandem.invite.repository;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.TrackedSession;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

/**
 * The session projection. Writes are single upserts so that the order in which a session's events arrive
 * can never bring an ended session back to life: once {@code live} is false it stays false.
 */
@ApplicationScoped
public class TrackedSessionRepository implements PanacheRepositoryBase<TrackedSession, String> {

    /** What a SessionCreated says, with what invite-service knows of the invite or request it came from. */
    public record Created(String sessionId, String agentId, String tenant, String chatId, String siteId, Mode mode,
            String originId, String agentGroup, String visitorCredentialHash, Instant at) {
    }

    public Uni<Void> created(Created c) {
        return getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO tracked_session (session_id, agent_id, tenant, chat_id, site_id, mode, origin_id,
                                             agent_group, visitor_credential_hash, live, created_at)
                VALUES (:id, :agent, :tenant, :chat, :site, :mode, :origin, :grp, :hash, true, :at)
                ON CONFLICT (session_id) DO UPDATE
                SET agent_id = EXCLUDED.agent_id, tenant = EXCLUDED.tenant, chat_id = EXCLUDED.chat_id,
                    site_id = EXCLUDED.site_id, mode = COALESCE(tracked_session.mode, EXCLUDED.mode),
                    origin_id = EXCLUDED.origin_id, agent_group = EXCLUDED.agent_group,
                    visitor_credential_hash = EXCLUDED.visitor_credential_hash, created_at = EXCLUDED.created_at
                """)
                .setParameter("id", c.sessionId())
                .setParameter("agent", c.agentId())
                .setParameter("tenant", c.tenant())
                .setParameter("chat", c.chatId())
                .setParameter("site", c.siteId())
                .setParameter("mode", c.mode() == null ? null : c.mode().name())
                .setParameter("origin", c.originId())
                .setParameter("grp", c.agentGroup())
                .setParameter("hash", c.visitorCredentialHash())
                .setParameter("at", c.at())
                .executeUpdate())
                .replaceWithVoid();
    }

    public Uni<Void> modeChanged(String sessionId, Mode mode) {
        return getSession().chain(s -> s.createNativeQuery(
                "UPDATE tracked_session SET mode = :mode WHERE session_id = :id")
                .setParameter("id", sessionId)
                .setParameter("mode", mode.name())
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Marks the session ended (a row is made if SessionCreated was never seen, so a late one cannot revive it). */
    public Uni<Void> ended(String sessionId, String agentId, Instant at) {
        return getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO tracked_session (session_id, agent_id, live, ended_at)
                VALUES (:id, :agent, false, :at)
                ON CONFLICT (session_id) DO UPDATE SET live = false, ended_at = EXCLUDED.ended_at
                """)
                .setParameter("id", sessionId)
                .setParameter("agent", agentId)
                .setParameter("at", at)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** A live session of the agent, or null: the agent is busy. */
    public Uni<TrackedSession> liveOfAgent(String agentId) {
        return find("agentId = ?1 and live = true", agentId).firstResult();
    }

    public Uni<TrackedSession> findByVisitorCredentialHash(String hash) {
        return find("visitorCredentialHash = ?1 order by live desc, createdAt desc", hash).firstResult();
    }
}
