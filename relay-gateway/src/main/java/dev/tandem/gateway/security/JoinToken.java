package dev.tandem.gateway.security;

import java.time.Instant;

import dev.tandem.contracts.Mode;

/** The verified claims of a join token: who joins which session, as what, in which mode. */
public record JoinToken(String sessionId, Role role, String subject, String siteId, Mode mode, Instant expiresAt) {

    public enum Role {
        VISITOR,
        AGENT,
        /** A supervisor watching: view-only, never control, connects where agents do. */
        OBSERVER;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
