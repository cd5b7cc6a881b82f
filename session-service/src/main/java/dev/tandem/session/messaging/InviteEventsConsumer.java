package dev.tandem.session.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.contracts.InviteEvent.InviteAccepted;
import dev.tandem.session.domain.VisitorCredential;
import dev.tandem.session.service.SessionService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Reads {@code tandem.invite-events}: an accepted invite opens a session. The other invite events are
 * not session-service's business yet.
 */
@ApplicationScoped
public class InviteEventsConsumer {

    static final String CHANNEL = "invite-events";

    private final EventParser parser;
    private final SessionService sessions;
    private final Retries retries;

    public InviteEventsConsumer(EventParser parser, SessionService sessions, Retries retries) {
        this.parser = parser;
        this.sessions = sessions;
        this.retries = retries;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String payload) {
        return parser.parse(payload, InviteEvent.class, CHANNEL)
                .filter(InviteAccepted.class::isInstance)
                .map(InviteAccepted.class::cast)
                .filter(InviteEventsConsumer::complete)
                .map(accepted -> retries.apply("opening a session for invite " + accepted.aggregateId(),
                        () -> sessions.openForAcceptedInvite(accepted), SessionService::isLiveSessionConflict))
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    private static boolean complete(InviteAccepted e) {
        String missing = e.agentId() == null || e.agentId().isBlank() ? "agentId"
                : e.chatId() == null || e.chatId().isBlank() ? "chatId"
                : e.siteId() == null || e.siteId().isBlank() ? "siteId"
                : e.tenant() == null || e.tenant().isBlank() ? "tenant"
                : e.mode() == null ? "mode"
                : !VisitorCredential.isWellFormedHash(e.visitorCredentialHash()) ? "visitorCredentialHash"
                : null;
        if (missing != null) {
            Log.warnf("%s: skipped InviteAccepted %s: '%s' is missing or malformed", CHANNEL, e.id(), missing);
            return false;
        }
        return true;
    }
}
