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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.tandem.gateway.relay.SessionHub;
import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/** Limits, binary frames, observers, agent identity and per-site origins. */
@QuarkusTest
@WithTestResource(TandemInfraResource.class)
@WithTestResource(JwksTestResource.class)
@WithTestResource(OidcWiremockTestResource.class)
class HardeningTest {

    static final String SITE = RelaySocketTest.SITE;
    static final String CONSOLE = RelaySocketTest.CONSOLE;

    @TestHTTPResource("/ws/visitor")
    URI visitorUri;

    @TestHTTPResource("/ws/agent")
    URI agentUri;

    @Inject
    SessionHub hub;

    URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    TestSocket visitor(String session) {
        return TestSocket.open(ws(visitorUri), SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "visitor", "VIEW_ONLY"));
    }

    TestSocket agent(String session) {
        return TestSocket.open(ws(agentUri), CONSOLE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "agent", "VIEW_ONLY"), bearer("agent1", "agent"));
    }

    TestSocket observer(String session) {
        return TestSocket.open(ws(agentUri), CONSOLE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "observer", "supervisor1", "VIEW_ONLY"),
                bearer("supervisor1", "supervisor"));
    }

    /** What the agent got until it was told that the visitor left (the visitor's frames come before that). */
    static List<String> untilVisitorLeft(TestSocket agent) throws InterruptedException {
        List<String> before = new java.util.ArrayList<>();
        while (true) {
            String message = agent.next();
            if (message.contains("\"t\":\"peer\"") && message.contains("\"visitor\"") && message.contains("\"connected\":false")) {
                return before;
            }
            before.add(message);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    static String chunkHeader(int part, boolean last) {
        return "{\"t\":\"snapshot.chunk\",\"snapshotId\":1,\"seq\":" + (part + 1) + ",\"part\":" + part + ",\"last\":"
                + last + ",\"enc\":\"deflate-raw\"}";
    }

    @Test
    void aSnapshotOfTwoAndAHalfMegabytesInBinaryChunksReachesTheAgentAndObserversUnchanged() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        TestSocket agent = agent(session);
        agent.next(); // hello
        TestSocket observer = observer(session);
        assertTrue(observer.next().contains("\"role\":\"observer\""));
        byte[] page = new byte[2_500_000];
        new Random(7).nextBytes(page);
        int chunk = 256 * 1024;
        int parts = (page.length + chunk - 1) / chunk;
        byte[][] sent = new byte[parts][];
        for (int part = 0; part < parts; part++) {
            byte[] payload = java.util.Arrays.copyOfRange(page, part * chunk, Math.min(page.length, (part + 1) * chunk));
            sent[part] = TestSocket.binaryFrame(chunkHeader(part, part == parts - 1), payload);
            visitor.sendBinary(sent[part]);
        }
        for (int part = 0; part < parts; part++) {
            assertArrayEquals(sent[part], agent.nextBinary(), "part " + part);
            assertArrayEquals(sent[part], observer.nextBinary(), "part " + part + " to the observer");
        }
        assertFalse(visitor.closeCode.isDone());
    }

    @Test
    void binaryFramesOnlyFromTheVisitorAndOnlyWithAWellFormedHeader() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        TestSocket agent = agent(session);
        agent.sendBinary(TestSocket.binaryFrame(chunkHeader(0, true), new byte[10]));
        assertEquals(1003, agent.closeCode.get(10, TimeUnit.SECONDS), "an agent never sends page chunks");

        TestSocket badLength = visitor(UUID.randomUUID().toString());
        badLength.sendBinary(new byte[] { (byte) 0xff, (byte) 0xff, '{', '}' });
        assertEquals(1007, badLength.closeCode.get(10, TimeUnit.SECONDS), "header length beyond the frame");

        TestSocket badUtf8 = visitor(UUID.randomUUID().toString());
        badUtf8.sendBinary(new byte[] { 0, 8, '{', '"', 't', '"', ':', '"', (byte) 0xc3, '"' });
        assertEquals(1007, badUtf8.closeCode.get(10, TimeUnit.SECONDS), "header is not UTF-8");

        TestSocket otherType = visitor(UUID.randomUUID().toString());
        otherType.sendBinary(TestSocket.binaryFrame("{\"t\":\"snapshot\"}", new byte[4]));
        assertEquals(1003, otherType.closeCode.get(10, TimeUnit.SECONDS), "only snapshot.chunk is binary");

        visitor.send("{\"t\":\"viewport\",\"seq\":1,\"w\":1,\"h\":1}");
        assertFalse(visitor.closeCode.isDone(), "the other sockets on this gateway are unaffected");
    }

    @Test
    void malformedUnknownAndDeeplyNestedMessagesCloseOnlyTheirOwnSocket() throws Exception {
        String other = UUID.randomUUID().toString();
        TestSocket bystander = visitor(other);
        TestSocket bystanderAgent = agent(other);
        bystanderAgent.next(); // hello
        // Text frames whose bytes are not UTF-8 (0xC3 starts a sequence that '(' does not continue): 1007, in the
        // type as in a value, and nothing of the frame reaches the other side.
        try (RawSocket badType = RawSocket.open(visitorUri, "/ws/visitor", SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(UUID.randomUUID().toString(), "visitor", "VIEW_ONLY"))) {
            badType.sendFrame(1, new byte[] { '{', '"', 't', '"', ':', '"', (byte) 0xc3, '(', '"', '}' });
            assertEquals(1007, badType.awaitCloseCode(), "a type that is not UTF-8");
        }
        String invalid = UUID.randomUUID().toString();
        TestSocket invalidAgent = agent(invalid);
        byte[] head = "{\"t\":\"viewport\",\"seq\":1,\"w\":1,\"h\":1,\"n\":\"".getBytes(StandardCharsets.UTF_8);
        try (RawSocket badValue = RawSocket.open(visitorUri, "/ws/visitor", SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(invalid, "visitor", "VIEW_ONLY"))) {
            invalidAgent.next(); // hello
            badValue.sendFrame(1, concat(head, new byte[] { (byte) 0xc3, '(', '"', '}' }));
            assertEquals(1007, badValue.awaitCloseCode(), "a value that is not UTF-8");
        }
        // A character split between two fragments is UTF-8 all the same; a message that ends inside one is not.
        String split = UUID.randomUUID().toString();
        TestSocket splitAgent = agent(split);
        try (RawSocket fragments = RawSocket.open(visitorUri, "/ws/visitor", SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(split, "visitor", "VIEW_ONLY"))) {
            splitAgent.next(); // hello
            byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
            fragments.sendFrame(1, concat(head, new byte[] { euro[0], euro[1] }), false);
            fragments.sendFrame(0, new byte[] { euro[2], '"', '}' }, true);
            assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":1,\"h\":1,\"n\":\"\u20ac\"}", splitAgent.nextRelayed());
            fragments.sendFrame(1, concat(head, new byte[] { '"', '}', euro[0] }), false);
            fragments.sendFrame(0, new byte[] { euro[1] }, true);
            assertEquals(1007, fragments.awaitCloseCode(), "a message that ends inside a character");
        }
        assertTrue(untilVisitorLeft(invalidAgent).stream().noneMatch(t -> t.contains("viewport")), "an invalid frame was relayed");
        assertTrue(untilVisitorLeft(splitAgent).stream().noneMatch(t -> t.contains("viewport")),
                "the message that ended inside a character was relayed");
        TestSocket nested = visitor(UUID.randomUUID().toString());
        nested.send("{\"t\":\"snapshot\",\"root\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertEquals(1007, nested.closeCode.get(10, TimeUnit.SECONDS));
        TestSocket unknown = visitor(UUID.randomUUID().toString());
        unknown.send("{\"t\":\"exfiltrate\"}");
        assertEquals(1003, unknown.closeCode.get(10, TimeUnit.SECONDS));
        TestSocket trailing = visitor(UUID.randomUUID().toString());
        trailing.send("{\"t\":\"pointer\",\"x\":1} {}");
        assertEquals(1007, trailing.closeCode.get(10, TimeUnit.SECONDS));
        // another session on this replica goes on: its frame still reaches its agent
        bystander.send("{\"t\":\"pointer\",\"x\":1,\"y\":1}");
        assertEquals("{\"t\":\"pointer\",\"x\":1,\"y\":1}", bystanderAgent.nextRelayed());
        assertFalse(bystander.closeCode.isDone());
        assertFalse(bystanderAgent.closeCode.isDone());
    }

    @Test
    void aFloodClosesWith1008AndAnotherSessionKeepsGoing() throws Exception {
        String other = UUID.randomUUID().toString();
        TestSocket otherVisitor = visitor(other);
        TestSocket otherAgent = agent(other);
        TestSocket flooder = visitor(UUID.randomUUID().toString());
        // One send at a time (the JDK client refuses a send while another is in flight, which on a busy machine
        // would silently thin the flood out below the limit), for as long as the gateway lets the socket live.
        for (int i = 0; i < 20_000 && !flooder.closeCode.isDone(); i++) {
            try {
                flooder.socket.sendText("{\"t\":\"pointer\",\"x\":" + i + ",\"y\":1}", true).get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException closed) {
                break;
            }
        }
        assertEquals(1008, flooder.closeCode.get(10, TimeUnit.SECONDS));
        otherVisitor.send("{\"t\":\"viewport\",\"seq\":1,\"w\":2,\"h\":2}");
        assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":2,\"h\":2}", otherAgent.nextRelayed());
    }

    @Test
    void observersWatchButNeverControlAndTheirRefusedActionsAreAudited() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        TestSocket observer = observer(session);
        assertTrue(visitor.next().contains("\"peerConnected\":false"));
        String peer = visitor.next();
        assertTrue(peer.contains("\"t\":\"peer\"") && peer.contains("\"role\":\"observer\""), peer);
        visitor.send("{\"t\":\"viewport\",\"seq\":1,\"w\":3,\"h\":3}");
        assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":3,\"h\":3}", observer.nextRelayed());

        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers",
                TandemInfraResource.bootstrapServers(), "group.id", "test-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tandem.gateway-events"));
            observer.send("{\"t\":\"click\",\"id\":3}");
            observer.send("{\"t\":\"pointer\",\"x\":1,\"y\":1}");
            observer.send("{\"t\":\"resync\"}");
            assertEquals("{\"t\":\"resync\"}", visitor.nextRelayed(), "only the resync reaches the visitor");
            String refused = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (refused == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (session.equals(record.key()) && record.value().contains("\"ActionRefused\"")
                            && record.value().contains("\"messageType\":\"click\"")) {
                        refused = record.value();
                    }
                }
            }
            assertTrue(refused != null && refused.contains("\"role\":\"OBSERVER\"")
                    && refused.contains("\"messageType\":\"click\"") && refused.contains("observer-view-only")
                    && !refused.contains("\"id\":3"), "ActionRefused with type and reason only: " + refused);
        }
        observer.send("{\"t\":\"snapshot\",\"seq\":1}");
        assertEquals(1003, observer.closeCode.get(10, TimeUnit.SECONDS), "an observer never sends DOM");
    }

    @Test
    void theAgentMustBeTheSessionsAgentByItsOidcIdentity() {
        String session = UUID.randomUUID().toString();
        String join = "tandem.token." + JwksTestResource.token(session, "agent", "VIEW_ONLY");
        URI uri = ws(agentUri);
        assertEquals(101, TestSocket.handshakeStatus(uri, CONSOLE, "tandem.v1", join, bearer("agent1", "agent")));
        assertEquals(403, TestSocket.handshakeStatus(uri, CONSOLE, "tandem.v1", join), "no access token");
        int otherAgent = TestSocket.handshakeStatus(uri, CONSOLE, "tandem.v1", join, bearer("agent2", "agent"));
        assertEquals(403, otherAgent, "another agent's identity");
        int forged = TestSocket.handshakeStatus(uri, CONSOLE, "tandem.v1", join,
                "quarkus-http-upgrade#Authorization#Bearer%20not.a.token");
        assertTrue(forged == 401 || forged == 403, "a forged access token: " + forged);
        assertEquals(403, TestSocket.handshakeStatus(uri, SITE + ".evil.test", "tandem.v1", join,
                bearer("agent1", "agent")), "look-alike console origin");
    }

    @Test
    void aSitesOwnAllowedOriginsReplaceTheFallbackOnceKnown() throws Exception {
        String site = "site-" + UUID.randomUUID();
        URI uri = ws(visitorUri);
        String token = "tandem.token." + JwksTestResource.visitorForSite(UUID.randomUUID().toString(), site);
        assertEquals(101, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", token), "fallback until the site is known");
        assertEquals(403, TestSocket.handshakeStatus(uri, "https://shop.example", "tandem.v1", token));

        String config = "{\"id\":\"" + UUID.randomUUID() + "\",\"time\":\"" + Instant.now() + "\",\"aggregateId\":\""
                + site + "\",\"tenant\":\"demo\",\"version\":1,\"enabled\":true,"
                + "\"allowedOrigins\":[\"https://shop.example\"],\"rules\":[],\"appearance\":null,\"modes\":{},"
                + "\"detectors\":null}";
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                TandemInfraResource.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("tandem.site-config", site, config)).get();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> TestSocket.handshakeStatus(uri, "https://shop.example", "tandem.v1", token) == 101);
        for (String origin : new String[] { SITE, "https://shop.example.evil.test", "http://shop.example",
                "https://shop.example:8443", "null", null }) {
            assertEquals(403, TestSocket.handshakeStatus(uri, origin, "tandem.v1", token), "origin " + origin);
        }
    }

    @Test
    void goingAwayClosesEverySocketWith1001() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        TestSocket agent = agent(session);
        agent.next();
        hub.goingAway();
        assertEquals(1001, visitor.closeCode.get(10, TimeUnit.SECONDS));
        assertEquals(1001, agent.closeCode.get(10, TimeUnit.SECONDS));
    }

    @Test
    void metricsAreServedInPrometheusFormat() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        TestSocket agent = agent(session);
        agent.next(); // hello: the agent is in the room, so the visitor's frame has somewhere to go
        visitor.send("{\"t\":\"viewport\",\"seq\":1,\"w\":4,\"h\":4}");
        agent.nextRelayed();
        String metrics = io.restassured.RestAssured.given().when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        assertTrue(metrics.contains("tandem_gateway_frames_total{direction=\"in\""), "frames per direction");
        assertTrue(metrics.contains("tandem_gateway_connections{role=\"visitor\"}"), "connections");
        assertTrue(metrics.contains("tandem_gateway_sessions"), "sessions");
        assertTrue(metrics.contains("tandem_gateway_relay_latency_seconds"), "relay latency");
        assertFalse(metrics.contains(session), "never a session id");
    }
}
