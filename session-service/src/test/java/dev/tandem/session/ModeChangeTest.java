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
import io.restassured.http.ContentType;

/** The mode changes on the visitor's consent (ModeChangeAnswered), or down to VIEW_ONLY when the agent says so. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class ModeChangeTest {

    @Test
    void anAcceptedAnswerSharesTheSessionOnceAndNewTokensCarryTheMode() throws Exception {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        String answer = TestEvents.modeAnswer(UUID.randomUUID().toString(), sessionId, accepted.agentId(), "SHARED",
                true);
        TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(), answer);
        TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(), answer);
        RecordMetadata last = TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(),
                TestEvents.modeAnswer(UUID.randomUUID().toString(), sessionId, accepted.agentId(), "SHARED", true));
        TestKafka.awaitConsumed(last);

        List<JsonNode> changed = await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2))
                .until(() -> TestKafka.sessionEvents(sessionId, "ModeChanged"), l -> l.size() == 1);
        assertEquals("SHARED", changed.getFirst().path("mode").asText());

        String agentJwt = given().auth().oauth2(TestSessions.agentToken(accepted.agentId()))
                .when().post("/api/sessions/{id}/join-token", sessionId)
                .then().statusCode(200).body("mode", equalTo("SHARED")).extract().path("joinToken");
        assertEquals("SHARED", VisitorSessionTokenTest.verifier().processToClaims(agentJwt).getStringClaimValue("mode"));
        String visitorJwt = given().header("Tandem-Invite-Credential", accepted.credential())
                .when().post("/api/visitor/session-token").then().statusCode(200).extract().path("joinToken");
        assertEquals("SHARED", VisitorSessionTokenTest.verifier().processToClaims(visitorJwt)
                .getStringClaimValue("mode"));
    }

    @Test
    void aRefusedAnswerChangesNothing() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        RecordMetadata sent = TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(),
                TestEvents.modeAnswer(UUID.randomUUID().toString(), sessionId, accepted.agentId(), "SHARED", false));
        TestKafka.awaitConsumed(sent);

        assertEquals("VIEW_ONLY", TestDb.text("SELECT mode FROM cobrowse_session WHERE id = ?::uuid", sessionId));
        assertEquals(0, TestKafka.sessionEvents(sessionId, "ModeChanged").size());
    }

    @Test
    void anAnswerForAnEndedSessionIsIgnored() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        given().auth().oauth2(TestSessions.agentToken(accepted.agentId()))
                .when().post("/api/sessions/{id}/end", sessionId).then().statusCode(204);
        RecordMetadata sent = TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(),
                TestEvents.modeAnswer(UUID.randomUUID().toString(), sessionId, accepted.agentId(), "SHARED", true));
        TestKafka.awaitConsumed(sent);

        assertEquals("VIEW_ONLY", TestDb.text("SELECT mode FROM cobrowse_session WHERE id = ?::uuid", sessionId));
        assertEquals(0, TestKafka.sessionEvents(sessionId, "ModeChanged").size());
    }

    @Test
    void theAgentGivesUpControlAtOnceButCannotTakeItWithoutConsent() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent()).inMode("SHARED");
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        String agent = TestSessions.agentToken(accepted.agentId());

        given().auth().oauth2(agent).contentType(ContentType.JSON).body("{\"mode\": \"SHARED\"}")
                .when().post("/api/sessions/{id}/mode", sessionId)
                .then().statusCode(200).body("mode", equalTo("SHARED"));
        assertEquals(0, TestKafka.sessionEvents(sessionId, "ModeChanged").size(), "no change, nothing published");

        given().auth().oauth2(agent).contentType(ContentType.JSON).body("{\"mode\": \"VIEW_ONLY\"}")
                .when().post("/api/sessions/{id}/mode", sessionId)
                .then().statusCode(200).body("mode", equalTo("VIEW_ONLY"));
        List<JsonNode> changed = await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "ModeChanged"), l -> l.size() == 1);
        assertEquals("VIEW_ONLY", changed.getFirst().path("mode").asText());

        given().auth().oauth2(agent).contentType(ContentType.JSON).body("{\"mode\": \"SHARED\"}")
                .when().post("/api/sessions/{id}/mode", sessionId)
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/consent-required"));
        assertEquals("VIEW_ONLY", TestDb.text("SELECT mode FROM cobrowse_session WHERE id = ?::uuid", sessionId));

        given().auth().oauth2(agent).contentType(ContentType.JSON).body("{\"mode\": \"ROOT\"}")
                .when().post("/api/sessions/{id}/mode", sessionId).then().statusCode(400);
        given().auth().oauth2(agent).contentType(ContentType.JSON).body("{}")
                .when().post("/api/sessions/{id}/mode", sessionId).then().statusCode(400);

        given().auth().oauth2(TestSessions.agentToken(TestEvents.newAgent())).contentType(ContentType.JSON)
                .body("{\"mode\": \"VIEW_ONLY\"}")
                .when().post("/api/sessions/{id}/mode", sessionId)
                .then().statusCode(404).body("type", equalTo("https://tandem.dev/problems/session-not-found"));

        given().auth().oauth2(agent).when().post("/api/sessions/{id}/end", sessionId).then().statusCode(204);
        given().auth().oauth2(agent).contentType(ContentType.JSON).body("{\"mode\": \"VIEW_ONLY\"}")
                .when().post("/api/sessions/{id}/mode", sessionId)
                .then().statusCode(410).body("type", equalTo("https://tandem.dev/problems/session-ended"));
    }
}
