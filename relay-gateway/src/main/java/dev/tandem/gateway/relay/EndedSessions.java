package dev.tandem.gateway.relay;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.gateway.config.GatewayConfig;

/**
 * Sessions this replica heard end (through {@code tandem.session-events}), remembered for
 * {@link GatewayConfig#endedSessionMemory()}: their join tokens are refused even before they expire. Kept apart
 * from {@link SessionHub} so that the handshake check does not depend on the hub.
 */
@ApplicationScoped
public class EndedSessions {

    /** Each ended session with the System.nanoTime() until which it is remembered. */
    private final ConcurrentMap<String, Long> endedUntil = new ConcurrentHashMap<>();
    private final long memoryNanos;

    public EndedSessions(GatewayConfig config) {
        this.memoryNanos = config.endedSessionMemory().toNanos();
    }

    public boolean hasEnded(String sessionId) {
        Long until = endedUntil.get(sessionId);
        return until != null && until - System.nanoTime() > 0;
    }

    void remember(String sessionId) {
        long now = System.nanoTime();
        endedUntil.values().removeIf(until -> until - now <= 0);
        endedUntil.put(sessionId, now + memoryNanos);
    }
}
