package dev.tandem.invite.rest;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.Invite;
import dev.tandem.invite.InviteState;

/** An invite as its chat platform sees it. */
@Schema(name = "Invite")
public record InviteResponse(
        String id,
        @Schema(description = "PENDING until the visitor answers (ACCEPTED, DECLINED) or the time runs out (EXPIRED)")
        InviteState state,
        String agentId,
        @Schema(description = "The agent group whose allowed modes apply")
        String agentGroup,
        String chatId,
        String siteId,
        Mode mode,
        String message,
        Instant createdAt,
        Instant expiresAt,
        @Schema(description = "Only in the 201 answer of the request that created the invite")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        VisitorAccess visitor) {

    /** What the visitor needs to answer: hand it to the visitor's browser, then forget it. */
    @Schema(name = "VisitorAccess")
    public record VisitorAccess(
            @Schema(description = "The visitor's secret for this invite, sent as header Tandem-Invite-Credential; "
                    + "shown once, never stored by Tandem")
            String credential) {

        @Override
        public String toString() {
            return "VisitorAccess[hidden]";
        }
    }

    static InviteResponse of(Invite invite, Instant now, String credential) {
        return new InviteResponse(invite.getId().toString(), invite.stateAt(now), invite.getAgentId(),
                invite.getAgentGroup(), invite.getChatId(), invite.getSiteId(), invite.getMode(), invite.getMessage(), invite.getCreatedAt(),
                invite.getExpiresAt(), credential == null ? null : new VisitorAccess(credential));
    }
}
