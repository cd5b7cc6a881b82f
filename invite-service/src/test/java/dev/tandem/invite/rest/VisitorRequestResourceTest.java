package dev.tandem.invite.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.InviteEvent;
import dev.tandem.contracts.Mode;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.domain.VisitorCredential;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.InviteEventsTopic;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.Requests;
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
class VisitorRequestResourceTest {

    static final String PLATFORM = "chat-a";
    static final String PROBLEMS = "https://tandem.dev/problems/";

    @Inject
    ObjectMapper json;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    @Test
    void theWholeWayFromChatCredentialToAPickedUpRequest() {
        String chat = Requests.newChat();
        Response issued = Requests.issue(PLATFORM, chat, Sites.SITE_A);
        issued.then().statusCode(201).header("Cache-Control", "no-store")
                .body("chatId", equalTo(chat)).body("siteId", equalTo(Sites.SITE_A))
                .body("expiresAt", notNullValue());
        String chatCredential = issued.path("credential");
        assertTrue(VisitorCredential.isWellFormed(chatCredential));
        assertEquals(VisitorCredential.hashOf(chatCredential), Db.rows(
                "SELECT credential_hash FROM chat_credential WHERE chat_id = ?", chat).getFirst().get("credential_hash"));

        String agent = Invites.newAgent();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            Response created = Requests.ask(chatCredential);
            created.then().statusCode(201).header("Cache-Control", "no-store")
                    .body("state", equalTo("PENDING")).body("mode", nullValue())
                    .body("expiresAt", notNullValue()).body("visitor.credential", notNullValue());
            String id = created.path("id");
            String credential = created.path("visitor.credential");
            assertTrue(VisitorCredential.isWellFormed(credential));

            InviteEventsTopic.Received record = topic.await(r -> r.event() instanceof InviteEvent.VisitorRequestCreated
                    && r.event().aggregateId().equals(id));
            assertEquals(chat, record.key(), "keyed by chat id while nobody has picked it up");
            InviteEvent.VisitorRequestCreated event = (InviteEvent.VisitorRequestCreated) record.event();
            assertNull(event.agentId());
            assertEquals(chat, event.chatId());
            assertEquals(Sites.SITE_A, event.siteId());
            assertEquals(Tokens.TENANT_A, event.tenant());
            assertFalse(record.value().contains(credential));

            // a second request in the same chat waits for the first
            Requests.ask(chatCredential).then().statusCode(409).contentType("application/problem+json")
                    .body("type", equalTo(PROBLEMS + "request-pending"));

            // the visitor follows it, the tenant lists it, another tenant does not see it
            given().header(Invites.CREDENTIAL, credential).when().get("/api/visitor/request")
                    .then().statusCode(200).header("Cache-Control", "no-store")
                    .body("id", equalTo(id)).body("state", equalTo("PENDING"))
                    .body("$", not(org.hamcrest.Matchers.hasKey("visitor")));
            given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).when().get("/api/requests?state=PENDING")
                    .then().statusCode(200).body("id", hasItem(id));
            given().auth().oauth2(Tokens.agent(agent)).when().get("/api/requests")
                    .then().statusCode(200).body("id", hasItem(id));
            given().auth().oauth2(Tokens.chatPlatform("chat-b")).when().get("/api/requests")
                    .then().statusCode(200).body("id", not(hasItem(id)));
            given().auth().oauth2(Tokens.chatPlatform("chat-b")).when().get("/api/requests/" + id)
                    .then().statusCode(404).body("type", equalTo(PROBLEMS + "request-not-found"));
            Requests.accept(Tokens.chatPlatform("chat-b"), id, Map.of("agentId", agent, "mode", "VIEW_ONLY"))
                    .then().statusCode(404).body("type", equalTo(PROBLEMS + "request-not-found"));

