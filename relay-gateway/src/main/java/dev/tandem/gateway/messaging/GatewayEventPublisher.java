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
 * Tells session-service what happens on the sockets (connected, disconnected, activity, end requested,
 * refused actions). The
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

    public void activity(String sessionId) {
        publish(new GatewayEvent.Activity(UUID.randomUUID(), Instant.now(), sessionId));
    }

    /** The visitor opened a page: its address without query string and fragment (see PageAddress). */
    public void pageVisited(String sessionId, String url) {
        publish(new GatewayEvent.PageVisited(UUID.randomUUID(), Instant.now(), sessionId, url));
    }

    /** A dropped message, for the audit trail: its type and why, never its content. */
    public void actionRefused(String sessionId, JoinToken.Role role, String messageType, String reason) {
        publish(new GatewayEvent.ActionRefused(UUID.randomUUID(), Instant.now(), sessionId, of(role), messageType,
                reason));
    }

    private static SessionEvent.Role of(JoinToken.Role role) {
        return switch (role) {
            case VISITOR -> SessionEvent.Role.VISITOR;
            case AGENT -> SessionEvent.Role.AGENT;
            case OBSERVER -> SessionEvent.Role.OBSERVER;
        };
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
