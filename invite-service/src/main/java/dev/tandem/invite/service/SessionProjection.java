package dev.tandem.invite.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.SessionEvent;
import dev.tandem.invite.Invite;
import dev.tandem.invite.VisitorRequest;
import dev.tandem.invite.domain.SiteRules;
import dev.tandem.invite.repository.InviteRepository;
import dev.tandem.invite.repository.TrackedSessionRepository;
import dev.tandem.invite.repository.VisitorRequestRepository;
import dev.tandem.platform.messaging.ProcessedEvents;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the session projection (and so the busy-agent projection) from {@code tandem.session-events}. Each
 * event is applied once (ProcessedEvents, in the same transaction as the change).
 */
@ApplicationScoped
public class SessionProjection {

    static final String CONSUMER = "invite-service.session-events";

    private final TrackedSessionRepository sessions;
    private final InviteRepository invites;
    private final VisitorRequestRepository requests;
    private final ModeRequestService modeRequests;
    private final ProcessedEvents processed;

    public SessionProjection(TrackedSessionRepository sessions, InviteRepository invites,
            VisitorRequestRepository requests, ModeRequestService modeRequests, ProcessedEvents processed) {
        this.sessions = sessions;
        this.invites = invites;
        this.requests = requests;
        this.modeRequests = modeRequests;
        this.processed = processed;
    }

    @WithTransaction
    public Uni<Void> apply(SessionEvent event) {
        return processed.firstTime(event.id(), CONSUMER).chain(first -> {
            if (!first) {
                Log.debugf("session event %s seen before: nothing to do", event.id());
                return Uni.createFrom().voidItem();
            }
            return switch (event) {
                case SessionEvent.SessionCreated created -> created(created);
                case SessionEvent.ModeChanged changed when changed.mode() != null ->
                        sessions.modeChanged(changed.aggregateId(), changed.mode());
                case SessionEvent.SessionEnded ended -> sessions.ended(ended.aggregateId(), ended.agentId(),
                        ended.time()).chain(() -> modeRequests.closeForEndedSession(ended.aggregateId()));
                default -> Uni.createFrom().voidItem();
            };
        });
    }

    private Uni<Void> created(SessionEvent.SessionCreated e) {
        return origin(e.inviteId()).chain(origin -> {
            if (origin == null) {
                Log.warnf("session %s: its invite or request %s is not known here; the visitor cannot answer "
                        + "mode change requests in it", e.aggregateId(), e.inviteId());
            }
            return sessions.created(new TrackedSessionRepository.Created(e.aggregateId(), e.agentId(), e.tenant(),
                    e.chatId(), e.siteId(), e.mode(), e.inviteId(),
                    origin == null ? SiteRules.DEFAULT_GROUP : origin.agentGroup(),
                    origin == null ? null : origin.credentialHash(), e.time()));
        }).invoke(() -> Log.infof("session %s of agent %s is live", e.aggregateId(), e.agentId()));
    }

    private record Origin(String agentGroup, String credentialHash) {
    }

    /** The invite or visitor request a session was created from (by id), or null. */
    private Uni<Origin> origin(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException ex) {
            return Uni.createFrom().nullItem();
        }
        return invites.findById(uuid).chain(invite -> invite != null ? Uni.createFrom().item(of(invite))
                : requests.findById(uuid).map(SessionProjection::of));
    }

    private static Origin of(Invite invite) {
        return new Origin(invite.getAgentGroup(), invite.getCredentialHash());
    }

    private static Origin of(VisitorRequest request) {
        return request == null ? null
                : new Origin(SiteRules.groupOrDefault(request.getAgentGroup()), request.getCredentialHash());
    }
}
