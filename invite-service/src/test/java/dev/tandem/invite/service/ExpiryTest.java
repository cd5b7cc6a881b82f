package dev.tandem.invite.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.invite.support.Db;
import dev.tandem.invite.support.InviteEventsTopic;
import dev.tandem.invite.support.Invites;
import dev.tandem.invite.support.ModeRequests;
import dev.tandem.invite.support.Requests;
import dev.tandem.invite.support.Sites;
import dev.tandem.invite.support.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;

/** The sweeper, with invites that expire after two seconds. */
@QuarkusTest
@TestProfile(ExpiryTest.ShortExpiry.class)
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "invites"),
        scope = TestResourceScope.MATCHING_RESOURCES)
@WithTestResource(value = OidcWiremockTestResource.class, scope = TestResourceScope.MATCHING_RESOURCES)
class ExpiryTest {

    public static class ShortExpiry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("invite.expiry", "2s", "invite.sweeper.interval", "1s", "invite.requests.expiry", "2s",
                    "invite.mode-requests.expiry", "2s");
        }
    }

    static final String PLATFORM = "chat-a";

    @Inject
    ObjectMapper json;

    @BeforeEach
    void sites() {
        Sites.defaults();
    }

    @Test
    void anUnansweredInviteExpiresPublishesInviteExpiredAndCannotBeAcceptedAnyMore() {
        String agent = Invites.newAgent();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            Response created = Invites.create(PLATFORM, agent);
            String id = created.path("id");
            String credential = created.path("visitor.credential");
            assertEquals(Duration.ofSeconds(2), Duration.between(Instant.parse(created.path("createdAt")),
                    Instant.parse(created.path("expiresAt"))));

            InviteEventsTopic.Received record = topic.await(r -> r.event() instanceof InviteEvent.InviteExpired
                    && r.event().aggregateId().equals(id), Duration.ofSeconds(20));
            assertEquals(agent, record.key());
            InviteEvent.InviteExpired expired = (InviteEvent.InviteExpired) record.event();
            assertEquals(agent, expired.agentId());
            assertEquals("chat-" + agent, expired.chatId());

            Map<String, Object> row = Db.rows("SELECT state, closed_at FROM invite WHERE id = ?", UUID.fromString(id))
                    .getFirst();
            assertEquals("EXPIRED", row.get("state"));
            assertNotNull(row.get("closed_at"));

            Invites.visitor("POST", "/accept", credential).then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://tandem.dev/problems/invite-not-pending"));
            Invites.visitor("POST", "/decline", credential).then().statusCode(409);
            Invites.visitor("GET", "", credential).then().statusCode(200).body("state", equalTo("EXPIRED"));
            given().auth().oauth2(Tokens.chatPlatform(PLATFORM)).when().get("/api/invites/" + id)
                    .then().statusCode(200).body("state", equalTo("EXPIRED"));

            // The agent may be invited again; its InviteCreated comes after anything else about the first
            // invite on this key, so by then a second InviteExpired would have arrived too.
            String next = Invites.create(PLATFORM, agent).path("id");
            topic.awaitEvent(InviteEvent.InviteCreated.class, next);
            List<Class<?>> aboutFirst = topic.received().stream().map(InviteEventsTopic.Received::event)
                    .filter(e -> e != null && e.aggregateId().equals(id)).<Class<?>> map(Object::getClass).toList();
            assertEquals(List.of(InviteEvent.InviteCreated.class, InviteEvent.InviteExpired.class), aboutFirst);
        }
    }

    @Test
    void manyDueInvitesAreAllExpiredEachOnce() {
        Map<String, String> agentOf = new java.util.LinkedHashMap<>();
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            for (int i = 0; i < 5; i++) {
                String agent = Invites.newAgent();
                agentOf.put(Invites.create(PLATFORM, agent).path("id"), agent);
            }
            for (String id : agentOf.keySet()) {
                topic.awaitEvent(InviteEvent.InviteExpired.class, id);
            }
            // a new invite per agent, published after anything more about the expired ones on that key
            for (String agent : agentOf.values()) {
                topic.awaitEvent(InviteEvent.InviteCreated.class, Invites.create(PLATFORM, agent).path("id"));
            }
            for (String id : agentOf.keySet()) {
                assertEquals(1, topic.received().stream().filter(r -> r.event() instanceof InviteEvent.InviteExpired
                        && r.event().aggregateId().equals(id)).count(), "InviteExpired for " + id);
            }
        }
    }

    /**
     * What another replica does to a row while it holds it (a visitor answering, another sweeper) is
     * its business: the sweeper skips a locked row instead of waiting for it or expiring it twice.
     */
    @Test
    void aRowAnotherTransactionHoldsIsSkippedAndExpiredOnceReleased() throws Exception {
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json); Connection replica = Db.connect()) {
            String held = Invites.create(PLATFORM, Invites.newAgent()).path("id");
            String free = Invites.create(PLATFORM, Invites.newAgent()).path("id");
            replica.setAutoCommit(false);
            try (PreparedStatement lock = replica.prepareStatement("SELECT id FROM invite WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, UUID.fromString(held));
                lock.executeQuery().close();
            }
            topic.awaitEvent(InviteEvent.InviteExpired.class, free);
            // runs go on past the held row: an invite created now expires while it is still held
            String later = Invites.create(PLATFORM, Invites.newAgent()).path("id");
            topic.awaitEvent(InviteEvent.InviteExpired.class, later);
            assertEquals("PENDING", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(held))
                    .getFirst().get("state"));
            replica.rollback();

            topic.awaitEvent(InviteEvent.InviteExpired.class, held);
            assertEquals("EXPIRED", Db.rows("SELECT state FROM invite WHERE id = ?", UUID.fromString(held))
                    .getFirst().get("state"));
        }
    }

    @Test
    void anUnansweredVisitorRequestExpiresAndCannotBePickedUpAnyMore() {
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            String chat = Requests.newChat();
            Response created = Requests.ask(Requests.chatCredential(chat)).then().statusCode(201).extract().response();
            String id = created.path("id");
            InviteEventsTopic.Received record = topic.await(r -> r.event() instanceof InviteEvent.VisitorRequestExpired
                    && r.event().aggregateId().equals(id), Duration.ofSeconds(20));
            assertEquals(chat, record.key());
            assertEquals(chat, ((InviteEvent.VisitorRequestExpired) record.event()).chatId());
            assertEquals("EXPIRED", Db.rows("SELECT state FROM visitor_request WHERE id = ?", UUID.fromString(id))
                    .getFirst().get("state"));
            given().header(Invites.CREDENTIAL, (String) created.path("visitor.credential"))
                    .when().get("/api/visitor/request").then().statusCode(200).body("state", equalTo("EXPIRED"));
            Requests.accept(Tokens.chatPlatform(PLATFORM), id, Map.of("agentId", Invites.newAgent(), "mode", "VIEW_ONLY"))
                    .then().statusCode(409).body("type", equalTo("https://tandem.dev/problems/request-not-pending"));
        }
    }

    @Test
    void anUnansweredModeRequestExpiresAsADeclineAndCannotBeAnsweredLate() {
        ModeRequests.LiveSession s = ModeRequests.liveSession(json, Sites.SITE_A);
        try (InviteEventsTopic topic = InviteEventsTopic.fromNow(json)) {
            String id = ModeRequests.ask(Tokens.agent(s.agentId()), s.sessionId(), "SHARED").then().statusCode(201)
                    .extract().path("id");
            InviteEvent.ModeChangeAnswered answered = topic.awaitEvent(InviteEvent.ModeChangeAnswered.class, id);
            assertEquals(false, answered.accepted());
            ModeRequests.visitor("POST", "/accept", s.visitorCredential()).then().statusCode(409)
                    .body("type", equalTo("https://tandem.dev/problems/mode-request-not-pending"));
            ModeRequests.visitor("GET", "", s.visitorCredential()).then().statusCode(200)
                    .body("state", equalTo("EXPIRED"));
        }
    }
}
