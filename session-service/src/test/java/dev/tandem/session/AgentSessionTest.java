package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/** The agent console: the agent's live session, its join token, ending it. Nobody else learns anything. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class AgentSessionTest {

    static final String PROBLEM = "application/problem+json";

    @Test
    void anAgentWithoutASessionIsToldSo() {
        given().auth().oauth2(TestSessions.agentToken(TestEvents.newAgent()))
                .when().get("/api/agents/me/session")
                .then().statusCode(404)
                .contentType(PROBLEM)
                .body("type", equalTo("https://tandem.dev/problems/no-live-session"));
    }

    @Test
    void theLiveSessionIsForAgentsOnly() {
        given().when().get("/api/agents/me/session").then().statusCode(401);
        given().auth().oauth2(TestSessions.roleLessToken("visitor"))
                .when().get("/api/agents/me/session").then().statusCode(403);
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("platform",
                        java.util.Set.of("chat-platform")))
                .when().get("/api/agents/me/session").then().statusCode(403);
    }

    @Test
    void theSessionsAgentGetsAnAgentJoinToken() throws Exception {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        JsonPath session = TestSessions.openSession(accepted);
        String sessionId = session.getString("sessionId");

        JsonPath answer = given().auth().oauth2(TestSessions.agentToken(accepted.agentId()))
                .when().post("/api/sessions/{id}/join-token", sessionId)
                .then().statusCode(200)
                .header("Cache-Control", equalTo("no-store"))
                .body("sessionId", equalTo(sessionId))
                .body("code", equalTo(session.getString("code")))
                .body("mode", equalTo("VIEW_ONLY"))
                .body("siteId", equalTo("demo-insurer"))
                .extract().jsonPath();

        JwtClaims claims = VisitorSessionTokenTest.verifier().processToClaims(answer.getString("joinToken"));
        assertEquals(accepted.agentId(), claims.getSubject());
        assertEquals("agent", claims.getStringClaimValue("role"));
        assertEquals(sessionId, claims.getStringClaimValue("sid"));
        assertEquals("demo-insurer", claims.getStringClaimValue("site"));
        assertEquals("VIEW_ONLY", claims.getStringClaimValue("mode"));
    }

    @Test
    void anotherAgentIsAnsweredAsIfTheSessionDidNotExist() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        String intruder = TestSessions.agentToken(TestEvents.newAgent());

        ExtractableResponse<Response> someoneElses = given().auth().oauth2(intruder)
                .when().post("/api/sessions/{id}/join-token", sessionId).then().extract();
        ExtractableResponse<Response> nonExistent = given().auth().oauth2(intruder)
                .when().post("/api/sessions/{id}/join-token", UUID.randomUUID()).then().extract();
        ExtractableResponse<Response> notAnId = given().auth().oauth2(intruder)
                .when().post("/api/sessions/{id}/join-token", "not-a-session").then().extract();

        for (ExtractableResponse<Response> r : List.of(someoneElses, nonExistent, notAnId)) {
            assertEquals(404, r.statusCode());
            assertEquals(PROBLEM, r.contentType());
            assertEquals("https://tandem.dev/problems/session-not-found", r.path("type"));
            assertNull(r.jsonPath().get("joinToken"));
        }
        assertEquals(withoutInstance(nonExistent), withoutInstance(someoneElses));
        assertEquals(withoutInstance(nonExistent), withoutInstance(notAnId));
    }

    @Test
    void joinTokensAreForAgentsOnly() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        given().when().post("/api/sessions/{id}/join-token", sessionId).then().statusCode(401);
        given().auth().oauth2(TestSessions.roleLessToken(accepted.agentId()))
                .when().post("/api/sessions/{id}/join-token", sessionId).then().statusCode(403)
                .body(not(containsString("joinToken")));
    }

    @Test
    void theAgentEndsTheSessionOnceWhateverItPresses() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        String agent = TestSessions.agentToken(accepted.agentId());

        given().auth().oauth2(agent).when().post("/api/sessions/{id}/end", sessionId).then().statusCode(204);
        given().auth().oauth2(agent).when().post("/api/sessions/{id}/end", sessionId).then().statusCode(204);

        given().auth().oauth2(agent).when().get("/api/agents/me/session").then().statusCode(404);
        given().auth().oauth2(agent).when().post("/api/sessions/{id}/join-token", sessionId)
                .then().statusCode(410)
                .contentType(PROBLEM)
                .body("type", equalTo("https://tandem.dev/problems/session-ended"));
        given().header("Tandem-Invite-Credential", accepted.credential())
                .when().post("/api/visitor/session-token")
                .then().statusCode(410);

        List<JsonNode> ended = await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionEnded"), l -> l.size() == 1);
        assertEquals("AGENT_ENDED", ended.getFirst().path("reason").asText());
        assertEquals(accepted.agentId(), ended.getFirst().path("agentId").asText());
    }

    @Test
    void aSupervisorOrAdminOfItsTenantEndsItAsOperatorOnce() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        given().auth().oauth2(TestSessions.supervisorToken("supervisor1", TestEvents.TENANT))
                .when().post("/api/sessions/{id}/end", sessionId).then().statusCode(204);
        given().auth().oauth2(TestSessions.adminToken("admin1", TestEvents.TENANT))
                .when().post("/api/sessions/{id}/end", sessionId).then().statusCode(204);

        given().auth().oauth2(TestSessions.agentToken(accepted.agentId())).when().get("/api/agents/me/session")
                .then().statusCode(404);
        List<JsonNode> ended = await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionEnded"), l -> l.size() == 1);
        assertEquals("OPERATOR", ended.getFirst().path("reason").asText());
        assertEquals(accepted.agentId(), ended.getFirst().path("agentId").asText());
    }

    @Test
    void onlyTheSessionsAgentCanEndIt() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        given().when().post("/api/sessions/{id}/end", sessionId).then().statusCode(401);
        given().auth().oauth2(TestSessions.roleLessToken(accepted.agentId()))
                .when().post("/api/sessions/{id}/end", sessionId).then().statusCode(403);
        given().auth().oauth2(TestSessions.agentToken(TestEvents.newAgent()))
                .when().post("/api/sessions/{id}/end", sessionId)
                .then().statusCode(404)
                .body("type", equalTo("https://tandem.dev/problems/session-not-found"));

        given().auth().oauth2(TestSessions.agentToken(accepted.agentId()))
                .when().get("/api/agents/me/session")
                .then().statusCode(200).body("sessionId", equalTo(sessionId));
        assertEquals(0, TestKafka.sessionEvents(sessionId, "SessionEnded").size());
    }

    @Test
    void afterTheEndTheAgentCanBeGivenANewSession() {
        TestEvents.Accepted first = TestEvents.accepted(TestEvents.newAgent());
        String firstId = TestSessions.openSession(first).getString("sessionId");
        given().auth().oauth2(TestSessions.agentToken(first.agentId()))
                .when().post("/api/sessions/{id}/end", firstId).then().statusCode(204);

        String secondId = TestSessions.openSession(first.anotherInvite()).getString("sessionId");
        assertEquals(false, firstId.equals(secondId));
    }

    private static Map<String, Object> withoutInstance(ExtractableResponse<Response> r) {
        Map<String, Object> body = new java.util.HashMap<>(r.jsonPath().getMap("$"));
        body.remove("instance");
        return body;
    }
}
