package dev.tandem.session.messaging;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.platform.messaging.EventReader;
import dev.tandem.contracts.InviteEvent;
import dev.tandem.contracts.InviteEvent.InviteAccepted;
import dev.tandem.contracts.InviteEvent.ModeChangeAnswered;
import dev.tandem.contracts.InviteEvent.VisitorRequestAccepted;
import dev.tandem.contracts.Mode;
import dev.tandem.session.SessionOrigin;
import dev.tandem.session.domain.VisitorCredential;
import dev.tandem.session.service.SessionService;
import dev.tandem.session.service.SessionService.Acceptance;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Reads {@code tandem.invite-events}: an accepted invite or an accepted visitor request opens a session; an
 * accepted mode-change answer changes a session's mode. The other invite events are not session-service's
 * business.
 */
@ApplicationScoped
public class InviteEventsConsumer {

    static final String CHANNEL = "invite-events";

    private final EventReader reader;
    private final SessionService sessions;
    private final Retries retries;

    public InviteEventsConsumer(EventReader reader, SessionService sessions, Retries retries) {
        this.reader = reader;
        this.sessions = sessions;
        this.retries = retries;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String payload) {
        return reader.read(payload, InviteEvent.class, CHANNEL)
                .map(this::apply)
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    private Uni<Void> apply(InviteEvent event) {
        Acceptance acceptance = switch (event) {
            case InviteAccepted e -> acceptance(e.id(), e.aggregateId(), e.agentId(), e.chatId(), e.siteId(),
                    e.tenant(), e.mode(), e.visitorCredentialHash(), SessionOrigin.INVITE, "InviteAccepted");
            case VisitorRequestAccepted e -> acceptance(e.id(), e.aggregateId(), e.agentId(), e.chatId(), e.siteId(),
                    e.tenant(), e.mode(), e.visitorCredentialHash(), SessionOrigin.VISITOR_REQUEST,
                    "VisitorRequestAccepted");
            default -> null;
        };
        if (acceptance != null) {
            return retries.apply("opening a session for " + acceptance.origin() + " " + acceptance.inviteId(),
                    () -> sessions.open(acceptance), SessionService::isLiveSessionConflict);
        }
        if (event instanceof ModeChangeAnswered answer && answer.accepted()) {
            UUID sessionId = sessionIdOf(answer);
            if (sessionId == null || answer.mode() == null) {
                return Uni.createFrom().voidItem();
            }
            return retries.apply("applying mode-change answer " + answer.id() + " to session " + sessionId,
                    () -> sessions.applyModeAnswer(answer, sessionId), e -> false);
        }
        return Uni.createFrom().voidItem();
    }

    private static Acceptance acceptance(UUID id, String inviteId, String agentId, String chatId, String siteId,
            String tenant, Mode mode, String hash, SessionOrigin origin, String type) {
        String missing = blank(agentId) ? "agentId"
                : blank(chatId) ? "chatId"
                : blank(siteId) ? "siteId"
                : blank(tenant) ? "tenant"
                : mode == null ? "mode"
                : !VisitorCredential.isWellFormedHash(hash) ? "visitorCredentialHash"
                : null;
        if (missing != null) {
            Log.warnf("%s: skipped %s %s: '%s' is missing or malformed", CHANNEL, type, id, missing);
            return null;
        }
        return new Acceptance(id, inviteId, agentId, chatId, siteId, tenant, mode, hash, origin);
    }

    private static UUID sessionIdOf(ModeChangeAnswered answer) {
        try {
            return UUID.fromString(answer.sessionId());
        } catch (IllegalArgumentException | NullPointerException e) {
            Log.warnf("%s: skipped ModeChangeAnswered %s: its sessionId is not a session id", CHANNEL, answer.id());
            return null;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
