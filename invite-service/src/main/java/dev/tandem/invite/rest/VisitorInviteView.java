package dev.tandem.invite.rest;

import java.time.Instant;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.Invite;
import dev.tandem.invite.InviteState;

/** An invite as the visitor's tag sees it: enough to ask for consent, nothing about the chat platform. */
@Schema(name = "VisitorInvite")
public record VisitorInviteView(String id, InviteState state, Mode mode, String message, Instant expiresAt) {

    static VisitorInviteView of(Invite invite, Instant now) {
        return new VisitorInviteView(invite.getId().toString(), invite.stateAt(now), invite.getMode(),
                invite.getMessage(), invite.getExpiresAt());
    }
}
