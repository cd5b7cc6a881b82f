package dev.tandem.session.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.tandem.session.CobrowseSession;
import dev.tandem.session.SessionState;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<CobrowseSession, UUID> {

    /** The agent's live session, if any (the database allows at most one). */
    public Uni<CobrowseSession> findLiveByAgent(String agentId) {
        return find("agentId = ?1 and state <> ?2", agentId, SessionState.ENDED).firstResult();
    }

    /** The live session showing this code, if any (the database allows at most one). */
    public Uni<CobrowseSession> findLiveByCode(String code) {
        return find("code = ?1 and state <> ?2", code, SessionState.ENDED).firstResult();
    }

    /** The session opened for the visitor holding the credential with this hash, live or ended. */
    public Uni<CobrowseSession> findByCredentialHash(String credentialHash) {
        return find("visitorCredentialHash = ?1 order by createdAt desc", credentialHash).firstResult();
    }

    /** The session opened for this invite, if any. */
    public Uni<CobrowseSession> findByInvite(String inviteId) {
        return find("inviteId", inviteId).firstResult();
    }

    /** The session, locked for update until the end of the transaction. */
    public Uni<CobrowseSession> findForUpdate(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** The live sessions of a chat (of one tenant, when {@code tenant} is not null), locked for update. */
    public Uni<List<CobrowseSession>> lockLiveByChat(String chatId, String tenant) {
        String where = tenant == null ? "chatId = ?1 and state <> ?2" : "chatId = ?1 and state <> ?2 and tenant = ?3";
        var query = tenant == null ? find(where, chatId, SessionState.ENDED)
                : find(where, chatId, SessionState.ENDED, tenant);
        return query.withLock(LockModeType.PESSIMISTIC_WRITE).list();
    }

    /** A tenant's live sessions, newest first. */
    public Uni<List<CobrowseSession>> listLiveOfTenant(String tenant, int limit) {
        return find("tenant = ?1 and state <> ?2 order by createdAt desc", tenant, SessionState.ENDED)
                .page(0, limit).list();
    }

    /**
     * Up to {@code limit} live sessions with a deadline at or before {@code now}, locked for update. Rows
     * another transaction holds (another replica's sweep, an event being applied) are skipped, not waited
     * for: each due session is taken by one sweep at a time, and the state check makes it end once.
     */
    public Uni<List<CobrowseSession>> lockDue(Instant now, int limit) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT id::text FROM cobrowse_session
                WHERE state <> 'ENDED' AND due_at <= :now
                ORDER BY due_at
                LIMIT :limit
                FOR UPDATE SKIP LOCKED""", String.class)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList())
                .chain(ids -> {
                    // the rows are locked by this transaction now: loading them waits for nobody
                    Uni<List<CobrowseSession>> loaded = Uni.createFrom().item(new java.util.ArrayList<>());
                    for (String id : ids) {
                        loaded = loaded.chain(list -> findById(UUID.fromString(id)).map(found -> {
                            if (found != null) {
                                list.add(found);
                            }
                            return list;
                        }));
                    }
                    return loaded;
                });
    }

    /** Records that an accepted invite opened no session because its agent was busy (once per invite). */
    public Uni<Void> recordRefusedOpening(String inviteId, String credentialHash, String agentId, String chatId,
            String tenant, UUID busySessionId, Instant now) {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO refused_opening (invite_id, visitor_credential_hash, agent_id, chat_id, tenant,
                                             busy_session_id, refused_at)
                VALUES (:invite, :hash, :agent, :chat, :tenant, :busy, :now)
                ON CONFLICT (invite_id) DO NOTHING""")
                .setParameter("invite", inviteId)
                .setParameter("hash", credentialHash)
                .setParameter("agent", agentId)
                .setParameter("chat", chatId)
                .setParameter("tenant", tenant)
                .setParameter("busy", busySessionId)
                .setParameter("now", now)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Whether the invite behind this credential hash was refused because its agent was busy. */
    public Uni<Boolean> wasRefused(String credentialHash) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                "SELECT count(*) FROM refused_opening WHERE visitor_credential_hash = :hash", Long.class)
                .setParameter("hash", credentialHash)
                .getSingleResult())
                .map(n -> n > 0);
    }
}
