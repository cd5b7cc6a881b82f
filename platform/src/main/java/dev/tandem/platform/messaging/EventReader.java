package dev.tandem.platform.messaging;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Event;
import io.quarkus.logging.Log;

/**
 * Reads a record's value as one of the contracts' event types. Unknown fields are tolerated (a producer may
 * be newer than this service); a record that is not such an event is logged without its content and reported
 * as empty, so the consumer skips it instead of blocking its partition.
 */
@ApplicationScoped
public class EventReader {

    private final ObjectMapper json;

    public EventReader(ObjectMapper json) {
        this.json = json;
    }

    public <E extends Event> Optional<E> read(String payload, Class<E> type, String channel) {
        if (payload == null || payload.isBlank()) {
            Log.warnf("%s: skipped an empty record", channel);
            return Optional.empty();
        }
        try {
            E event = json.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(payload);
            if (event == null || event.id() == null || event.aggregateId() == null) {
                Log.warnf("%s: skipped a %s without id or aggregateId", channel, type.getSimpleName());
                return Optional.empty();
            }
            return Optional.of(event);
        } catch (JsonProcessingException e) {
            // a Jackson message may quote the content: log only its kind
            Log.warnf("%s: skipped a record that is not a known %s (%s)", channel, type.getSimpleName(),
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
