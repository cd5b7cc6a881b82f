package dev.tandem.gateway.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tandem.gateway.relay.RelayCrypto;
import dev.tandem.gateway.relay.RelayEnvelope;
import dev.tandem.gateway.relay.RelayEnvelope.From;
import dev.tandem.gateway.relay.RelayEnvelope.Kind;
import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * Presence across replicas is a lease: a replica renews what it holds of each session, and forgets what
 * another replica claimed once that replica went silent (it died without saying so). The test plays the
 * other replica on the real {@code tandem.relay} topic, with short intervals.
 */
@QuarkusTest
@TestProfile(PresenceLeaseTest.ShortLease.class)
@WithTestResource(TandemInfraResource.class)
@WithTestResource(JwksTestResource.class)
@WithTestResource(OidcWiremockTestResource.class)
class PresenceLeaseTest {

    public static class ShortLease implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tandem.gateway.relay.presence-interval", "300ms", "tandem.gateway.relay.presence-ttl", "2s");
        }
    }

    @TestHTTPResource("/ws/visitor")
    URI visitorUri;

    final UUID replica = UUID.randomUUID();
    long seq;
    final RelayCrypto crypto = new RelayCrypto(JwksTestResource.RELAY_SECRET.getBytes(StandardCharsets.UTF_8));
    KafkaProducer<String, byte[]> producer;
    KafkaConsumer<String, byte[]> consumer;

    @BeforeEach
    void replica() {
        String bootstrap = TandemInfraResource.bootstrapServers();
        producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap), new StringSerializer(),
                new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap, "group.id",
                "test-" + UUID.randomUUID(), "auto.offset.reset", "latest"), new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of("tandem.relay"));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        consumer.assignment().forEach(consumer::position);
    }

    @AfterEach
    void close() {
        producer.close();
        consumer.close();
    }

    void presence(String session, int flags, int count) throws Exception {
        seq++;
        byte[] record = new RelayEnvelope(Kind.PRESENCE, From.AGENT, flags, replica, 7, seq, System.currentTimeMillis(),
                session, RelayEnvelope.count(count)).seal(crypto, crypto.sessionKey(session));
        producer.send(new ProducerRecord<>("tandem.relay", session, record)).get();
    }

    /** The next {@code peer} notice the visitor gets, skipping anything else. */
    static String nextPeer(TestSocket visitor) throws InterruptedException {
        String message = visitor.next();
        while (!message.contains("\"t\":\"peer\"")) {
            message = visitor.next();
        }
        return message;
    }

    @Test
    void anAgentOnAReplicaThatWentSilentIsForgottenAndComesBackWithItsNextRenewal() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = TestSocket.open(URI.create(visitorUri.toString().replaceFirst("^http", "ws")),
                RelaySocketTest.SITE, "tandem.v1", "tandem.token." + JwksTestResource.token(session, "visitor", "VIEW_ONLY"));
        assertTrue(visitor.next().contains("\"peerConnected\":false"));

        presence(session, RelayEnvelope.FRESH_JOIN, 1);
        String came = nextPeer(visitor);
        assertTrue(came.contains("\"role\":\"agent\"") && came.contains("\"connected\":true"), came);

        // the other replica dies: no goodbye, no renewal; within the lease the visitor is told the agent is gone
        long silentSince = System.nanoTime();
        String gone = nextPeer(visitor);
        long after = Duration.ofNanos(System.nanoTime() - silentSince).toMillis();
        assertTrue(gone.contains("\"role\":\"agent\"") && gone.contains("\"connected\":false"), gone);
        assertTrue(after >= 1_500, "forgotten only after the lease ran out, not at once: " + after + " ms");

        // a replica that was only slow comes back with its next renewal
        presence(session, 0, 1);
        String back = nextPeer(visitor);
        assertTrue(back.contains("\"role\":\"agent\"") && back.contains("\"connected\":true"), back);
    }

    @Test
    void thisReplicaRenewsWhatItHoldsOfASession() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket.open(URI.create(visitorUri.toString().replaceFirst("^http", "ws")), RelaySocketTest.SITE,
                "tandem.v1", "tandem.token." + JwksTestResource.token(session, "visitor", "VIEW_ONLY")).next();
        int renewals = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (renewals < 3 && System.nanoTime() < deadline) {
            for (var record : consumer.poll(Duration.ofMillis(100))) {
                RelayEnvelope peeked = RelayEnvelope.peek(record.value());
                if (peeked.sessionId().equals(session) && peeked.kind() == Kind.PRESENCE
                        && peeked.from() == From.VISITOR && peeked.flags() == 0) {
                    assertEquals(1, peeked.open(record.value(), crypto.sessionKey(session)).count());
                    renewals++;
                }
            }
        }
        assertTrue(renewals >= 3, "renewals of the visitor's presence seen: " + renewals);
    }
}
