package dev.tandem.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.gateway.relay.SessionHub;
import io.smallrye.common.annotation.NonBlocking;

/**
 * Reads {@code tandem.relay} in a consumer group of its own per replica (every replica sees every
 * session's records and keeps those of sessions it carries, skipping its own), from the latest offset:
 * a replica that was not there has no one to deliver older frames to.
 *
 * <p>{@link NonBlocking}: a {@code void} method would otherwise be treated as blocking and every record
 * handed to a worker thread one at a time, in order. Each replica reads every record of the topic (half
 * of them its own, skipped at once), so at a few thousand frames a second that hand-off became the
 * bottleneck and frames queued for seconds (bench/README.md, relay latency with two replicas).
 * {@link SessionHub#fromRelay} never blocks: it opens the record, takes a room's lock for a moment and
 * queues the frame on the WebSocket.
 */
@ApplicationScoped
public class RelayConsumer {

    private final SessionHub hub;

    public RelayConsumer(SessionHub hub) {
        this.hub = hub;
    }

    @Incoming("relay-in")
    @NonBlocking
    public void consume(byte[] record) {
        if (record != null) {
            hub.fromRelay(record);
        }
    }
}
