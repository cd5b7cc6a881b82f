package dev.tandem.gateway.messaging;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Whether this replica reads {@code tandem.relay} yet. Its consumer starts in a group of its own from the
 * latest offset, and "latest" is only resolved once the group has assigned it the topic's partitions:
 * whatever another replica publishes before then (typically the answer to this replica's first fresh
 * join) would be lost, and the replica would believe the other side absent. So the positions are
 * resolved here, on assignment, and until then the replica is not ready ({@code /q/health/ready} DOWN)
 * and refuses WebSocket upgrades with 503: the clients go to another replica or try again.
 */
@ApplicationScoped
@Default
@Identifier(RelayAssignment.NAME)
@Readiness
public class RelayAssignment implements KafkaConsumerRebalanceListener, HealthCheck {

    /** {@code mp.messaging.incoming.relay-in.consumer-rebalance-listener.name}. */
    public static final String NAME = "tandem-relay-assignment";

    private volatile boolean assigned;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        // resolve "latest" now: from here on, every record published to these partitions is read
        partitions.forEach(consumer::position);
        if (!assigned) {
            Log.infof("reading tandem.relay: %d partitions assigned", partitions.size());
        }
        assigned = true;
    }

    /** True once the relay consumer reads every partition from a known position. */
    public boolean assigned() {
        return assigned;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("tandem.relay consumer").status(assigned).build();
    }
}
