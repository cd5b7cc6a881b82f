package dev.tandem.invite.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

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
import dev.tandem.invite.support.Sites;
import dev.tandem.invite.support.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class VisitorInviteResourceTest {

    static final String PLATFORM = "chat-a";
    static final String DEMO_SITE = "http://localhost:8090";

    @Inject
    ObjectMapper json;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    @Test
    void theVisitorSeesTheInviteAndNothingAboutTheChatPlatform() {
        Response created = Invites.create(PLATFORM, Invites.newAgent());
        Response view = Invites.visitor("GET", "", created.path("visitor.credential"));
        view.then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("id", equalTo(created.path("id")))
                .body("state", equalTo("PENDING"))
                .body("mode", equalTo("VIEW_ONLY"))
                .body("message", equalTo("May I look at the form with you?"))
                .body("expiresAt", equalTo(created.path("expiresAt")));
        Map<String, Object> fields = view.jsonPath().getMap("$");
        assertEquals(Set.of("id", "state", "mode", "message", "expiresAt"), fields.keySet());
    }

    @Test
    void acceptingPublishesInviteAcceptedWithTheCredentialsHashOnly() {
        String agent = Invites.newAgent();
        Map<String, Object> body = Invites.body(agent);
        body.put("mode", "SHARED");
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            Response created = Invites.post(PLATFORM, body).then().statusCode(201).extract().response();
            String id = created.path("id");
            String credential = created.path("visitor.credential");

            Invites.visitor("POST", "/accept", credential).then().statusCode(200)
                    .header("Cache-Control", "no-store")
                    .body("id", equalTo(id))
                    .body("state", equalTo("ACCEPTED"))
                    .body("mode", equalTo("SHARED"));

            InviteEventsTopic.Received record = topic.await(r -> r.event() instanceof InviteEvent.InviteAccepted
                    && r.event().aggregateId().equals(id));
            assertEquals(agent, record.key());
            InviteEvent.InviteAccepted accepted = (InviteEvent.InviteAccepted) record.event();
            assertEquals(VisitorCredential.hashOf(credential), accepted.visitorCredentialHash());
            assertEquals(Tokens.tenantOf(PLATFORM), accepted.tenant());
            assertEquals("chat-" + agent, accepted.chatId());
            assertEquals("demo-insurer", accepted.siteId());
            assertEquals(Mode.SHARED, accepted.mode());
            assertEquals(agent, accepted.agentId());
            assertFalse(record.value().contains(credential), "the credential itself is never published");
            assertFalse(topic.received().stream().anyMatch(r -> r.value().contains(credential)));
        }
    }

    @Test
    void theChatPlatformSeesTheAnswer() {
        Response created = Invites.create(PLATFORM, Invites.newAgent());
        Invites.visitor("POST", "/decline", created.path("visitor.credential")).then().statusCode(200)
                .body("state", equalTo("DECLINED"));
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).when().get("/api/invites/" + created.path("id"))
                .then().statusCode(200).body("state", equalTo("DECLINED"));
    }

    @Test
    void acceptingTwiceIsRefusedAndPublishesNothingMore() {
        String agent = Invites.newAgent();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            Response created = Invites.create(PLATFORM, agent);
            String id = created.path("id");
            String credential = created.path("visitor.credential");
            Invites.visitor("POST", "/accept", credential).then().statusCode(200);
            topic.awaitEvent(InviteEvent.InviteAccepted.class, id);

            Invites.visitor("POST", "/accept", credential).then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://tandem.dev/problems/invite-not-pending"))
                    .body("detail", containsString("ACCEPTED"));
            Invites.visitor("POST", "/decline", credential).then().statusCode(409)
                    .body("type", equalTo("https://tandem.dev/problems/invite-not-pending"));
            Invites.visitor("GET", "", credential).then().statusCode(200).body("state", equalTo("ACCEPTED"));

            // A marker on the same key (so the same partition, after anything the refused answers could
            // have published): once it arrives, a second InviteAccepted or an InviteRejected would have too.
            String marker = Invites.create(PLATFORM, agent).path("id");
            topic.awaitEvent(InviteEvent.InviteCreated.class, marker);
            List<InviteEvent> aboutFirst = topic.received().stream().map(InviteEventsTopic.Received::event)
                    .filter(e -> e != null && e.aggregateId().equals(id)).toList();
            assertEquals(List.of(InviteEvent.InviteCreated.class, InviteEvent.InviteAccepted.class),
                    aboutFirst.stream().map(Object::getClass).toList());
        }
    }

    @Test
    void decliningPublishesInviteRejectedAndTheInviteCannotBeAcceptedAfterwards() {
        String agent = Invites.newAgent();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            Response created = Invites.create(PLATFORM, agent);
            String id = created.path("id");
            String credential = created.path("visitor.credential");
            Invites.visitor("POST", "/decline", credential).then().statusCode(200)
                    .body("state", equalTo("DECLINED"));
            InviteEvent.InviteRejected rejected = topic.awaitEvent(InviteEvent.InviteRejected.class, id);
            assertEquals(agent, rejected.agentId());
            assertEquals("chat-" + agent, rejected.chatId());

            Invites.visitor("POST", "/accept", credential).then().statusCode(409)
                    .body("type", equalTo("https://tandem.dev/problems/invite-not-pending"));
            assertEquals("DECLINED", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(id))
                    .getFirst().get("state"));
        }
    }

    @Test
    void aWrongMissingOrMalformedCredentialGetsTheSame404() {
        Invites.create(PLATFORM, Invites.newAgent());
        String unknown = VisitorCredential.issue(new java.security.SecureRandom()).value();
        for (String method : List.of("GET", "POST")) {
            for (String path : method.equals("GET") ? List.of("") : List.of("/accept", "/decline")) {
                Response wrong = Invites.visitor(method, path, unknown);
                Response missing = Invites.visitor(method, path, null);
                Response malformed = Invites.visitor(method, path, "not-a-credential");
                for (Response r : List.of(wrong, missing, malformed)) {
                    r.then().statusCode(404).contentType("application/problem+json")
                            .body("type", equalTo("https://tandem.dev/problems/invite-not-found"));
                    assertEquals((String) wrong.path("detail"), r.path("detail"));
                    assertEquals((String) wrong.path("title"), r.path("title"));
                }
            }
        }
    }

    @Test
    void aChatPlatformTokenIsNotAVisitorCredential() {
        given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).when().post("/api/visitor/invite/accept")
                .then().statusCode(404).body("type", equalTo("https://tandem.dev/problems/invite-not-found"));
    }

    @Test
    void theDemoSiteMayCallWithTheCredentialHeader() {
        given().header("Origin", DEMO_SITE)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "tandem-invite-credential")
                .when().options("/api/visitor/invite/accept")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", DEMO_SITE)
                .header("Access-Control-Allow-Methods", containsString("POST"))
                .header("Access-Control-Allow-Headers", containsStringIgnoringCase("Tandem-Invite-Credential"));

        Response created = Invites.create(PLATFORM, Invites.newAgent());
        given().header("Origin", DEMO_SITE).header(Invites.CREDENTIAL, (String) created.path("visitor.credential"))
                .when().get("/api/visitor/invite")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", DEMO_SITE)
                .body("state", equalTo("PENDING"));
    }

    @Test
    void anotherOriginIsNotAllowed() {
        given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "tandem-invite-credential")
                .when().options("/api/visitor/invite/accept")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }
}
