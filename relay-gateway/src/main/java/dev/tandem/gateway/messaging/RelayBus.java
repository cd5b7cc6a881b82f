package dev.tandem.gateway.messaging;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import dev.tandem.gateway.config.GatewayConfig;
import dev.tandem.gateway.relay.RelayCrypto;
import dev.tandem.gateway.relay.RelayEnvelope;
import io.quarkus.logging.Log;
import io.quarkus.runtime.LaunchMode;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * This replica's end of {@code tandem.relay}: seals envelopes under the session's derived key and
 * publishes them keyed by session id (one partition per session, so its order is kept).
 */
@ApplicationScoped
public class RelayBus {

    /** This replica, so that it can skip its own records. */
    private final UUID replica = UUID.randomUUID();
    private final RelayCrypto crypto;
    private final ConcurrentMap<String, SecretKeySpec> keys = new ConcurrentHashMap<>();
    private final MutinyEmitter<byte[]> emitter;

    public RelayBus(@Channel("relay-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            MutinyEmitter<byte[]> emitter, GatewayConfig config) {
        this.emitter = emitter;
        this.crypto = new RelayCrypto(secret(config));
    }

    private static byte[] secret(GatewayConfig config) {
        if (config.relay().secret().isPresent()) {
            return config.relay().secret().get().getBytes(StandardCharsets.UTF_8);
        }
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            // %prod reads TANDEM_GATEWAY_RELAY_SECRET; this only guards a prod build run without it.
            throw new IllegalStateException("tandem.gateway.relay.secret is required in prod");
        }
        byte[] generated = new byte[32];
        new SecureRandom().nextBytes(generated);
        Log.warn("no tandem.gateway.relay.secret: generated one for this process; other replicas cannot read its relay frames");
        return Base64.getEncoder().encodeToString(generated).getBytes(StandardCharsets.UTF_8);
    }

    public UUID replica() {
        return replica;
    }

    public SecretKeySpec key(String sessionId) {
        return keys.computeIfAbsent(sessionId, crypto::sessionKey);
    }

    /** Forgets a session's key when this replica no longer carries it. */
    public void forget(String sessionId) {
        keys.remove(sessionId);
    }

    /** Seals and publishes; call in the order the records must arrive (the caller holds the session's lock). */
    public void publish(RelayEnvelope envelope) {
        byte[] record = envelope.seal(crypto, key(envelope.sessionId()));
        Message<byte[]> message = Message.of(record).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(envelope.sessionId()).build());
        try {
            emitter.sendMessageAndForget(message);
        } catch (RuntimeException e) {
            // The receiving side sees the gap in the sequence and asks the visitor for a fresh snapshot.
            Log.warnf("a relay frame could not be published: %s", e.getClass().getSimpleName());
        }
    }
}
