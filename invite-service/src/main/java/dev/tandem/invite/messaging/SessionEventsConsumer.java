package dev.tandem.invite.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.platform.messaging.EventReader;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.invite.service.SessionProjection;
import io.smallrye.mutiny.Uni;

/**
 * Reads {@code tandem.session-events} (key = session id, so one session's events arrive in order) into the
 * session projection: SessionCreated makes the agent busy, SessionEnded frees it, ModeChanged records the mode.
 */
@ApplicationScoped
public class SessionEventsConsumer {

    static final String CHANNEL = "session-events";

    private final EventReader reader;
    private final SessionProjection projection;

    public SessionEventsConsumer(EventReader reader, SessionProjection projection) {
        this.reader = reader;
        this.projection = projection;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String payload) {
        return reader.read(payload, SessionEvent.class, CHANNEL)
                .map(event -> Retrying.apply("applying " + event.getClass().getSimpleName() + " " + event.id()
                        + " of session " + event.aggregateId(), () -> projection.apply(event)))
                .orElseGet(() -> Uni.createFrom().voidItem());
    }
}
