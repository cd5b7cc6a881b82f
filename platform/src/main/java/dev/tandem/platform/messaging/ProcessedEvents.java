package dev.tandem.platform.messaging;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Makes a consumer idempotent: call {@link #firstTime} inside the transaction that applies an event;
 * it answers {@code false} when this consumer has applied that event before, and the insert it
 * makes commits or rolls back with the change itself.
 */
@ApplicationScoped
public class ProcessedEvents {

    public Uni<Boolean> firstTime(UUID eventId, String consumer) {
        return Panache.getSession().chain(s -> s
                .createNativeQuery("INSERT INTO processed_event (event_id, consumer) VALUES (:id, :consumer) "
                        + "ON CONFLICT DO NOTHING")
                .setParameter("id", eventId)
                .setParameter("consumer", consumer)
                .executeUpdate())
                .map(inserted -> inserted == 1);
    }
}
