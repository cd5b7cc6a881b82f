package dev.tandem.session.domain;

import java.util.Objects;

import dev.tandem.contracts.Mode;

/**
 * Who may change a session's mode. Going up to {@link Mode#SHARED} (the agent may click, type and navigate)
 * needs the visitor's consent, which invite-service collects and reports (ModeChangeAnswered); going down
 * to {@link Mode#VIEW_ONLY} takes rights away from the agent, so the session's agent may do it at once.
 */
public final class ModePolicy {

    /** What becomes of an agent's direct request. */
    public enum Verdict {
        /** The mode changes. */
        CHANGE,
        /** The session is in that mode already: nothing changes. */
        UNCHANGED,
        /** The request raises the agent's rights: it needs the visitor's consent through invite-service. */
        CONSENT_REQUIRED
    }

    private ModePolicy() {
    }

    public static Verdict agentRequest(Mode current, Mode requested) {
        Objects.requireNonNull(current, "current");
        Objects.requireNonNull(requested, "requested");
        if (current == requested) {
            return Verdict.UNCHANGED;
        }
        return requested == Mode.VIEW_ONLY ? Verdict.CHANGE : Verdict.CONSENT_REQUIRED;
    }

    /** Whether a consent answer changes the mode: only an accepted answer for another mode does. */
    public static boolean consentChanges(Mode current, Mode answered, boolean accepted) {
        return accepted && answered != null && answered != current;
    }
}
