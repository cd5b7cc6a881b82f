package dev.tandem.e2e.faults;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.tandem.local.LocalStack;

/** Reads the gateway's /q/metrics until no connection and no session is left (or the time is up). */
public final class GatewayMetricsProbe {

    private final LocalStack stack;
    private final Api api;

    public GatewayMetricsProbe(LocalStack stack, Api api) {
        this.stack = stack;
        this.api = api;
    }

    public GatewayMetrics read() {
        Api.Answer answer = api.get(stack.gateway().resolve("/q/metrics"));
        if (answer.status() != 200) {
            throw new AssertionError("gateway /q/metrics: " + answer.status());
        }
        return GatewayMetrics.parse(answer.body());
    }

    /** The figures once connections and sessions are back to none, or the last ones read after {@code within}. */
    public GatewayMetrics settled(Duration within) {
        AtomicReference<GatewayMetrics> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
                last.set(read());
                return last.get().visitorConnections() == 0 && last.get().agentConnections() == 0
                        && last.get().sessions() == 0;
            });
        } catch (ConditionTimeoutException e) {
            // the caller asserts on what is left
        }
        return last.get();
    }
}
