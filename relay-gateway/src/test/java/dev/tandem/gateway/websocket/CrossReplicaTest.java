package dev.tandem.gateway.websocket;

import static dev.tandem.gateway.websocket.RelaySocketTest.bearer;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The cross-replica path: this Quarkus app is one replica; the test plays a second one on the real
 * {@code tandem.relay} topic, with the same secret, sealing and opening frames as a gateway would.
 */
@QuarkusTest
@WithTestResource(TandemInfraResource.class)
@WithTestResource(JwksTestResource.class)
@WithTestResource(OidcWiremockTestResource.class)
class CrossReplicaTest {

    @TestHTTPResource("/ws/visitor")
    URI visitorUri;

    @TestHTTPResource("/ws/agent")
    URI agentUri;

    /** The stand-in replica. */
    final UUID replica = UUID.randomUUID();
    final long stream = 42;
    long seq;
    final RelayCrypto crypto = new RelayCrypto(JwksTestResource.RELAY_SECRET.getBytes(StandardCharsets.UTF_8));
    KafkaProducer<String, byte[]> producer;
    KafkaConsumer<String, byte[]> consumer;
    final List<RelayEnvelope> seen = new ArrayList<>();

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
        // resolve "latest" now, before the app publishes: a lazily resolved position would skip its first records
        consumer.assignment().forEach(consumer::position);
    }

    @AfterEach
    void close() {
        producer.close();
        consumer.close();
    }

    URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    void send(String session, Kind kind, From from, int flags, byte[] body, RelayCrypto with) throws Exception {
        seq++;
        byte[] record = new RelayEnvelope(kind, from, flags, replica, stream, seq, System.currentTimeMillis(), session,
                body).seal(with, with.sessionKey(session));
        producer.send(new ProducerRecord<>("tandem.relay", session, record)).get();
    }

    /** The next record of the app's replica for this session, opened with the shared secret. */
    RelayEnvelope next(String session, Kind kind) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < seen.size(); i++) {
                if (seen.get(i).sessionId().equals(session) && seen.get(i).kind() == kind) {
                    return seen.remove(i);
                }
            }
            for (var record : consumer.poll(Duration.ofMillis(100))) {
                RelayEnvelope peeked = RelayEnvelope.peek(record.value());
                assertEquals(peeked.sessionId(), record.key(), "keyed by session id");
                if (!peeked.replica().equals(replica)) {
                    seen.add(peeked.open(record.value(), crypto.sessionKey(peeked.sessionId())));
                }
            }
        }
        throw new AssertionError("no " + kind + " record for the session within 20 s");
    }

    @Test
    void visitorHereAndAgentOnAnotherReplicaCoBrowseThroughTheSealedRelay() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = TestSocket.open(ws(visitorUri), RelaySocketTest.SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "visitor", "VIEW_ONLY"));
        assertTrue(visitor.next().contains("\"peerConnected\":false"));
        RelayEnvelope presence = next(session, Kind.PRESENCE);
        assertEquals(From.VISITOR, presence.from());
        assertEquals(1, presence.count());

        // the agent joins on the other replica
        send(session, Kind.PRESENCE, From.AGENT, RelayEnvelope.FRESH_JOIN, RelayEnvelope.count(1), crypto);
        String peer = visitor.next();
        assertTrue(peer.contains("\"t\":\"peer\"") && peer.contains("\"role\":\"agent\"") && peer.contains("true"), peer);
        RelayEnvelope answer = next(session, Kind.PRESENCE);
        assertEquals(From.VISITOR, answer.from(), "this replica answers a fresh join with what it holds");

        String snapshot = "{\"t\":\"snapshot\",\"seq\":1,\"snapshotId\":1,\"root\":{\"id\":1,\"type\":9,\"children\":[]}}";
        visitor.send(snapshot);
        RelayEnvelope text = next(session, Kind.TEXT);
        assertEquals(From.VISITOR, text.from());
        assertEquals(snapshot, new String(text.body(), StandardCharsets.UTF_8));

        byte[] chunk = TestSocket.binaryFrame(HardeningTest.chunkHeader(0, true), new byte[] { 1, 2, 3, 4, 5 });
        visitor.sendBinary(chunk);
        RelayEnvelope binary = next(session, Kind.BINARY);
        assertArrayEquals(chunk, binary.body(), "binary frames cross unchanged");
        assertTrue(binary.seq() > text.seq(), "numbered in order");

        send(session, Kind.TEXT, From.AGENT, 0, "{\"t\":\"pointer\",\"x\":5,\"y\":6}".getBytes(StandardCharsets.UTF_8), crypto);
        assertEquals("{\"t\":\"pointer\",\"x\":5,\"y\":6}", visitor.nextRelayed());

        // a lost record (a gap in the numbers) makes the gateway ask the visitor for a fresh snapshot
        seq += 3;
        send(session, Kind.TEXT, From.AGENT, 0, "{\"t\":\"highlight\",\"x\":1,\"y\":1}".getBytes(StandardCharsets.UTF_8), crypto);
        List<String> got = List.of(visitor.nextRelayed(), visitor.nextRelayed());
        assertTrue(got.contains("{\"t\":\"resync\"}"), "resync after a gap: " + got);

        // a record sealed under another secret is not delivered
        RelayCrypto stranger = new RelayCrypto("another secret that no gateway holds!".getBytes(StandardCharsets.UTF_8));
        send(session, Kind.TEXT, From.AGENT, 0, "{\"t\":\"pointer\",\"x\":66,\"y\":66}".getBytes(StandardCharsets.UTF_8), stranger);
        send(session, Kind.TEXT, From.AGENT, 0, "{\"t\":\"pointer\",\"x\":7,\"y\":7}".getBytes(StandardCharsets.UTF_8), crypto);
        String after = visitor.nextRelayed();
        while (after.equals("{\"t\":\"resync\"}")) {
            after = visitor.nextRelayed();
        }
        assertEquals("{\"t\":\"pointer\",\"x\":7,\"y\":7}", after, "the forged one never reached the visitor");

        // the agent leaves on the other replica
        send(session, Kind.PRESENCE, From.AGENT, 0, RelayEnvelope.count(0), crypto);
        String left = visitor.next();
        while (!left.contains("\"t\":\"peer\"")) {
            left = visitor.next();
        }
        assertTrue(left.contains("\"connected\":false"), left);
    }

    @Test
    void agentHereGetsTheVisitorsFramesFromAnotherReplicaAndAFreshJoinElsewhereReplacesALocalSocket() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket agent = TestSocket.open(ws(agentUri), RelaySocketTest.CONSOLE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "agent", "VIEW_ONLY"), bearer("agent1", "agent"));
        agent.next();
        next(session, Kind.PRESENCE);
        send(session, Kind.PRESENCE, From.VISITOR, RelayEnvelope.FRESH_JOIN, RelayEnvelope.count(1), crypto);
        assertTrue(agent.next().contains("\"role\":\"visitor\""));
        send(session, Kind.TEXT, From.VISITOR, 0, "{\"t\":\"viewport\",\"seq\":1,\"w\":9,\"h\":9}".getBytes(StandardCharsets.UTF_8), crypto);
        assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":9,\"h\":9}", agent.nextRelayed());
        agent.send("{\"t\":\"resync\"}");
        RelayEnvelope resync = next(session, Kind.TEXT);
        assertEquals(From.AGENT, resync.from());

        // the agent reconnected to the other replica: this one lets its old socket go
        send(session, Kind.PRESENCE, From.AGENT, RelayEnvelope.FRESH_JOIN, RelayEnvelope.count(1), crypto);
        assertEquals(1000, agent.closeCode.get(10, TimeUnit.SECONDS));
    }

    @Test
    void whenBothSidesAreHereNothingOfThePageGoesOverKafka() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = TestSocket.open(ws(visitorUri), RelaySocketTest.SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "visitor", "VIEW_ONLY"));
        TestSocket agent = TestSocket.open(ws(agentUri), RelaySocketTest.CONSOLE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "agent", "VIEW_ONLY"), bearer("agent1", "agent"));
        visitor.send("{\"t\":\"viewport\",\"seq\":1,\"w\":8,\"h\":8}");
        assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":8,\"h\":8}", agent.nextRelayed());
        next(session, Kind.PRESENCE); // presence is announced, frames are not
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline) {
            for (var record : consumer.poll(Duration.ofMillis(100))) {
                RelayEnvelope peeked = RelayEnvelope.peek(record.value());
                assertFalse(peeked.sessionId().equals(session) && peeked.kind() != Kind.PRESENCE,
                        "a frame crossed Kafka although both sides are on this replica");
            }
        }
    }
}
