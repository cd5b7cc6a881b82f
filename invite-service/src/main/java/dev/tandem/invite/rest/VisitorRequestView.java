package dev.tandem.invite.rest;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.InviteState;
import dev.tandem.invite.VisitorRequest;

/** A visitor request as the visitor's page sees it; {@code visitor} only in the 201 that created it. */
@Schema(name = "VisitorRequestView")
public record VisitorRequestView(
        String id,
        InviteState state,
        @Schema(description = "The mode the agent chose; null until picked up")
        Mode mode,
        Instant expiresAt,
        @Schema(description = "Only in the 201 answer of POST /api/requests")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        InviteResponse.VisitorAccess visitor) {

    static VisitorRequestView of(VisitorRequest r, Instant now, String credential) {
        return new VisitorRequestView(r.getId().toString(), r.stateAt(now), r.getMode(), r.getExpiresAt(),
                credential == null ? null : new InviteResponse.VisitorAccess(credential));
    }
}
