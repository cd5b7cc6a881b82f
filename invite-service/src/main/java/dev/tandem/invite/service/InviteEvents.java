package dev.tandem.invite.service;

import java.time.Instant;
import java.util.UUID;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.invite.Invite;
import dev.tandem.invite.ModeRequest;
import dev.tandem.invite.VisitorRequest;

/**
 * The events published on tandem.invite-events (key = agent id; chat id for a visitor request nobody has
 * picked up). Only the hash of a visitor's credential ever appears in one.
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

    static InviteEvent.VisitorRequestCreated requestCreated(VisitorRequest request, Instant at) {
        return new InviteEvent.VisitorRequestCreated(UUID.randomUUID(), at, request.getId().toString(), null,
                request.getChatId(), request.getSiteId(), request.getTenant(), request.getExpiresAt());
    }

    static InviteEvent.VisitorRequestAccepted requestAccepted(VisitorRequest request, Instant at) {
        return new InviteEvent.VisitorRequestAccepted(UUID.randomUUID(), at, request.getId().toString(),
                request.getAgentId(), request.getChatId(), request.getSiteId(), request.getTenant(), request.getMode(),
                request.getCredentialHash());
    }

    static InviteEvent.VisitorRequestExpired requestExpired(VisitorRequest request, Instant at) {
        return new InviteEvent.VisitorRequestExpired(UUID.randomUUID(), at, request.getId().toString(),
                request.getAgentId(), request.getChatId());
    }

    /** The Kafka key of a visitor request's events: its agent once picked up, its chat until then. */
    static String keyOf(VisitorRequest request) {
        return request.getAgentId() != null ? request.getAgentId() : request.getChatId();
    }

    static InviteEvent.ModeChangeRequested modeChangeRequested(ModeRequest request, Instant at) {
        return new InviteEvent.ModeChangeRequested(UUID.randomUUID(), at, request.getId().toString(),
                request.getAgentId(), request.getSessionId(), request.getMode(), request.getExpiresAt());
    }

    static InviteEvent.ModeChangeAnswered modeChangeAnswered(ModeRequest request, boolean accepted, Instant at) {
        return new InviteEvent.ModeChangeAnswered(UUID.randomUUID(), at, request.getId().toString(),
                request.getAgentId(), request.getSessionId(), request.getMode(), accepted);
    }
}
