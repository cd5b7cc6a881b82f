package dev.tandem.contracts;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Events on {@code tandem.gateway-events}, keyed by session id. Never page content. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = GatewayEvent.Connected.class, name = "Connected"),
        @JsonSubTypes.Type(value = GatewayEvent.Disconnected.class, name = "Disconnected"),
        @JsonSubTypes.Type(value = GatewayEvent.Activity.class, name = "Activity"),
        @JsonSubTypes.Type(value = GatewayEvent.PageVisited.class, name = "PageVisited"),
        @JsonSubTypes.Type(value = GatewayEvent.EndRequested.class, name = "EndRequested"),
        @JsonSubTypes.Type(value = GatewayEvent.ActionRefused.class, name = "ActionRefused"),
})
public sealed interface GatewayEvent extends Event {

    record Connected(UUID id, Instant time, String aggregateId, SessionEvent.Role role) implements GatewayEvent {
    }

    record Disconnected(UUID id, Instant time, String aggregateId, SessionEvent.Role role) implements GatewayEvent {
    }

    record Activity(UUID id, Instant time, String aggregateId) implements GatewayEvent {
    }

    /** A page the visitor opened, without query string and fragment. */
    record PageVisited(UUID id, Instant time, String aggregateId, String url) implements GatewayEvent {
    }

    /** The visitor pressed X or the agent pressed End. */
    record EndRequested(UUID id, Instant time, String aggregateId, SessionEvent.Role role) implements GatewayEvent {
    }

    /**
     * The gateway dropped a message the sender's role or the session's mode does not allow (for example an
     * agent click in view-only mode), for the audit trail. {@code messageType} is the frame's type only,
     * never its payload.
     */
    record ActionRefused(UUID id, Instant time, String aggregateId, SessionEvent.Role role, String messageType,
            String reason) implements GatewayEvent {
    }
}
