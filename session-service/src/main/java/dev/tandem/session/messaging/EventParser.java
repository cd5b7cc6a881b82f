package dev.tandem.session.messaging;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Event;
import io.quarkus.logging.Log;

/**
 * Reads a Kafka record's value as one of the sealed event types. A record that is not such an event is
 * logged (its kind of problem and where it came from, never its content) and reported as empty, so that
 * the consumer skips it instead of blocking its partition.
 */
@ApplicationScoped
public class EventParser {

    private final ObjectMapper json;

    public EventParser(ObjectMapper json) {
        this.json = json;
    }

    public <E extends Event> Optional<E> parse(String payload, Class<E> type, String channel) {
        if (payload == null || payload.isBlank()) {
            Log.warnf("%s: skipped an empty record", channel);
            return Optional.empty();
        }
        try {
            E event = json.readValue(payload, type);
            if (event == null || event.id() == null || event.aggregateId() == null) {
                Log.warnf("%s: skipped a %s without id or aggregateId", channel, type.getSimpleName());
                return Optional.empty();
            }
            return Optional.of(event);
        } catch (JsonProcessingException e) {
            // the message of a Jackson exception may quote the content: log only its kind
            Log.warnf("%s: skipped a record that is not a known %s (%s)", channel, type.getSimpleName(),
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
