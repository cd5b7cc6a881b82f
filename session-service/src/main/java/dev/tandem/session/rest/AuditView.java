package dev.tandem.session.rest;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.session.AuditEntry;
import dev.tandem.session.SessionState;
import dev.tandem.session.domain.AuditKind;
import dev.tandem.session.domain.SessionDurations;
import dev.tandem.session.service.SessionService.Trail;

@Schema(name = "AuditTrail", description = "What happened in a session: who came and went, the mode, the pages "
        + "the visitor opened (without query string and fragment), refused actions, the end, and durations. "
        + "Never page content, input or pointer data.")
public record AuditView(
        UUID sessionId,
        @Schema(examples = "482915307") String code,
        String agentId,
        String chatId,
        String siteId,
        SessionState state,
        Mode mode,
        EndReason endReason,
        Instant createdAt,
        Instant activatedAt,
        Instant endedAt,
        Durations durations,
        List<Entry> entries) {

    @Schema(name = "AuditDurations", description = "Whole seconds; a live session is measured up to now")
    public record Durations(
            @Schema(description = "creation to end", examples = "754") long totalSeconds,
            @Schema(description = "creation until both had joined (or the end)", examples = "21") long waitingSeconds,
            @Schema(description = "both joined to the end", examples = "733") long activeSeconds,
            @Schema(description = "time the visitor was connected", examples = "726") long visitorPresentSeconds,
            @Schema(description = "time the agent was connected", examples = "730") long agentPresentSeconds) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "AuditEntry")
    public record Entry(
            Instant at,
            @Schema(examples = "PAGE_VISITED") AuditKind kind,
            @Schema(description = "JOINED, LEFT, ACTION_REFUSED, PAGE_VISITED") Role role,
            @Schema(description = "CREATED, MODE_CHANGED") Mode mode,
            @Schema(description = "PAGE_VISITED: the address without query string and fragment",
                    examples = "https://www.example.com/claims/new") String url,
            @Schema(description = "ACTION_REFUSED: the refused message's type", examples = "click") String messageType,
            @Schema(description = "ENDED: the end reason; MODE_CHANGED: VISITOR_CONSENT or AGENT; CREATED: INVITE "
                    + "or VISITOR_REQUEST; ACTION_REFUSED: why", examples = "VISITOR_AWAY") String reason) {

        static Entry of(AuditEntry e) {
            return new Entry(e.at(), e.kind(), e.role(), e.mode(), e.url(), e.messageType(), e.reason());
        }
    }

    static AuditView of(Trail trail) {
        var s = trail.session();
        SessionDurations d = trail.durations();
        return new AuditView(s.id(), s.code(), s.agentId(), s.chatId(), s.siteId(), s.state(), s.mode(), s.endReason(),
                s.createdAt(), s.activatedAt(), s.endedAt(),
                new Durations(d.total().toSeconds(), d.waiting().toSeconds(), d.active().toSeconds(),
                        d.visitorPresent().toSeconds(), d.agentPresent().toSeconds()),
                trail.entries().stream().map(Entry::of).toList());
    }
}
