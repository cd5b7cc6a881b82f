package dev.tandem.invite.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.contracts.Mode;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.InviteEventsTopic;
import dev.tandem.invite.support.ModeRequests;
import dev.tandem.invite.support.ModeRequests.LiveSession;
import dev.tandem.invite.support.Sessions;
import dev.tandem.invite.support.Sites;
import dev.tandem.invite.support.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ModeRequestResourceTest {

    static final String PROBLEMS = "https://tandem.dev/problems/";

    @Inject
    ObjectMapper json;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    @Test
    void theAgentAsksTheVisitorAcceptsAndTheAnswerIsPublished() {
        LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            Response asked = ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED");
            asked.then().statusCode(201).contentType(ContentType.JSON)
                    .body("state", equalTo("PENDING")).body("mode", equalTo("SHARED"))
                    .body("sessionId", equalTo(s.sessionId()));
            String id = asked.path("id");
            asked.then().header("Location", endsWith("/api/mode-requests/" + id));
            assertEquals(Duration.ofSeconds(60), Duration.between(Instant.parse(asked.path("createdAt")),
                    Instant.parse(asked.path("expiresAt"))), "default invite.mode-requests.expiry");

            InviteEventsTopic.Received requested = topic.await(r -> r.event() instanceof InviteEvent.ModeChangeRequested
                    && r.event().aggregateId().equals(id));
            assertEquals(s.agentId(), requested.key());
            InviteEvent.ModeChangeRequested r = (InviteEvent.ModeChangeRequested) requested.event();
            assertEquals(s.sessionId(), r.sessionId());
            assertEquals(Mode.SHARED, r.mode());
            assertEquals(Instant.parse(asked.path("expiresAt")), r.expiresAt());

            ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").then().statusCode(409)
                    .body("type", equalTo(PROBLEMS + "mode-request-pending"));

            ModeRequests.visitor("GET", "", s.visitorCredential()).then().statusCode(200)
                    .header("Cache-Control", "no-store").body("id", equalTo(id)).body("state", equalTo("PENDING"));
            ModeRequests.visitor("POST", "/accept", s.visitorCredential()).then().statusCode(200)
                    .body("id", equalTo(id)).body("state", equalTo("ACCEPTED"));
            InviteEventsTopic.Received answered = topic.await(x -> x.event() instanceof InviteEvent.ModeChangeAnswered
                    && x.event().aggregateId().equals(id));
            assertEquals(s.agentId(), answered.key());
            InviteEvent.ModeChangeAnswered a = (InviteEvent.ModeChangeAnswered) answered.event();
            assertTrue(a.accepted());
            assertEquals(s.sessionId(), a.sessionId());
            assertEquals(Mode.SHARED, a.mode());
            assertFalse(answered.value().contains(s.visitorCredential()));

            // answering twice changes nothing
            ModeRequests.visitor("POST", "/accept", s.visitorCredential()).then().statusCode(409)
                    .body("type", equalTo(PROBLEMS + "mode-request-not-pending"));
            ModeRequests.visitor("POST", "/decline", s.visitorCredential()).then().statusCode(409);
            given().auth().oauth2(Tokens.agent(s.agentId()))
                    .when().get("/api/mode-requests/" + id)
                    .then().statusCode(200).body("state", equalTo("ACCEPTED"));
            assertEquals(1, topic.received().stream().filter(x -> x.event() instanceof InviteEvent.ModeChangeAnswered
                    && x.event().aggregateId().equals(id)).count());

            // once session-service reports SHARED, asking again makes no sense
            Sessions.modeChanged(json, s.sessionId(), Mode.SHARED);
            ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").then().statusCode(409)
                    .body("type", equalTo(PROBLEMS + "mode-unchanged"));
        }
    }

    @Test
    void theVisitorDeclinesAndTheAgentMayAskAgain() {
        LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            String id = ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").path("id");
            ModeRequests.visitor("POST", "/decline", s.visitorCredential()).then().statusCode(200)
                    .body("state", equalTo("DECLINED"));
            InviteEvent.ModeChangeAnswered a = topic.awaitEvent(InviteEvent.ModeChangeAnswered.class, id);
            assertFalse(a.accepted());
            ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").then().statusCode(201);
        }
    }

    @Test
    void othersAndUnknownSessionsGetTheSame404() {
        LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        Response unknown = ModeRequests.ask(Tokens.agent(s.agentId()), UUID.randomUUID().toString(), "SHARED");
        unknown.then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "session-not-found"));
        List<String> strangers = List.of(Tokens.agent("agent-other"), Tokens.agent(s.agentId(), Tokens.tenantOf("chat-b")));
        for (String token : strangers) {
            Response other = ModeRequests.ask(token, s.sessionId(), "SHARED");
            other.then().statusCode(404).body("type", equalTo(PROBLEMS + "session-not-found"));
            assertEquals((String) unknown.path("detail"), other.path("detail"));
        }
        assertEquals(0, Db.count("SELECT count(*) FROM mode_request WHERE session_id = ?", s.sessionId()));

        // a request exists only for the agent who made it: others get what an unknown id gets
        String id = ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").then().statusCode(201)
                .extract().path("id");
        Response unknownRequest = given().auth().oauth2(Tokens.agent(s.agentId()))
                .when().get("/api/mode-requests/" + UUID.randomUUID());
        unknownRequest.then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "mode-request-not-found"));
        for (String token : strangers) {
            Response other = given().auth().oauth2(token).when().get("/api/mode-requests/" + id);
            other.then().statusCode(404).body("type", equalTo(PROBLEMS + "mode-request-not-found"));
            assertEquals((String) unknownRequest.path("detail"), other.path("detail"));
        }
        given().auth().oauth2(Tokens.agent(s.agentId())).when().get("/api/mode-requests/not-a-uuid")
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "mode-request-not-found"));
        given().auth().oauth2(Tokens.agent(s.agentId())).when().get("/api/mode-requests/" + id)
                .then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void onlyAnUpgradeTheSiteAllowsForTheGroupCanBeAsked() {
        LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "VIEW_ONLY").then().statusCode(400)
                .body("errors.field", hasItem("mode"));
        ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "READ_WRITE").then().statusCode(400)
                .body("errors.field", hasItem("mode"));
        given().auth().oauth2(Tokens.agent(s.agentId())).contentType(ContentType.JSON).body(Map.of("mode", "SHARED"))
                .when().post("/api/mode-requests").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("sessionId"));

        String site = "viewonly-" + UUID.randomUUID();
        Sites.put(site, Tokens.TENANT_A, true, Sites.BOTH_MODES);
        LiveSession limited = ModeRequests.liveSession(json, site);
        Sites.put(site, Tokens.TENANT_A, true, "{\"default\":[\"VIEW_ONLY\"]}");
        ModeRequests.ask(Tokens.agent(limited.agentId()), limited.sessionId(), "SHARED").then().statusCode(403)
                .body("type", equalTo(PROBLEMS + "mode-not-allowed"));
        Sites.put(site, Tokens.TENANT_A, false, Sites.BOTH_MODES);
        ModeRequests.ask(Tokens.agent(limited.agentId()), limited.sessionId(), "SHARED").then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "cobrowsing-disabled"));
    }

    @Test
    void whenTheSessionEndsItsPendingRequestIsClosedAndNothingCanBeAskedOrAnswered() {
        LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            String id = ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").path("id");
            Sessions.ended(json, s.sessionId(), s.agentId());
            InviteEvent.ModeChangeAnswered a = topic.awaitEvent(InviteEvent.ModeChangeAnswered.class, id);
            assertFalse(a.accepted());
            ModeRequests.visitor("POST", "/accept", s.visitorCredential()).then().statusCode(409)
                    .body("type", equalTo(PROBLEMS + "mode-request-not-pending"));
            ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").then().statusCode(410)
                    .body("type", equalTo(PROBLEMS + "session-ended"));
        }
    }

    @Test
    void theVisitorAnswersOnlyWithTheCredentialThatCreatedTheSession() {
        LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        LiveSession other = ModeRequests.liveSession(json, Sites.SITE_A);
        String id = ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").path("id");
        for (String bad : new String[] { null, "nonsense", other.visitorCredential() }) {
            ModeRequests.visitor("POST", "/accept", bad).then().statusCode(404)
                    .contentType("application/problem+json")
                    .body("type", equalTo(PROBLEMS + "mode-request-not-found"));
            ModeRequests.visitor("GET", "", bad).then().statusCode(404);
        }
        assertEquals("PENDING", Db.rows("SELECT state FROM mode_request WHERE id = ?", UUID.fromString(id))
                .getFirst().get("state"));
    }

    @Test
    void whoMayCallWhat() {
        LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        String path = "/api/mode-requests";
        given().contentType(ContentType.JSON).body(Map.of("sessionId", s.sessionId(), "mode", "SHARED")).when().post(path)
                .then().statusCode(401)
                .contentType("application/problem+json");
        given().when().get(path + "/" + UUID.randomUUID()).then().statusCode(401);
        for (String token : List.of(Tokens.chatPlatform("chat-a"), Tokens.admin(), Tokens.supervisor())) {
            ModeRequests.ask(token, s.sessionId(), "SHARED").then().statusCode(403);
        }
        ModeRequests.ask(Tokens.withoutTenant(s.agentId(), "agent"), s.sessionId(), "SHARED").then().statusCode(403)
                .body("type", equalTo(PROBLEMS + "no-tenant"));
        assertEquals(0, Db.count("SELECT count(*) FROM mode_request WHERE session_id = ?", s.sessionId()));
    }
}
