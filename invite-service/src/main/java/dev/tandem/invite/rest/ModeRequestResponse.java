package dev.tandem.invite.rest;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.InviteState;
import dev.tandem.invite.ModeRequest;

/** A mode change request, as the agent and the visitor see it. */
@Schema(name = "ModeRequest")
public record ModeRequestResponse(
        String id,
        String sessionId,
        @Schema(description = "PENDING until the visitor answers (ACCEPTED, DECLINED) or it expires (EXPIRED)")
        InviteState state,
        Mode mode,
        Instant createdAt,
        Instant expiresAt) {

    static ModeRequestResponse of(ModeRequest r, Instant now) {
        return new ModeRequestResponse(r.getId().toString(), r.getSessionId(), r.stateAt(now), r.getMode(),
                r.getCreatedAt(), r.getExpiresAt());
    }
}
