package dev.tandem.gateway.relay;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.tandem.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Runs {@link SessionHub#renewPresence()} every {@code tandem.gateway.relay.presence-interval}. */
@ApplicationScoped
class PresenceLease {

    private final SessionHub hub;
    private final GatewayConfig config;
    private ScheduledExecutorService timer;

    PresenceLease(SessionHub hub, GatewayConfig config) {
        this.hub = hub;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        long every = config.relay().presenceInterval().toMillis();
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tandem-presence-lease").daemon()
                .factory());
        timer.scheduleWithFixedDelay(() -> {
            try {
                hub.renewPresence();
            } catch (RuntimeException e) {
                Log.warnf("renewing presence failed: %s", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
