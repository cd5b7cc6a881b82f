package dev.tandem.session.messaging;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.platform.messaging.EventReader;
import dev.tandem.contracts.GatewayEvent;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.session.service.SessionService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Reads {@code tandem.gateway-events}: parties connecting and disconnecting, requests to end a session,
 * activity (the inactivity timeout), page visits and refused actions (the audit trail).
 */
@ApplicationScoped
public class GatewayEventsConsumer {

    static final String CHANNEL = "gateway-events";

    private final EventReader reader;
    private final SessionService sessions;
    private final Retries retries;

    public GatewayEventsConsumer(EventReader reader, SessionService sessions, Retries retries) {
        this.reader = reader;
        this.sessions = sessions;
        this.retries = retries;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String payload) {
        return reader.read(payload, GatewayEvent.class, CHANNEL)
                .filter(GatewayEventsConsumer::wellFormed)
                .map(event -> {
                    UUID sessionId = sessionId(event);
                    if (sessionId == null) {
                        return Uni.createFrom().voidItem();
                    }
                    return retries.apply("applying gateway event " + event.id() + " to session " + sessionId,
                            () -> sessions.applyGatewayEvent(sessionId, event), e -> false);
                })
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    private static boolean wellFormed(GatewayEvent event) {
        SessionEvent.Role role = switch (event) {
            case GatewayEvent.Connected c -> c.role();
            case GatewayEvent.Disconnected d -> d.role();
            case GatewayEvent.EndRequested e -> e.role();
            case GatewayEvent.ActionRefused r -> r.role();
            case GatewayEvent.Activity a -> SessionEvent.Role.VISITOR; // no role to check
            case GatewayEvent.PageVisited p -> SessionEvent.Role.VISITOR;
        };
        if (role == null) {
            Log.warnf("%s: skipped %s %s without a role", CHANNEL, event.getClass().getSimpleName(), event.id());
            return false;
        }
        return true;
    }

    private static UUID sessionId(GatewayEvent event) {
        try {
            return UUID.fromString(event.aggregateId());
        } catch (IllegalArgumentException e) {
            Log.warnf("%s: skipped %s %s: its aggregateId is not a session id", CHANNEL,
                    event.getClass().getSimpleName(), event.id());
            return null;
        }
    }
}
