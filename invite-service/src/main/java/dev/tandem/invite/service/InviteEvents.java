package dev.tandem.invite.service;

import java.time.Instant;
import java.util.UUID;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.invite.Invite;

/**
 * The events an invite's changes publish on tandem.invite-events (key = agent id, aggregate = invite
 * id). Only the hash of the visitor's credential ever appears in one.
 */
final class InviteEvents {

    private InviteEvents() {
    }

    static InviteEvent.InviteCreated created(Invite invite, Instant at) {
        return new InviteEvent.InviteCreated(UUID.randomUUID(), at, invite.getId().toString(), invite.getAgentId(),
                invite.getChatId(), invite.getSiteId(), invite.getTenant(), invite.getMode(), invite.getExpiresAt());
    }

    static InviteEvent.InviteAccepted accepted(Invite invite, Instant at) {
        return new InviteEvent.InviteAccepted(UUID.randomUUID(), at, invite.getId().toString(), invite.getAgentId(),
                invite.getChatId(), invite.getSiteId(), invite.getTenant(), invite.getMode(),
                invite.getCredentialHash());
    }

    static InviteEvent.InviteRejected rejected(Invite invite, Instant at) {
        return new InviteEvent.InviteRejected(UUID.randomUUID(), at, invite.getId().toString(), invite.getAgentId(),
                invite.getChatId());
    }

    static InviteEvent.InviteExpired expired(Invite invite, Instant at) {
        return new InviteEvent.InviteExpired(UUID.randomUUID(), at, invite.getId().toString(), invite.getAgentId(),
                invite.getChatId());
    }
}
