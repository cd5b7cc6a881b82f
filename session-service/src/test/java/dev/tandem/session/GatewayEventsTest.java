package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/** What the gateways report on tandem.gateway-events moves the session along. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class GatewayEventsTest {

    @Test
    void bothPartiesJoiningMakesTheSessionActive() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        String agent = TestSessions.agentToken(accepted.agentId());

        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Connected", sessionId, "VISITOR"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "ParticipantJoined"), l -> l.size() == 1);
        given().auth().oauth2(agent).when().get("/api/agents/me/session")
                .then().statusCode(200).body("state", equalTo("WAITING"));

        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Connected", sessionId, "AGENT"));
        List<JsonNode> joined = await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "ParticipantJoined"), l -> l.size() == 2);
        assertEquals(List.of("VISITOR", "AGENT"), joined.stream().map(e -> e.path("role").asText()).toList());
        given().auth().oauth2(agent).when().get("/api/agents/me/session")
                .then().statusCode(200).body("state", equalTo("ACTIVE"));

        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Disconnected", sessionId, "VISITOR"));
        List<JsonNode> left = await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "ParticipantLeft"), l -> l.size() == 1);
        assertEquals("VISITOR", left.getFirst().path("role").asText());
        given().auth().oauth2(agent).when().get("/api/agents/me/session")
                .then().statusCode(200).body("state", equalTo("ACTIVE"));
    }

    @Test
    void anEndRequestEndsTheSessionExactlyOnceHoweverOftenItComes() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        String endRequested = TestEvents.gateway("EndRequested", UUID.randomUUID().toString(), sessionId, "VISITOR");
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, endRequested);
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, endRequested);
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("EndRequested", sessionId, "AGENT"));
        RecordMetadata last = TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId,
                TestEvents.gateway("Connected", sessionId, "VISITOR"));
        TestKafka.awaitConsumed(last);

        assertEquals("ENDED", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", sessionId));
        assertEquals("VISITOR_ENDED", TestDb.text("SELECT end_reason FROM cobrowse_session WHERE id = ?::uuid",
                sessionId));
        given().auth().oauth2(TestSessions.agentToken(accepted.agentId()))
                .when().get("/api/agents/me/session").then().statusCode(404);

        List<JsonNode> ended = await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionEnded"), l -> l.size() == 1);
        assertEquals("VISITOR_ENDED", ended.getFirst().path("reason").asText());
        assertEquals(accepted.agentId(), ended.getFirst().path("agentId").asText());
        assertEquals(sessionId, ended.getFirst().path("aggregateId").asText());
        assertEquals(0, TestKafka.sessionEvents(sessionId, "ParticipantJoined").size(),
                "an ended session takes nobody in");
    }

    @Test
    void eventsAboutUnknownSessionsOrInAnUnknownShapeAreSkipped() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        int partition = TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId,
                TestEvents.gateway("Connected", sessionId, "AGENT")).partition();

        TestKafka.send(TestKafka.GATEWAY_EVENTS, partition, sessionId, "]]]");
        TestKafka.send(TestKafka.GATEWAY_EVENTS, partition, sessionId,
                TestEvents.gateway("EndRequested", UUID.randomUUID().toString(), "VISITOR"));
        TestKafka.send(TestKafka.GATEWAY_EVENTS, partition, sessionId,
                TestEvents.gateway("EndRequested", "not-a-session", "VISITOR"));
        TestKafka.send(TestKafka.GATEWAY_EVENTS, partition, sessionId,
                "{\"type\": \"Activity\", \"id\": \"" + UUID.randomUUID() + "\", \"time\": \"2026-11-21T10:16:50Z\", "
                        + "\"aggregateId\": \"" + sessionId + "\"}");
        TestKafka.send(TestKafka.GATEWAY_EVENTS, partition, sessionId,
                TestEvents.gateway("EndRequested", sessionId, "AGENT"));

        List<JsonNode> ended = await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionEnded"), l -> l.size() == 1);
        assertEquals("AGENT_ENDED", ended.getFirst().path("reason").asText());
    }
}
