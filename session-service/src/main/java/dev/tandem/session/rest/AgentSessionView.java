package dev.tandem.session.rest;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.session.CobrowseSession;
import dev.tandem.session.SessionState;

@Schema(name = "AgentSession", description = "The calling agent's live session")
public record AgentSessionView(
        UUID sessionId,
        @Schema(description = "9-digit code to show both parties; for display only", examples = "482915307") String code,
        SessionState state,
        Mode mode,
        String siteId,
        String chatId,
        Instant createdAt) {

    static AgentSessionView of(CobrowseSession s) {
        return new AgentSessionView(s.id(), s.code(), s.state(), s.mode(), s.siteId(), s.chatId(), s.createdAt());
    }
}
