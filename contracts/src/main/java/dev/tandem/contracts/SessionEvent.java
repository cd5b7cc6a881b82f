package dev.tandem.contracts;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Events on {@code tandem.session-events}, keyed by session id. The aggregate is the session. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SessionEvent.SessionCreated.class, name = "SessionCreated"),
        @JsonSubTypes.Type(value = SessionEvent.ParticipantJoined.class, name = "ParticipantJoined"),
        @JsonSubTypes.Type(value = SessionEvent.ParticipantLeft.class, name = "ParticipantLeft"),
        @JsonSubTypes.Type(value = SessionEvent.ModeChanged.class, name = "ModeChanged"),
        @JsonSubTypes.Type(value = SessionEvent.SessionEnded.class, name = "SessionEnded"),
})
public sealed interface SessionEvent extends Event {

    enum Role {
        VISITOR,
        AGENT,
        OBSERVER
    }

    enum EndReason {
        VISITOR_ENDED,
        AGENT_ENDED,
        CHAT_ENDED,
        JOIN_TIMEOUT,
        INACTIVITY_TIMEOUT,
        AGENT_AWAY,
        VISITOR_AWAY,
        OPERATOR
    }

    record SessionCreated(UUID id, Instant time, String aggregateId, String agentId, String chatId,
            String siteId, String tenant, Mode mode, String inviteId) implements SessionEvent {
    }

    record ParticipantJoined(UUID id, Instant time, String aggregateId, Role role) implements SessionEvent {
    }

    record ParticipantLeft(UUID id, Instant time, String aggregateId, Role role) implements SessionEvent {
    }

    record ModeChanged(UUID id, Instant time, String aggregateId, Mode mode) implements SessionEvent {
    }

    record SessionEnded(UUID id, Instant time, String aggregateId, String agentId, EndReason reason)
            implements SessionEvent {
    }
}