            // the chat platform picks it up for the agent
            Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("agentId", agent, "mode", "SHARED",
                    "agentGroup", "default"))
                    .then().statusCode(200).body("state", equalTo("ACCEPTED")).body("agentId", equalTo(agent))
                    .body("agentGroup", equalTo("default")).body("mode", equalTo("SHARED"));
            InviteEventsTopic.Received accepted = topic.await(r -> r.event() instanceof InviteEvent.VisitorRequestAccepted
                    && r.event().aggregateId().equals(id));
            assertEquals(agent, accepted.key());
            InviteEvent.VisitorRequestAccepted a = (InviteEvent.VisitorRequestAccepted) accepted.event();
            assertEquals(agent, a.agentId());
            assertEquals(chat, a.chatId());
            assertEquals(Sites.SITE_A, a.siteId());
            assertEquals(Tokens.TENANT_A, a.tenant());
            assertEquals(Mode.SHARED, a.mode());
            assertEquals(VisitorCredential.hashOf(credential), a.visitorCredentialHash());
            assertFalse(accepted.value().contains(credential));

            // answering twice changes nothing
            Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("agentId", Invites.newAgent(), "mode", "VIEW_ONLY"))
                    .then().statusCode(409).body("type", equalTo(PROBLEMS + "request-not-pending"));
            given().header(Invites.CREDENTIAL, credential).when().get("/api/visitor/request")
                    .then().statusCode(200).body("state", equalTo("ACCEPTED")).body("mode", equalTo("SHARED"));
            given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).when().get("/api/requests/" + id)
                    .then().statusCode(200).body("agentId", equalTo(agent));
            // the chat may ask again now
            Requests.ask(chatCredential).then().statusCode(201);
        }
    }

    @Test
    void anAgentPicksARequestUpForItselfOnly() {
        String agent = Invites.newAgent();
        String id = Requests.create().path("id");
        Requests.accept(Tokens.agent(agent), id, Map.of("agentId", "someone-else", "mode", "VIEW_ONLY"))
                .then().statusCode(403).body("type", equalTo(PROBLEMS + "agent-mismatch"));
        Requests.accept(Tokens.agent(agent), id, Map.of("mode", "VIEW_ONLY", "agentGroup", "seniors"))
                .then().statusCode(400).body("errors.field", hasItem("agentGroup"));
        Requests.accept(Tokens.agent(agent, Tokens.tenantOf("chat-b")), id, Map.of("mode", "VIEW_ONLY"))
                .then().statusCode(404).body("type", equalTo(PROBLEMS + "request-not-found"));
        Requests.accept(Tokens.agent(agent), id, Map.of("mode", "VIEW_ONLY"))
                .then().statusCode(200).body("agentId", equalTo(agent)).body("agentGroup", equalTo("default"));
    }

    @Test
    void pickingUpFollowsTheInviteRules() {
        String site = "groups-" + UUID.randomUUID();
        Sites.put(site, Tokens.TENANT_A, true, "{\"default\":[\"VIEW_ONLY\"]}");
        String chat = Requests.newChat();
        String chatCredential = Requests.issue(PLATFORM, chat, site).then().statusCode(201).extract().path("credential");
        String id = Requests.ask(chatCredential).then().statusCode(201).extract().path("id");

        String agent = Invites.newAgent();
        Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("agentId", agent, "mode", "SHARED"))
                .then().statusCode(403).body("type", equalTo(PROBLEMS + "mode-not-allowed"));
        Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("mode", "VIEW_ONLY"))
                .then().statusCode(400).body("errors.field", hasItem("agentId"));

        String busy = Invites.newAgent();
        Sessions.created(json, busy, Tokens.TENANT_A, Sites.SITE_A, Mode.VIEW_ONLY, UUID.randomUUID().toString());
        Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("agentId", busy, "mode", "VIEW_ONLY"))
                .then().statusCode(409).body("type", equalTo(PROBLEMS + "agent-in-session"));

        String inviting = Invites.newAgent();
        Invites.create(PLATFORM, inviting);
        Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("agentId", inviting, "mode", "VIEW_ONLY"))
                .then().statusCode(409).body("type", equalTo(PROBLEMS + "invite-pending"));

        Sites.put(site, Tokens.TENANT_A, false, "{\"default\":[\"VIEW_ONLY\"]}");
        Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("agentId", agent, "mode", "VIEW_ONLY"))
                .then().statusCode(409).body("type", equalTo(PROBLEMS + "cobrowsing-disabled"));
        assertEquals("PENDING", Db.rows("SELECT state FROM visitor_request WHERE id = ?", UUID.fromString(id))
                .getFirst().get("state"));
    }

    @Test
    void aBadReplacedOrForeignChatCredentialIsRefused() {
        Requests.ask(null).then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo(PROBLEMS + "chat-not-found"));
        Requests.ask("not a credential").then().statusCode(404).body("type", equalTo(PROBLEMS + "chat-not-found"));
        Requests.ask(VisitorCredential.issue(new java.security.SecureRandom()).value()).then().statusCode(404);
        String chat = Requests.newChat();
        String first = Requests.chatCredential(chat);
        String second = Requests.chatCredential(chat);
        Requests.ask(first).then().statusCode(404).body("type", equalTo(PROBLEMS + "chat-not-found"));
        Requests.ask(second).then().statusCode(201);
        // an invite's credential is not a chat credential
        String inviteCredential = Invites.create(PLATFORM, Invites.newAgent()).path("visitor.credential");
        Requests.ask(inviteCredential).then().statusCode(404);
        given().header(Invites.CREDENTIAL, inviteCredential).when().get("/api/visitor/request").then().statusCode(404)
                .body("type", equalTo(PROBLEMS + "request-not-found"));
    }

    @Test
    void aChatCredentialIsIssuedOnlyForTheCallersEnabledSites() {
        Requests.issue(PLATFORM, Requests.newChat(), Sites.SITE_B).then().statusCode(404)
                .body("type", equalTo(PROBLEMS + "site-not-found"));
        Requests.issue(PLATFORM, Requests.newChat(), "no-such-site").then().statusCode(404)
                .body("type", equalTo(PROBLEMS + "site-not-found"));
        String off = "off-" + UUID.randomUUID();
        Sites.put(off, Tokens.TENANT_A, false, Sites.BOTH_MODES);
        Requests.issue(PLATFORM, Requests.newChat(), off).then().statusCode(409)
                .body("type", equalTo(PROBLEMS + "cobrowsing-disabled"));
        Requests.issue(PLATFORM, "bad chat", Sites.SITE_A).then().statusCode(400)
                .body("errors.field", hasItem("chatId"));
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).contentType(ContentType.JSON).body(Map.of())
                .when().post("/api/chat-credentials").then().statusCode(400)
                .body("errors.field", hasItems("chatId", "siteId"));
    }

    @Test
    void twoConcurrentRequestsInOneChatMakeExactlyOne() throws Exception {
        String chatCredential = Requests.chatCredential(Requests.newChat());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    InviteResourceTest.awaitQuietly(start);
                    return Requests.ask(chatCredential).statusCode();
                }, pool));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Integer> call : calls) {
                statuses.add(call.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses " + statuses);
            assertEquals(2, statuses.stream().filter(s -> s == 409).count(), "statuses " + statuses);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void whoMayCallWhat() {
        String id = Requests.create().path("id");
        String chatPath = "/api/chat-credentials";
        Map<String, Object> site = Map.of("chatId", Requests.newChat(), "siteId", Sites.SITE_A);
        // anonymous
        given().contentType(ContentType.JSON).body(site).when().post(chatPath).then().statusCode(401)
                .contentType("application/problem+json");
        given().when().get("/api/requests").then().statusCode(401);
        given().when().get("/api/requests/" + id).then().statusCode(401);
        given().contentType(ContentType.JSON).body(Map.of("mode", "VIEW_ONLY"))
                .when().post("/api/requests/" + id + "/accept").then().statusCode(401);
        // only a chat platform issues chat credentials
        for (String token : List.of(Tokens.agent(Invites.newAgent()), Tokens.admin(), Tokens.supervisor())) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(site).when().post(chatPath)
                    .then().statusCode(403);
        }
        // admins and supervisors neither list nor pick up
        for (String token : List.of(Tokens.admin(), Tokens.supervisor())) {
            given().auth().oauth2(token).when().get("/api/requests").then().statusCode(403);
            given().auth().oauth2(token).when().get("/api/requests/" + id).then().statusCode(403);
            Requests.accept(token, id, Map.of("agentId", "a1", "mode", "VIEW_ONLY")).then().statusCode(403);
        }
        // a token without tenant
        given().auth().oauth2(Tokens.withoutTenant("agent-x", "agent")).when().get("/api/requests")
                .then().statusCode(403).body("type", equalTo(PROBLEMS + "no-tenant"));
        Requests.accept(Tokens.withoutTenant("service-account-x", "chat-platform"), id,
                Map.of("agentId", "a1", "mode", "VIEW_ONLY")).then().statusCode(403)
                .body("type", equalTo(PROBLEMS + "no-tenant"));
        given().auth().oauth2(Tokens.withoutTenant("service-account-x", "chat-platform")).contentType(ContentType.JSON)
                .body(site).when().post(chatPath).then().statusCode(403).body("type", equalTo(PROBLEMS + "no-tenant"));
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).when().get("/api/requests?state=pending")
                .then().statusCode(400).body("errors.field", hasItem("state"));
        assertEquals("PENDING", Db.rows("SELECT state FROM visitor_request WHERE id = ?", UUID.fromString(id))
                .getFirst().get("state"));
    }
}
