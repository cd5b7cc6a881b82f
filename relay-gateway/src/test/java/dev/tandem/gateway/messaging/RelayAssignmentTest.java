package dev.tandem.gateway.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The replica is ready only once the relay consumer reads its partitions from a resolved position. */
class RelayAssignmentTest {

    final TopicPartition partition = new TopicPartition("tandem.relay", 0);

    @Test
    void notReadyUntilThePartitionsAreAssignedThenReadingFromTheEndAsItWasThen() {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.LATEST);
        consumer.assign(List.of(partition));
        consumer.updateEndOffsets(Map.of(partition, 42L));
        RelayAssignment assignment = new RelayAssignment();
        assertFalse(assignment.assigned());
        assertEquals(HealthCheckResponse.Status.DOWN, assignment.call().getStatus());

        assignment.onPartitionsAssigned(consumer, List.of());
        assertFalse(assignment.assigned(), "an empty assignment reads nothing");

        assignment.onPartitionsAssigned(consumer, List.of(partition));
        assertTrue(assignment.assigned());
        assertEquals(HealthCheckResponse.Status.UP, assignment.call().getStatus());
        // the position is fixed now: a record published after this moment (offset 42) is read
        consumer.updateEndOffsets(Map.of(partition, 50L));
        assertEquals(42L, consumer.position(partition));
    }
}
