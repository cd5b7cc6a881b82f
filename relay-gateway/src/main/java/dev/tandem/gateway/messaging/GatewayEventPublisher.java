package dev.tandem.gateway.messaging;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.GatewayEvent;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.gateway.security.JoinToken;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Tells session-service what happens on the sockets (connected, disconnected, end requested). The
 * gateway keeps nothing durable, so it publishes directly; session-service's timeouts cover a
 * replica that dies before an event left it.
 */
@ApplicationScoped
public class GatewayEventPublisher {

    private final MutinyEmitter<String> emitter;
    private final ObjectMapper json;

    public GatewayEventPublisher(@Channel("gateway-events") MutinyEmitter<String> emitter, ObjectMapper json) {
        this.emitter = emitter;
        this.json = json;
    }

    public void connected(String sessionId, JoinToken.Role role) {
        publish(new GatewayEvent.Connected(UUID.randomUUID(), Instant.now(), sessionId, of(role)));
    }

    public void disconnected(String sessionId, JoinToken.Role role) {
        publish(new GatewayEvent.Disconnected(UUID.randomUUID(), Instant.now(), sessionId, of(role)));
    }

    public void endRequested(String sessionId, JoinToken.Role role) {
        publish(new GatewayEvent.EndRequested(UUID.randomUUID(), Instant.now(), sessionId, of(role)));
    }

    private static SessionEvent.Role of(JoinToken.Role role) {
        return role == JoinToken.Role.VISITOR ? SessionEvent.Role.VISITOR : SessionEvent.Role.AGENT;
    }

    private void publish(GatewayEvent event) {
        String payload;
        try {
            payload = json.writerFor(GatewayEvent.class).writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Message<String> message = Message.of(payload).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(event.aggregateId()).build());
        emitter.sendMessage(message).subscribe().with(x -> { },
                e -> Log.warnf("%s for a session could not be published: %s", event.getClass().getSimpleName(), e.toString()));
    }
}
