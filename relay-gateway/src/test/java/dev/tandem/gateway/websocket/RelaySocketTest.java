package dev.tandem.gateway.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(TandemInfraResource.class)
@WithTestResource(JwksTestResource.class)
@WithTestResource(io.quarkus.test.oidc.server.OidcWiremockTestResource.class)
class RelaySocketTest {

    static final String SITE = "http://localhost:8090";
    static final String CONSOLE = "http://localhost:8084";

    @TestHTTPResource("/ws/visitor")
    URI visitorUri;

    @TestHTTPResource("/ws/agent")
    URI agentUri;

    URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    TestSocket visitor(String sessionId, String mode) {
        return TestSocket.open(ws(visitorUri), SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(sessionId, "visitor", mode));
    }

    TestSocket agent(String sessionId, String mode) {
        return TestSocket.open(ws(agentUri), CONSOLE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(sessionId, "agent", mode), bearer("agent1", "agent"));
    }

    /** The agent's OIDC access token the way a browser passes it (docs: WebSockets Next security). */
    static String bearer(String user, String role) {
        return "quarkus-http-upgrade#Authorization#Bearer%20"
                + io.quarkus.test.oidc.server.OidcWiremockTestResource.getAccessToken(user, java.util.Set.of(role));
    }

    @Test
    void visitorPageReachesTheAgentAndTheAgentsPointerReachesTheVisitor() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "VIEW_ONLY");
        String visitorHello = visitor.next();
        assertTrue(visitorHello.contains("\"peerConnected\":false"));
        assertFalse(visitorHello.contains("origins"), "only viewers are told the site's origins: " + visitorHello);
        TestSocket agent = agent(session, "VIEW_ONLY");
        String hello = agent.next();
        assertTrue(hello.contains("\"t\":\"hello\"") && hello.contains("\"peerConnected\":true"), hello);
        // what the agent's viewer may load from: the site's origins (here the fallback for a site not yet known),
        // never what a snapshot's address says
        assertTrue(hello.contains("\"origins\":[\"http://localhost:8084\",\"http://localhost:8090\"]"), hello);
        assertTrue(visitor.next().contains("\"t\":\"peer\""), "visitor is told the agent came");

        String snapshot = "{\"t\":\"snapshot\",\"seq\":1,\"snapshotId\":1,\"url\":\"http://localhost:8090/\","
                + "\"root\":{\"id\":1,\"type\":9,\"children\":[]}}";
        visitor.send(snapshot);
        assertEquals(snapshot, agent.nextRelayed());

        agent.send("{\"t\":\"pointer\",\"x\":10,\"y\":20}");
        assertEquals("{\"t\":\"pointer\",\"x\":10,\"y\":20}", visitor.nextRelayed());
    }

    @Test
    void aReconnectWithTheSameJoinTokenWorksButLeavesOnlyOneLiveSocketPerRole() throws Exception {
        String session = UUID.randomUUID().toString();
        String visitorToken = "tandem.token." + JwksTestResource.token(session, "visitor", "VIEW_ONLY");
        String agentToken = "tandem.token." + JwksTestResource.token(session, "agent", "VIEW_ONLY");
        String observerToken = "tandem.token." + JwksTestResource.token(session, "observer", "supervisor1", "VIEW_ONLY");
        TestSocket visitor = TestSocket.open(ws(visitorUri), SITE, "tandem.v1", visitorToken);
        visitor.next(); // hello
        TestSocket agent = TestSocket.open(ws(agentUri), CONSOLE, "tandem.v1", agentToken, bearer("agent1", "agent"));
        agent.next();
        TestSocket observer = TestSocket.open(ws(agentUri), CONSOLE, "tandem.v1", observerToken,
                bearer("supervisor1", "supervisor"));
        observer.next();

        // the same tokens again, as a client reconnecting before the gateway noticed its old socket is gone
        TestSocket agentAgain = TestSocket.open(ws(agentUri), CONSOLE, "tandem.v1", agentToken, bearer("agent1", "agent"));
        assertTrue(agentAgain.next().contains("\"peerConnected\":true"));
        TestSocket visitorAgain = TestSocket.open(ws(visitorUri), SITE, "tandem.v1", visitorToken);
        assertTrue(visitorAgain.next().contains("\"peerConnected\":true"));
        TestSocket observerAgain = TestSocket.open(ws(agentUri), CONSOLE, "tandem.v1", observerToken,
                bearer("supervisor1", "supervisor"));
        observerAgain.next();
        assertEquals(1000, agent.closeCode.get(10, TimeUnit.SECONDS), "the agent's older socket is let go");
        assertEquals(1000, visitor.closeCode.get(10, TimeUnit.SECONDS), "the visitor's older socket is let go");
        assertEquals(1000, observer.closeCode.get(10, TimeUnit.SECONDS), "the observer's older socket is let go");

        String viewport = "{\"t\":\"viewport\",\"seq\":1,\"w\":3,\"h\":3}";
        visitorAgain.send(viewport);
        assertEquals(viewport, agentAgain.nextRelayed());
        assertEquals(viewport, observerAgain.nextRelayed());
        agentAgain.send("{\"t\":\"pointer\",\"x\":3,\"y\":4}");
        assertEquals("{\"t\":\"pointer\",\"x\":3,\"y\":4}", visitorAgain.nextRelayed());
        assertFalse(agent.received.stream().anyMatch(m -> m.contains("viewport")), "nothing reached the old socket");
        assertFalse(observer.received.stream().anyMatch(m -> m.contains("viewport")), "nothing reached the old socket");
    }

    @Test
    void framesNeverCrossIntoAnotherSession() throws Exception {
        String one = UUID.randomUUID().toString();
        String two = UUID.randomUUID().toString();
        TestSocket visitorOne = visitor(one, "VIEW_ONLY");
        TestSocket agentOne = agent(one, "VIEW_ONLY");
        TestSocket agentTwo = agent(two, "VIEW_ONLY");
        visitorOne.send("{\"t\":\"viewport\",\"seq\":1,\"w\":800,\"h\":600}");
        assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":800,\"h\":600}", agentOne.nextRelayed());
        agentTwo.next(); // its hello
        assertEquals(null, agentTwo.received.poll(500, TimeUnit.MILLISECONDS));
    }

    @Test
    void handshakeIsRefusedWithoutAValidTokenForThisRoleAndAnAllowedOrigin() {
        String session = UUID.randomUUID().toString();
        String valid = JwksTestResource.token(session, "visitor", "VIEW_ONLY");
        URI uri = ws(visitorUri);
        assertEquals(101, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", "tandem.token." + valid));

        assertEquals(403, TestSocket.handshakeStatus(uri, SITE, "tandem.v1"), "no token");
        assertEquals(403, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", "tandem.token.not-a-jwt"));
        assertEquals(403, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", "tandem.token."
                + JwksTestResource.sign(JwksTestResource.strangerKey, session, "visitor", "VIEW_ONLY",
                        Instant.now().plusSeconds(300), "tandem-session-service")), "signed by another key");
        assertEquals(403, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", "tandem.token."
                + JwksTestResource.sign(JwksTestResource.key, session, "visitor", "VIEW_ONLY",
                        Instant.now().minusSeconds(60), "tandem-session-service")), "expired");
        assertEquals(403, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", "tandem.token."
                + JwksTestResource.sign(JwksTestResource.key, session, "visitor", "VIEW_ONLY",
                        Instant.now().plusSeconds(300), "someone-else")), "other issuer");
        assertEquals(403, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", "tandem.token."
                + JwksTestResource.token(session, "agent", "SHARED")), "agent token on the visitor endpoint");
        assertEquals(403, TestSocket.handshakeStatus(ws(agentUri), CONSOLE, "tandem.v1", "tandem.token." + valid,
                bearer("agent1", "agent")), "visitor token on the agent endpoint");
        assertEquals(403, TestSocket.handshakeStatus(uri, SITE, "tandem.v1", "tandem.token."
                + JwksTestResource.token(session, "observer", "supervisor1", "VIEW_ONLY")), "observer token on the visitor endpoint");

        for (String origin : new String[] { null, "null", "http://localhost:8090.evil.test", "https://localhost:8090",
                "http://localhost:8091", "http://evil.test" }) {
            assertEquals(403, TestSocket.handshakeStatus(uri, origin, "tandem.v1", "tandem.token." + valid),
                    "origin " + origin);
        }
    }

    @Test
    void viewOnlyAgentControlIsDroppedAndForeignTypesCloseTheSocket() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "VIEW_ONLY");
        TestSocket agent = agent(session, "VIEW_ONLY");
        agent.send("{\"t\":\"click\",\"id\":12}");
        agent.send("{\"t\":\"navigate\",\"url\":\"http://localhost:8090/apply.html\"}");
        agent.send("{\"t\":\"highlight\",\"x\":1,\"y\":2}");
        assertEquals("{\"t\":\"highlight\",\"x\":1,\"y\":2}", visitor.nextRelayed(),
                "the forged control messages never reach the visitor; the highlight after them does");

        agent.send("{\"t\":\"snapshot\",\"seq\":1,\"root\":{}}");
        assertEquals(1003, agent.closeCode.get(10, TimeUnit.SECONDS), "an agent never sends DOM");

        TestSocket visitorTwo = visitor(UUID.randomUUID().toString(), "VIEW_ONLY");
        visitorTwo.send("{\"seq\":1,\"t\":");
        assertEquals(1007, visitorTwo.closeCode.get(10, TimeUnit.SECONDS), "malformed JSON");
    }

    @Test
    void anOversizedMessageClosesOnlyItsOwnSocketWith1009() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "VIEW_ONLY");
        TestSocket agent = agent(session, "VIEW_ONLY");
        String other = UUID.randomUUID().toString();
        TestSocket bystander = visitor(other, "VIEW_ONLY");
        TestSocket bystanderAgent = agent(other, "VIEW_ONLY");
        bystanderAgent.next(); // hello
        String huge = "{\"t\":\"snapshot\",\"pad\":\"" + "x".repeat(1_200_000) + "\"}";
        visitor.socket.sendText(huge, true);
        assertEquals(1009, visitor.closeCode.get(10, TimeUnit.SECONDS));
        bystander.send("{\"t\":\"viewport\",\"seq\":1,\"w\":1,\"h\":1}");
        assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":1,\"h\":1}", bystanderAgent.nextRelayed(),
                "another session on this replica goes on");
        assertFalse(bystander.closeCode.isDone(), "another session's socket stays open");
        assertTrue(!agent.received.stream().anyMatch(m -> m.contains("\"pad\"")), "nothing of it was relayed");
    }

    @Test
    void sharedModeRelaysAgentControl() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "SHARED");
        TestSocket agent = agent(session, "SHARED");
        agent.send("{\"t\":\"click\",\"id\":12}");
        assertEquals("{\"t\":\"click\",\"id\":12}", visitor.nextRelayed());
    }

    @Test
    void theTagsRefusalsInSharedModeReachTheAgentAndAreAuditedWithoutContent() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "SHARED");
        TestSocket agent = agent(session, "SHARED");
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers",
                TandemInfraResource.bootstrapServers(), "group.id", "test-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tandem.gateway-events"));
            String refusal = "{\"t\":\"refused\",\"action\":\"navigate\",\"reason\":\"unsafe-url\"}";
            visitor.send(refusal);
            visitor.send("{\"t\":\"refused\",\"action\":\"click\",\"id\":7,\"reason\":\"submit\"}");
            // Not a control type, and a reason that is not a reason: relayed, never audited.
            visitor.send("{\"t\":\"refused\",\"action\":\"snapshot\",\"reason\":\"submit\"}");
            visitor.send("{\"t\":\"refused\",\"action\":\"type\",\"reason\":\"SECRET typed text\"}");
            assertEquals(refusal, agent.nextRelayed(), "the agent hears the refusal");
            List<String> audited = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (audited.size() < 2 && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (session.equals(record.key()) && record.value().contains("\"ActionRefused\"")) {
                        audited.add(record.value());
                    }
                }
            }
            consumer.poll(Duration.ofSeconds(2)).forEach(record -> {
                if (session.equals(record.key()) && record.value().contains("\"ActionRefused\"")) {
                    audited.add(record.value());
                }
            });
            assertEquals(2, audited.size(), "two refusals audited: " + audited);
            assertTrue(audited.stream().anyMatch(a -> a.contains("\"messageType\":\"navigate\"") && a.contains("\"unsafe-url\"")
                    && a.contains("\"role\":\"AGENT\"")), audited.toString());
            assertTrue(audited.stream().anyMatch(a -> a.contains("\"messageType\":\"click\"") && a.contains("\"submit\"")),
                    audited.toString());
            assertFalse(audited.toString().contains("SECRET") || audited.toString().contains("\"id\":7"), audited.toString());
        }
    }

    @jakarta.inject.Inject
    com.fasterxml.jackson.databind.ObjectMapper json;

    @Test
    void theLatencyProbeIsRelayedBothWaysButIsNotTheSessionsActivity() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "VIEW_ONLY");
        TestSocket agent = agent(session, "VIEW_ONLY");
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers",
                TandemInfraResource.bootstrapServers(), "group.id", "test-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tandem.gateway-events"));
            agent.send("{\"t\":\"ping\",\"n\":7}");
            assertEquals("{\"t\":\"ping\",\"n\":7}", visitor.nextRelayed(), "view-only too");
            visitor.send("{\"t\":\"pong\",\"n\":7}");
            assertEquals("{\"t\":\"pong\",\"n\":7}", agent.nextRelayed());
            java.time.Instant afterProbe = java.time.Instant.now();
            // Activity goes out at most once per activity-interval (30 s): had the probe counted, it would have
            // published one before afterProbe and this pointer's would have been swallowed.
            agent.send("{\"t\":\"pointer\",\"x\":1,\"y\":2}");
            assertEquals("{\"t\":\"pointer\",\"x\":1,\"y\":2}", visitor.nextRelayed());
            List<java.time.Instant> activity = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (activity.isEmpty() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (session.equals(record.key())
                            && json.readValue(record.value(), dev.tandem.contracts.GatewayEvent.class)
                                    instanceof dev.tandem.contracts.GatewayEvent.Activity a) {
                        activity.add(a.time());
                    }
                }
            }
            assertFalse(activity.isEmpty(), "the pointer is activity");
            assertTrue(activity.stream().noneMatch(t -> t.isBefore(afterProbe)), "ping and pong are not: " + activity
                    + " before " + afterProbe);
        }
    }

    @jakarta.inject.Inject
    dev.tandem.gateway.relay.SessionHub hub;

    @Test
    void aModeChangeIsToldToBothSidesAndEnforcedAtOnce() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "VIEW_ONLY");
        TestSocket agent = agent(session, "VIEW_ONLY");
        assertTrue(agent.next().contains("\"t\":\"hello\""), "the agent joined");
        hub.changeMode(session, dev.tandem.contracts.Mode.SHARED);
        String notice = visitor.nextRelayed();
        assertTrue(notice.contains("\"t\":\"mode\"") && notice.contains("\"mode\":\"SHARED\""), notice);
        agent.send("{\"t\":\"click\",\"id\":12}");
        assertEquals("{\"t\":\"click\",\"id\":12}", visitor.nextRelayed(), "shared now: control is relayed");
        visitor.send("{\"t\":\"refused\",\"action\":\"click\",\"id\":12,\"reason\":\"submit\"}");
        java.util.List<String> seen = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            String m = agent.received.poll();
            if (m != null) {
                seen.add(m);
            }
            return seen.stream().anyMatch(x -> x.contains("\"t\":\"refused\""));
        });
        assertTrue(seen.stream().anyMatch(x -> x.contains("\"t\":\"mode\"") && x.contains("\"mode\":\"SHARED\"")),
                "the agent was told too: " + seen);
    }

    @Test
    void theVisitorsXIsPublishedAndSessionEndedClosesBothSides() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "VIEW_ONLY");
        TestSocket agent = agent(session, "VIEW_ONLY");
        String bootstrap = TandemInfraResource.bootstrapServers();

        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                "group.id", "test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tandem.gateway-events"));
            visitor.send("{\"t\":\"end\"}");
            String end = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (session.equals(record.key()) && record.value().contains("\"EndRequested\"")) {
                        end = record.value();
                    }
                }
            }
            assertTrue(end != null && end.contains("\"role\":\"VISITOR\""), "EndRequested(VISITOR) published: " + end);
        }

        String ended = "{\"type\":\"SessionEnded\",\"id\":\"" + UUID.randomUUID() + "\",\"time\":\"" + Instant.now()
                + "\",\"aggregateId\":\"" + session + "\",\"agentId\":\"agent1\",\"reason\":\"VISITOR_ENDED\"}";
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            // The gateway's consumer starts at the latest offset; until it is assigned a publish can pass it by.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                producer.send(new ProducerRecord<>("tandem.session-events", session, ended)).get();
                return visitor.closeCode.isDone() && agent.closeCode.isDone();
            });
        }
        assertEquals(1000, visitor.closeCode.get());
        assertEquals(1000, agent.closeCode.get());
        assertTrue(visitor.received.stream().anyMatch(m -> m.contains("\"t\":\"ended\"") && m.contains("visitor-ended")));
        assertTrue(agent.received.stream().anyMatch(m -> m.contains("\"t\":\"ended\"")));

        // Its join tokens, still unexpired, are refused from now on like forged ones.
        assertEquals(403, TestSocket.handshakeStatus(ws(visitorUri), SITE, "tandem.v1", "tandem.token."
                + JwksTestResource.token(session, "visitor", "VIEW_ONLY")), "a visitor token of the ended session");
        assertEquals(403, TestSocket.handshakeStatus(ws(agentUri), CONSOLE, "tandem.v1", "tandem.token."
                + JwksTestResource.token(session, "agent", "VIEW_ONLY"), bearer("agent1", "agent")),
                "an agent token of the ended session");
        assertEquals(101, TestSocket.handshakeStatus(ws(visitorUri), SITE, "tandem.v1", "tandem.token."
                + JwksTestResource.token(UUID.randomUUID().toString(), "visitor", "VIEW_ONLY")), "another session's token");
    }

    @Test
    void theTagsRefusalsReachTheAgentAndTheAuditTrailAsTheAgentsRefusedActions() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session, "SHARED");
        TestSocket agent = agent(session, "SHARED");
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers",
                TandemInfraResource.bootstrapServers(), "group.id", "test-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tandem.gateway-events"));
            String submit = "{\"t\":\"refused\",\"action\":\"click\",\"id\":7,\"reason\":\"submit\"}";
            visitor.send(submit);
            assertEquals(submit, agent.nextRelayed(), "the agent sees why");
            // Relayed, never audited: not an agent's control type, or a reason that is not a slug.
            String odd = "{\"t\":\"refused\",\"action\":\"snapshot\",\"reason\":\"jane@example.com\"}";
            visitor.send(odd);
            assertEquals(odd, agent.nextRelayed());
            visitor.send("{\"t\":\"refused\",\"action\":\"type\",\"id\":8,\"reason\":\"Secret Field: 4111\"}");
            visitor.send("{\"t\":\"refused\",\"action\":\"type\",\"id\":9,\"reason\":\"secret-field\"}");
            List<String> refused = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (refused.size() < 2 && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (session.equals(record.key()) && record.value().contains("\"ActionRefused\"")) {
                        refused.add(record.value());
                    }
                }
            }
            // A moment more for anything that should not have been published.
            for (int i = 0; i < 4; i++) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (session.equals(record.key()) && record.value().contains("\"ActionRefused\"")) {
                        refused.add(record.value());
                    }
                }
            }
            assertEquals(2, refused.size(), "the two well-formed refusals only: " + refused);
            assertTrue(refused.get(0).contains("\"role\":\"AGENT\"") && refused.get(0).contains("\"messageType\":\"click\"")
                    && refused.get(0).contains("\"reason\":\"submit\""), refused.get(0));
            assertTrue(refused.get(1).contains("\"messageType\":\"type\"") && refused.get(1).contains("\"reason\":\"secret-field\""),
                    refused.get(1));
            assertTrue(refused.stream().noneMatch(r -> r.contains("4111") || r.contains("example.com") || r.contains("\"id\":7")),
                    "type and reason only: " + refused);
        }
        assertFalse(visitor.closeCode.isDone(), "refusals keep the visitor's socket open");
    }

    @Test
    void theBundlesAndTheConsoleAreServed() {
        io.restassured.RestAssured.given().when().get("/tandem.js").then().statusCode(200);
        io.restassured.RestAssured.given().when().get("/viewer.js").then().statusCode(200);
        io.restassured.RestAssured.given().when().get("/console/config.json").then().statusCode(200)
                .body("realm", org.hamcrest.Matchers.equalTo("tandem"));
        io.restassured.RestAssured.given().when().get("/q/health/ready").then().statusCode(200);
    }
}
