package dev.tandem.session.rest;

import java.time.Instant;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.session.CobrowseSession;
import dev.tandem.session.SessionOrigin;
import dev.tandem.session.SessionState;

@Schema(name = "Session", description = "A co-browsing session, as its agent and its tenant's supervisors see it")
public record SessionView(
        @Schema(examples = "0b6c1f7e-5d2a-4f59-9c37-2f0d8a4b1e90") UUID sessionId,
        @Schema(description = "9-digit code to show both parties; for display only, never a credential",
                examples = "482915307") String code,
        @Schema(examples = "ACTIVE") SessionState state,
        @Schema(examples = "VIEW_ONLY") Mode mode,
        @Schema(examples = "agent1") String agentId,
        @Schema(examples = "chat-4711") String chatId,
        @Schema(examples = "demo-insurer") String siteId,
        @Schema(examples = "demo") String tenant,
        @Schema(description = "an invite the visitor accepted, or a visitor's request an agent took",
                examples = "INVITE") SessionOrigin origin,
        @Schema(description = "who is connected now") Participants participants,
        Instant createdAt,
        @Schema(description = "when both parties had joined; null until then") Instant activatedAt,
        @Schema(description = "null while live") Instant endedAt,
        @Schema(description = "why it ended; null while live", examples = "CHAT_ENDED") EndReason endReason) {

    @Schema(name = "Participants")
    public record Participants(boolean visitor, boolean agent,
            @Schema(description = "supervisors watching, view-only") int observers) {
    }

    static SessionView of(CobrowseSession s) {
        return new SessionView(s.id(), s.code(), s.state(), s.mode(), s.agentId(), s.chatId(), s.siteId(),
                s.tenant(), s.origin(), new Participants(s.isPresent(dev.tandem.contracts.SessionEvent.Role.VISITOR),
                        s.isPresent(dev.tandem.contracts.SessionEvent.Role.AGENT), s.observersPresent()),
                s.createdAt(), s.activatedAt(), s.endedAt(), s.endReason());
    }
}
