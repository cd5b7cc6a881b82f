package dev.tandem.session.repository;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import dev.tandem.session.CobrowseSession;
import dev.tandem.session.SessionState;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class SessionRepository implements PanacheRepositoryBase<CobrowseSession, UUID> {

    /** The agent's live session, if any (the database allows at most one). */
    public Uni<CobrowseSession> findLiveByAgent(String agentId) {
        return find("agentId = ?1 and state <> ?2", agentId, SessionState.ENDED).firstResult();
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
}
