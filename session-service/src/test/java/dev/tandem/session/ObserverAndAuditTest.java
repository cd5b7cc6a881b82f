package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;

/** Supervisors observe their tenant's sessions view-only, and read what happened in them. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class ObserverAndAuditTest {

    @Test
    void aSupervisorGetsAViewOnlyObserverTokenEvenForASharedSession() throws Exception {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent()).inMode("SHARED");
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        JsonPath answer = given().auth().oauth2(TestSessions.supervisorToken("supervisor1", TestEvents.TENANT))
                .when().post("/api/sessions/{id}/observer-token", sessionId)
                .then().statusCode(200)
                .header("Cache-Control", equalTo("no-store"))
                .body("sessionId", equalTo(sessionId))
                .extract().jsonPath();
        JwtClaims claims = VisitorSessionTokenTest.verifier().processToClaims(answer.getString("joinToken"));
        assertEquals("observer", claims.getStringClaimValue("role"));
        assertEquals("VIEW_ONLY", claims.getStringClaimValue("mode"));
        assertEquals("supervisor1", claims.getSubject());
        assertEquals(sessionId, claims.getStringClaimValue("sid"));
    }

    @Test
    void anObserverIsAnnouncedButIsNotTheAgent() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Connected", sessionId, "VISITOR"));
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Connected", sessionId, "OBSERVER"));
        List<JsonNode> joined = await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "ParticipantJoined"), l -> l.size() == 2);
        assertEquals(List.of("VISITOR", "OBSERVER"), joined.stream().map(e -> e.path("role").asText()).toList());
        given().auth().oauth2(TestSessions.agentToken(accepted.agentId())).when().get("/api/sessions/{id}", sessionId)
                .then().statusCode(200)
                .body("state", equalTo("WAITING"))
                .body("participants.observers", equalTo(1))
                .body("participants.agent", equalTo(false));

        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Disconnected", sessionId, "OBSERVER"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "ParticipantLeft"), l -> l.size() == 1);
        RecordMetadata end = TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId,
                TestEvents.gateway("EndRequested", sessionId, "OBSERVER"));
        TestKafka.awaitConsumed(end);
        assertEquals("WAITING", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", sessionId),
                "an observer cannot end a session");
    }

    @Test
    void supervisorsListTheirTenantsLiveSessionsOnly() {
        String mine = TestSessions.openSession(TestEvents.accepted(TestEvents.newAgent())).getString("sessionId");
        TestEvents.Accepted other = TestEvents.accepted(TestEvents.newAgent());
        other = new TestEvents.Accepted(other.type(), other.eventId(), other.inviteId(), other.agentId(),
                other.chatId(), other.siteId(), TestEvents.OTHER_TENANT, other.mode(), other.credential());
        String theirs = TestSessions.openSession(other).getString("sessionId");

        given().auth().oauth2(TestSessions.supervisorToken("supervisor1", TestEvents.TENANT))
                .queryParam("state", "live")
                .when().get("/api/sessions")
                .then().statusCode(200)
                .body("sessionId", hasItem(mine))
                .body("sessionId", not(hasItem(theirs)))
                .body("tenant", not(hasItem(TestEvents.OTHER_TENANT)))
                .body("state", not(hasItem("ENDED")));
        given().auth().oauth2(TestSessions.supervisorToken("supervisor1", TestEvents.TENANT))
                .queryParam("state", "ended")
                .when().get("/api/sessions")
                .then().statusCode(400).body("type", equalTo("https://tandem.dev/problems/bad-state"));
    }

    @Test
    void theAuditTrailTellsWhatHappenedButNeverWhatWasOnThePage() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent()).inMode("SHARED");
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        String agent = TestSessions.agentToken(accepted.agentId());

        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Connected", sessionId, "AGENT"));
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Connected", sessionId, "VISITOR"));
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId,
                TestEvents.pageVisited(sessionId, "https://jane:pw@shop.example.com/claims/new?email=jane@example.com#s2"));
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId,
                TestEvents.actionRefused(sessionId, "AGENT", "click", "view-only"));
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("Disconnected", sessionId, "VISITOR"));
        RecordMetadata last = TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId,
                TestEvents.gateway("Connected", sessionId, "VISITOR"));
        TestKafka.awaitConsumed(last);
        given().auth().oauth2(agent).contentType("application/json").body("{\"mode\": \"VIEW_ONLY\"}")
                .when().post("/api/sessions/{id}/mode", sessionId).then().statusCode(200);
        given().auth().oauth2(agent).when().post("/api/sessions/{id}/end", sessionId).then().statusCode(204);

        JsonPath trail = given().auth().oauth2(TestSessions.supervisorToken("supervisor1", TestEvents.TENANT))
                .when().get("/api/sessions/{id}/audit", sessionId)
                .then().statusCode(200)
                .body("sessionId", equalTo(sessionId))
                .body("state", equalTo("ENDED"))
                .body("endReason", equalTo("AGENT_ENDED"))
                .extract().jsonPath();
        List<String> kinds = trail.getList("entries.kind");
        assertEquals(List.of("CREATED", "JOINED", "JOINED", "PAGE_VISITED", "ACTION_REFUSED", "LEFT", "JOINED",
                "MODE_CHANGED", "ENDED"), kinds);
        List<Map<String, Object>> entries = trail.getList("entries");
        assertEquals("https://shop.example.com/claims/new", entries.get(3).get("url"));
        assertEquals("click", entries.get(4).get("messageType"));
        assertEquals("view-only", entries.get(4).get("reason"));
        assertEquals("AGENT", entries.get(4).get("role"));
        assertEquals("VIEW_ONLY", entries.get(7).get("mode"));
        assertEquals("AGENT", entries.get(7).get("reason"));
        assertEquals("AGENT_ENDED", entries.get(8).get("reason"));
        String body = trail.prettify();
        assertFalse(body.contains("jane"), "no query string, fragment or user information is kept");
        assertTrue(trail.getLong("durations.totalSeconds") >= trail.getLong("durations.activeSeconds"));

        given().auth().oauth2(TestSessions.adminToken("admin1", TestEvents.TENANT))
                .when().get("/api/sessions/{id}/audit", sessionId).then().statusCode(200);
    }
}
