package dev.tandem.platform.outbox;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Event;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Records an event in the current transaction. Call it inside the {@code @WithTransaction} that
 * changes the state the event describes: either both are stored or neither is, and
 * {@link OutboxRelay} publishes what was stored even if the service stops right after the commit.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;

    public Outbox(ObjectMapper json) {
        this.json = json;
    }

    public Uni<Void> add(String topic, String key, Event event) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = event.id();
        row.topic = topic;
        row.eventKey = key;
        row.eventType = event.getClass().getSimpleName();
        row.createdAt = Instant.now();
        try {
            row.payload = json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("event cannot be written as JSON", e));
        }
        return Panache.getSession().chain(s -> s.persist(row)).replaceWithVoid();
    }
}
