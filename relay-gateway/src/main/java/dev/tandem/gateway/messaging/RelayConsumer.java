package dev.tandem.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.gateway.relay.SessionHub;

/**
 * Reads {@code tandem.relay} in a consumer group of its own per replica (every replica sees every
 * session's records and keeps those of sessions it carries, skipping its own), from the latest offset:
 * a replica that was not there has no one to deliver older frames to.
 */
@ApplicationScoped
public class RelayConsumer {

    private final SessionHub hub;

    public RelayConsumer(SessionHub hub) {
        this.hub = hub;
    }

    @Incoming("relay-in")
    public void consume(byte[] record) {
        if (record != null) {
            hub.fromRelay(record);
        }
    }
}
