package dev.tandem.gateway.relay;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's figures for Prometheus ({@code /q/metrics}): connections and sessions now, frames and
 * bytes per direction, drops by reason, relay latency. Never a session id, never content.
 */
@ApplicationScoped
public class GatewayMetrics {

    /** Where a frame went: from a client, to a client, to the relay topic, from the relay topic. */
    public enum Direction {
        IN("in"), OUT("out"), RELAY_OUT("relay-out"), RELAY_IN("relay-in");

        final String tag;

        Direction(String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final Timer relayLatency;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.relayLatency = Timer.builder("tandem.gateway.relay.latency")
                .description("time from publishing a frame on tandem.relay to receiving it on another replica")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    void gauges(Supplier<Number> sessions, java.util.function.Function<String, Number> connections) {
        Gauge.builder("tandem.gateway.sessions", sessions).description("sessions with a connection on this replica")
                .register(registry);
        for (String role : new String[] { "visitor", "agent", "observer" }) {
            Gauge.builder("tandem.gateway.connections", () -> connections.apply(role)).tag("role", role)
                    .description("open WebSocket connections on this replica").register(registry);
        }
    }

    public void frame(Direction direction, Frame frame) {
        String kind = frame.isBinary() ? "binary" : "text";
        Counter.builder("tandem.gateway.frames").tag("direction", direction.tag).tag("kind", kind)
                .register(registry).increment();
        Counter.builder("tandem.gateway.bytes").tag("direction", direction.tag).tag("kind", kind)
                .register(registry).increment(frame.size());
    }

    public void drop(String reason) {
        Counter.builder("tandem.gateway.drops").tag("reason", reason).register(registry).increment();
    }

    public double drops(String reason) {
        Counter counter = registry.find("tandem.gateway.drops").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    public void relayLatency(long sentAtMillis) {
        long millis = System.currentTimeMillis() - sentAtMillis;
        if (millis >= 0) {
            relayLatency.record(Duration.ofMillis(millis));
        }
    }
}
