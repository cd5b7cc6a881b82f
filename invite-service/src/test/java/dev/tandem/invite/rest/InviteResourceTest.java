package dev.tandem.invite.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
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

import org.awaitility.Awaitility;
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
class InviteResourceTest {

    static final String PLATFORM = "chat-a";
    static final String OTHER_PLATFORM = "chat-b";

    @Inject
    ObjectMapper json;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    // ---- creating -----------------------------------------------------------------------------

    @Test
    void createAnswers201WithTheCredentialOnceAndPublishesInviteCreatedKeyedByAgent() {
        String agent = Invites.newAgent();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            Response created = Invites.create(PLATFORM, agent);
            String id = created.path("id");
            created.then()
                    .contentType(ContentType.JSON)
                    .header("Location", endsWith("/api/invites/" + id))
                    .header("Cache-Control", "no-store")
                    .body("state", equalTo("PENDING"))
                    .body("agentId", equalTo(agent))
                    .body("chatId", equalTo("chat-" + agent))
                    .body("siteId", equalTo("demo-insurer"))
                    .body("mode", equalTo("VIEW_ONLY"))
                    .body("message", equalTo("May I look at the form with you?"))
                    .body("visitor.credential", notNullValue());
            String credential = created.path("visitor.credential");
            assertTrue(VisitorCredential.isWellFormed(credential), "43 characters of base64url");
            Instant createdAt = Instant.parse(created.path("createdAt"));
            Instant expiresAt = Instant.parse(created.path("expiresAt"));
            assertEquals(Duration.ofMinutes(2), Duration.between(createdAt, expiresAt), "default invite.expiry");

            InviteEventsTopic.Received record = topic.await(r -> r.event() instanceof InviteEvent.InviteCreated
                    && r.event().aggregateId().equals(id));
            assertEquals(agent, record.key(), "keyed by agent id");
            assertEquals("InviteCreated", record.typeHeader());
            InviteEvent.InviteCreated event = (InviteEvent.InviteCreated) record.event();
            assertEquals(agent, event.agentId());
            assertEquals("chat-" + agent, event.chatId());
            assertEquals("demo-insurer", event.siteId());
            assertEquals(Tokens.tenantOf(PLATFORM), event.tenant());
            assertEquals(Mode.VIEW_ONLY, event.mode());
            assertEquals(expiresAt, event.expiresAt());
            assertFalse(record.value().contains(credential), "the credential is never published");

            // stored: the hash, never the credential itself
            Map<String, Object> row = Db.rows("SELECT * FROM invite WHERE id = ?", UUID.fromString(id)).getFirst();
            assertEquals(VisitorCredential.hashOf(credential), row.get("credential_hash"));
            assertEquals(Tokens.tenantOf(PLATFORM), row.get("tenant"));
            assertFalse(row.values().stream().anyMatch(v -> String.valueOf(v).contains(credential)));
        }
    }

    @Test
    void aSharedInviteWithoutMessageIsFine() {
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("mode", "SHARED");
        body.remove("message");
        Invites.post(PLATFORM, body).then().statusCode(201)
                .body("mode", equalTo("SHARED"))
                .body("message", nullValue());
    }

    @Test
    void theSameCallerGetsTheInviteWithoutTheCredential() {
        Response created = Invites.create(PLATFORM, Invites.newAgent());
        String id = created.path("id");
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM))
                .when().get("/api/invites/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("state", equalTo("PENDING"))
                .body("createdAt", equalTo(created.path("createdAt")))
                .body("expiresAt", equalTo(created.path("expiresAt")))
                .body("$", not(hasKey("visitor")));
    }

    @Test
    void anotherChatPlatformGets404LikeForAMissingInvite() {
        String id = Invites.create(PLATFORM, Invites.newAgent()).path("id");
        Response otherTenant = given().auth().oauth2(Tokens.chatPlatform(OTHER_PLATFORM))
                .when().get("/api/invites/" + id);
        Response missing = given().auth().oauth2(Tokens.chatPlatform(OTHER_PLATFORM))
                .when().get("/api/invites/" + UUID.randomUUID());
        otherTenant.then().statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/invite-not-found"));
        missing.then().statusCode(404).body("type", equalTo("https://tandem.dev/problems/invite-not-found"));
        assertEquals(missing.path("detail"), (String) otherTenant.path("detail"));
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM))
                .when().get("/api/invites/not-a-uuid")
                .then().statusCode(404).body("type", equalTo("https://tandem.dev/problems/invite-not-found"));
    }

    // ---- one pending invite per agent ---------------------------------------------------------

    @Test
    void aSecondPendingInviteForTheAgentIsRefusedNamingTheFirst() {
        String agent = Invites.newAgent();
        String first = Invites.create(PLATFORM, agent).path("id");
        Invites.post(PLATFORM, Invites.body(agent)).then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/invite-pending"))
                .body("status", equalTo(409))
                .body("detail", containsString(first));
        // another chat platform is refused too, without learning the first invite's id
        Invites.post(OTHER_PLATFORM, Invites.bodyFor(OTHER_PLATFORM, agent)).then().statusCode(409)
                .body("type", equalTo("https://tandem.dev/problems/invite-pending"))
                .body("detail", not(containsString(first)));
        assertEquals(1, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));
    }

    @Test
    void twoConcurrentInvitesForOneAgentMakeExactlyOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String agent = Invites.newAgent();
                CountDownLatch start = new CountDownLatch(1);
                List<CompletableFuture<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        awaitQuietly(start);
                        return Invites.post(PLATFORM, Invites.body(agent)).statusCode();
                    }, pool));
                }
                start.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<Integer> call : calls) {
                    statuses.add(call.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses " + statuses);
                assertEquals(1, statuses.stream().filter(s -> s == 409).count(), "statuses " + statuses);
                assertEquals(1, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The database, not the service's own check, has the last word: a pending invite the service
     * cannot see yet (another replica's uncommitted transaction) makes the POST wait on the unique
     * index, and once it commits the POST is refused with 409 naming it.
     */
    @Test
    void theUniqueIndexDecidesARaceTheServiceCannotSee() throws Exception {
        String agent = Invites.newAgent();
        UUID rival = UUID.randomUUID();
        try (Connection c = Db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO invite (id, tenant, agent_id, chat_id, site_id, mode, state, credential_hash,
                                        created_at, expires_at)
                    VALUES (?, ?, ?, 'chat-rival', 'demo-insurer', 'VIEW_ONLY', 'PENDING', ?, now(),
                            now() + interval '2 minutes')
                    """)) {
                insert.setObject(1, rival);
                insert.setString(2, Tokens.tenantOf(PLATFORM));
                insert.setString(3, agent);
                insert.setString(4, VisitorCredential.hashOf(UUID.randomUUID().toString()));
                insert.executeUpdate();
            }
            CompletableFuture<Response> post = CompletableFuture.supplyAsync(
                    () -> Invites.post(PLATFORM, Invites.body(agent)));
            // the POST's INSERT is now waiting for our transaction on the unique index
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Db.count("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND query LIKE 'insert into invite%'
                    """) == 1);
            assertFalse(post.isDone());
            c.commit();
            post.get(20, TimeUnit.SECONDS).then().statusCode(409)
                    .body("type", equalTo("https://tandem.dev/problems/invite-pending"))
                    .body("detail", containsString(rival.toString()));
        }
        assertEquals(1, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));
    }

    // ---- Idempotency-Key ----------------------------------------------------------------------

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheSameInviteWithoutTheCredential() {
        String agent = Invites.newAgent();
        String key = UUID.randomUUID().toString();
        Response first = postWithKey(PLATFORM, Invites.body(agent), key);
        first.then().statusCode(201).body("visitor.credential", notNullValue());
        Response retry = postWithKey(PLATFORM, Invites.body(agent), key);
        retry.then().statusCode(200)
                .header("Location", endsWith("/api/invites/" + first.path("id")))
                .body("id", equalTo(first.path("id")))
                .body("state", equalTo("PENDING"))
                .body("createdAt", equalTo(first.path("createdAt")))
                .body("$", not(hasKey("visitor")));
        assertEquals(1, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));
    }

    @Test
    void concurrentRetriesWithOneKeyMakeOneInvite() throws Exception {
        String agent = Invites.newAgent();
        String key = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Response>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    return postWithKey(PLATFORM, Invites.body(agent), key);
                }, pool));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (CompletableFuture<Response> call : calls) {
                responses.add(call.get(30, TimeUnit.SECONDS));
            }
            assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count());
            assertEquals(2, responses.stream().filter(r -> r.statusCode() == 200).count());
            assertEquals(1, responses.stream().map(r -> (String) r.path("id")).distinct().count());
            assertEquals(1, responses.stream().filter(r -> r.path("visitor.credential") != null).count());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));
    }

    @Test
    void anIdempotencyKeyIsTheCallersOwn() {
        String key = UUID.randomUUID().toString();
        Response mine = postWithKey(PLATFORM, Invites.body(Invites.newAgent()), key);
        mine.then().statusCode(201);
        Response theirs = postWithKey(OTHER_PLATFORM, Invites.bodyFor(OTHER_PLATFORM, Invites.newAgent()), key);
        theirs.then().statusCode(201).body("visitor.credential", notNullValue());
        assertNotEquals((String) mine.path("id"), theirs.path("id"));
        assertNotEquals((String) mine.path("visitor.credential"), theirs.path("visitor.credential"));
    }

    @Test
    void anIdempotencyKeyReusedForAnotherRequestIsRefused() {
        String key = UUID.randomUUID().toString();
        postWithKey(PLATFORM, Invites.body(Invites.newAgent()), key).then().statusCode(201);
        String otherAgent = Invites.newAgent();
        postWithKey(PLATFORM, Invites.body(otherAgent), key).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/idempotency-key-reused"));
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", otherAgent));
    }

    @Test
    void aMalformedIdempotencyKeyIsRefused() {
        postWithKey(PLATFORM, Invites.body(Invites.newAgent()), "has space").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("Idempotency-Key"));
        postWithKey(PLATFORM, Invites.body(Invites.newAgent()), "k".repeat(256)).then().statusCode(400)
                .body("errors.field", hasItem("Idempotency-Key"));
    }

    // ---- bad requests -------------------------------------------------------------------------

    @Test
    void aMissingFieldIsNamed() {
        for (String field : List.of("agentId", "chatId", "siteId", "mode")) {
            Map<String, Object> body = Invites.body(Invites.newAgent());
            body.remove(field);
            Invites.post(PLATFORM, body).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://tandem.dev/problems/validation"))
                    .body("errors.field", hasItem(field));
        }
    }

    @Test
    void anIdOfTheWrongFormIsNamed() {
        for (String bad : List.of("", " ", "a b", "agent/1", "x".repeat(129), "agent\n1", "ägent")) {
            Map<String, Object> body = Invites.body(bad);
            Invites.post(PLATFORM, body).then().statusCode(400)
                    .body("errors.field", hasItem("agentId"));
        }
        Map<String, Object> longest = Invites.body("a".repeat(100) + "-" + UUID.randomUUID().toString().substring(0, 27));
        longest.put("chatId", "c".repeat(128));
        Invites.post(PLATFORM, longest).then().statusCode(201);
    }

    @Test
    void aMessageOverFiveHundredCharactersIsNamed() {
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("message", "m".repeat(501));
        Invites.post(PLATFORM, body).then().statusCode(400).body("errors.field", hasItem("message"));
        body.put("message", "m".repeat(500));
        Invites.post(PLATFORM, body).then().statusCode(201);
    }

    @Test
    void anUnknownModeIsNamed() {
        for (Object mode : List.of("READ_WRITE", "view_only", 0)) {
            Map<String, Object> body = Invites.body(Invites.newAgent());
            body.put("mode", mode);
            Invites.post(PLATFORM, body).then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("mode"));
        }
    }

    @Test
    void aNumberWhereTextBelongsIsRefused() {
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("chatId", 42);
        Invites.post(PLATFORM, body).then().statusCode(400).body("errors.field", hasItem("chatId"));
    }

    @Test
    void anUnknownFieldIsNamed() {
        Map<String, Object> body = Invites.body(Invites.newAgent());
        body.put("visitorId", "v1");
        Invites.post(PLATFORM, body).then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("visitorId"));
    }

    @Test
    void aBodyThatIsNotJsonIsRefused() {
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).contentType(ContentType.JSON)
                .body("{\"agentId\": \"a1\", ").when().post("/api/invites")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/malformed-request"));
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).contentType(ContentType.JSON)
                .when().post("/api/invites")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).contentType(ContentType.TEXT)
                .body("agentId=a1").when().post("/api/invites")
                .then().statusCode(415).contentType("application/problem+json");
    }

    // ---- who may call -------------------------------------------------------------------------

    @Test
    void anonymousCallersAreUnauthenticated() {
        given().contentType(ContentType.JSON).body(Invites.body(Invites.newAgent()))
                .when().post("/api/invites").then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                .contentType("application/problem+json");
        given().when().get("/api/invites/" + UUID.randomUUID()).then().statusCode(401);
        given().auth().oauth2("not-a-token").contentType(ContentType.JSON).body(Invites.body(Invites.newAgent()))
                .when().post("/api/invites").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void anAgentMayNotCreateOrReadInvites() {
        String agent = Invites.newAgent();
        given().auth().oauth2(Tokens.agent(agent)).contentType(ContentType.JSON).body(Invites.body(agent))
                .when().post("/api/invites").then().statusCode(403).contentType("application/problem+json");
        assertEquals(0, Db.count("SELECT count(*) FROM invite WHERE agent_id = ?", agent));
        String id = Invites.create(PLATFORM, Invites.newAgent()).path("id");
        given().auth().oauth2(Tokens.agent(agent)).when().get("/api/invites/" + id).then().statusCode(403);
    }

    // ---- helpers ------------------------------------------------------------------------------

    static Response postWithKey(String client, Object body, String key) {
        return given().auth().oauth2(Tokens.chatPlatform(client)).header("Idempotency-Key", key)
                .contentType(ContentType.JSON).body(body)
                .when().post("/api/invites");
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
