package dev.tandem.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.SessionEvent;
import dev.tandem.gateway.relay.SessionHub;
import io.quarkus.logging.Log;

/** Applies session lifecycle to this replica's sockets: an ended session closes, a mode change is enforced. */
@ApplicationScoped
public class SessionEventsConsumer {

    private final SessionHub hub;
    private final ObjectMapper json;

    public SessionEventsConsumer(SessionHub hub, ObjectMapper json) {
        this.hub = hub;
        this.json = json;
    }

    @Incoming("session-events")
    public void consume(String payload) {
        SessionEvent event;
        try {
            event = json.readValue(payload, SessionEvent.class);
        } catch (JsonProcessingException e) {
            Log.warnf("skipped a session event that cannot be read (%s)", e.getClass().getSimpleName());
            return;
        }
        switch (event) {
            case SessionEvent.SessionEnded ended -> hub.end(ended.aggregateId(), ended.reason());
            case SessionEvent.ModeChanged changed -> hub.changeMode(changed.aggregateId(), changed.mode());
            default -> {
            }
        }
    }
}
