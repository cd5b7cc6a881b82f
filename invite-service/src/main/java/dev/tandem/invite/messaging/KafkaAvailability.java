package dev.tandem.invite.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.tandem.invite.config.InviteConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Whether the Kafka broker can be reached, as far as invite-service last saw it. Events go out through the
 * outbox, so a write never fails because Kafka is away; but an invite made then would wait, unseen by
 * session-service, for as long as the broker is down. So new invites are refused with 503 and
 * {@code Retry-After} instead ({@link dev.tandem.invite.service.Problems#eventsUnavailable}).
 * <p>
 * A scheduled probe asks the broker for its cluster description ({@code invite.kafka.probe-interval},
 * answer within {@code invite.kafka.probe-timeout}). Kafka counts as unavailable from the first failed probe
 * until the next successful one; before the first probe has answered it counts as available (the readiness
 * check covers a broker that is away at start).
 */
@ApplicationScoped
public class KafkaAvailability {

    private final InviteConfig config;
    private final String bootstrapServers;
    private final Clock clock;
    private final Object adminLock = new Object();
    private Admin admin;
    private volatile boolean reachable = true;
    private volatile Instant unreachableSince;

    @Inject
    public KafkaAvailability(InviteConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, Clock clock) {
        this.config = config;
        this.bootstrapServers = config.kafka().probeBootstrapServers().orElse(bootstrapServers);
        this.clock = clock;
    }

    /** False from the first failed probe until the next successful one. */
    public boolean available() {
        return reachable;
    }

    /** How long a caller refused for an outage should wait before trying again. */
    public Duration retryAfter() {
        return config.kafka().retryAfter();
    }

    @Scheduled(every = "${invite.kafka.probe-interval:1s}", identity = "kafka-probe",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probe() {
        Duration timeout = config.kafka().probeTimeout();
        boolean ok;
        try {
            admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            ok = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            ok = false;
        }
        record(ok);
    }

    /** Notes the outcome of one probe (package-visible for the tests). */
    void record(boolean ok) {
        if (ok && !reachable) {
            Log.infof("Kafka is reachable again after %s s: new invites are accepted",
                    Duration.between(unreachableSince, clock.instant()).toSeconds());
        } else if (!ok && reachable) {
            unreachableSince = clock.instant();
            Log.warnf("Kafka cannot be reached: new invites are refused with 503 until it answers again");
        }
        reachable = ok;
    }

    private Admin admin() {
        synchronized (adminLock) {
            if (admin == null) {
                int timeout = (int) config.kafka().probeTimeout().toMillis();
                admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.CLIENT_ID_CONFIG, "invite-service-kafka-probe",
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
            }
            return admin;
        }
    }

    @PreDestroy
    void close() {
        synchronized (adminLock) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(1));
                admin = null;
            }
        }
    }
}
