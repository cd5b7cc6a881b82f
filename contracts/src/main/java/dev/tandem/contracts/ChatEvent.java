package dev.tandem.contracts;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Events on {@code tandem.chat-events} from the chat platform, keyed by chat id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ChatEvent.ChatEnded.class, name = "ChatEnded"),
})
public sealed interface ChatEvent extends Event {

    record ChatEnded(UUID id, Instant time, String aggregateId) implements ChatEvent {
    }
}
