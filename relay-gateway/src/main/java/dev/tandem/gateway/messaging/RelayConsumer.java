package dev.tandem.gateway.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.gateway.relay.SessionHub;
import io.smallrye.common.annotation.NonBlocking;

/**
 * Reads {@code tandem.relay} in a consumer group of its own per replica (every replica sees every
 * session's records and keeps those of sessions it carries, skipping its own), from the latest offset:
 * a replica that was not there has no one to deliver older frames to.
 *
 * <p>A whole poll at a time ({@code batch=true}), on the connector's event-loop context
 * ({@link NonBlocking}). A {@code void} method taking one record is treated as blocking: every record
 * was handed to a worker thread and back, one at a time, and since each replica reads every record of
 * the topic (half of them its own), that hand-off was where frames waited: polled from Kafka about
 * 0.1 s after they were published, they reached {@link SessionHub#fromRelay} 2–11 s later on the loaded
 * bench machine (bench/README.md, "Two replicas: the Kafka path"). {@code fromRelay} never blocks: it
 * opens the record, takes a room's lock for a moment and queues the frame on the WebSocket. The batch
 * is in partition order, so each session's order is kept.
 */
@ApplicationScoped
public class RelayConsumer {

    private final SessionHub hub;

    public RelayConsumer(SessionHub hub) {
        this.hub = hub;
    }

    @Incoming("relay-in")
    @NonBlocking
    public void consume(List<byte[]> records) {
        for (byte[] record : records) {
            if (record != null) {
                hub.fromRelay(record);
            }
        }
    }
}
