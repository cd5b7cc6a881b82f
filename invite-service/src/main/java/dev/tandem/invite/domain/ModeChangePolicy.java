package dev.tandem.invite.domain;

import dev.tandem.contracts.Mode;

/**
 * Who may ask a visitor to go from view-only to shared, and when. Free of any framework: the service
 * passes in what its session projection knows.
 */
public final class ModeChangePolicy {

    /** What the session projection knows about a session. */
    public record SessionFacts(String agentId, String tenant, boolean live, Mode mode) {
    }

    public enum Verdict {
        /** The request may be made. */
        ALLOWED,
        /** Unknown session, or another agent's or tenant's: the caller learns nothing about it. */
        NOT_FOUND,
        /** The caller's own session, but it has ended. */
        ENDED,
        /** The session is already in the mode asked for. */
        ALREADY_IN_MODE,
        /** Only view-only to shared needs consent; the other way is session-service's job. */
        NOT_AN_UPGRADE
    }

    private ModeChangePolicy() {
    }

    public static Verdict check(SessionFacts session, String callerAgentId, String callerTenant, Mode requested) {
        if (session == null || session.agentId() == null || !session.agentId().equals(callerAgentId)
                || session.tenant() == null || !session.tenant().equals(callerTenant)) {
            return Verdict.NOT_FOUND;
        }
        if (!session.live()) {
            return Verdict.ENDED;
        }
        if (requested != Mode.SHARED) {
            return Verdict.NOT_AN_UPGRADE;
        }
        if (session.mode() == requested) {
            return Verdict.ALREADY_IN_MODE;
        }
        return Verdict.ALLOWED;
    }
}
