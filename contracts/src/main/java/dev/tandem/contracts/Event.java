package dev.tandem.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * What every event on every topic carries: its own id (consumers deduplicate on it), its type (the
 * JSON property {@code type}), when it happened and the id of the aggregate it is about.
 */
public interface Event {

    UUID id();

    Instant time();

    String aggregateId();
}
