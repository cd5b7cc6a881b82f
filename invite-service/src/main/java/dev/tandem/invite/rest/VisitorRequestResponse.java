package dev.tandem.invite.rest;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.InviteState;
import dev.tandem.invite.VisitorRequest;

/** A visitor request as its chat platform and agents see it. */
@Schema(name = "VisitorRequest")
public record VisitorRequestResponse(
        String id,
        @Schema(description = "PENDING until picked up (ACCEPTED) or its time runs out (EXPIRED)")
        InviteState state,
        String chatId,
        String siteId,
        @Schema(description = "The agent who picked it up; null while pending")
        String agentId,
        @Schema(description = "null while pending")
        String agentGroup,
        @Schema(description = "null while pending")
        Mode mode,
        Instant createdAt,
        Instant expiresAt) {

    static VisitorRequestResponse of(VisitorRequest r, Instant now) {
        return new VisitorRequestResponse(r.getId().toString(), r.stateAt(now), r.getChatId(), r.getSiteId(),
                r.getAgentId(), r.getAgentGroup(), r.getMode(), r.getCreatedAt(), r.getExpiresAt());
    }
}
