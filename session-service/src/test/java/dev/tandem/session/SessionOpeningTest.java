package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.session.service.DisplayCodes;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;

/** An InviteAccepted on tandem.invite-events opens a session, once, and never a second live one per agent. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class SessionOpeningTest {

    @Test
    void anAcceptedInviteOpensASessionAndPublishesSessionCreated() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        JsonPath session = TestSessions.openSession(accepted);

        String sessionId = session.getString("sessionId");
        assertEquals(UUID.fromString(sessionId).toString(), sessionId);
        given().auth().oauth2(TestSessions.agentToken(accepted.agentId()))
                .when().get("/api/agents/me/session")
                .then().statusCode(200)
                .body("sessionId", equalTo(sessionId))
                .body("code", matchesPattern("[1-9][0-9]{8}"))
                .body("state", equalTo("WAITING"))
                .body("mode", equalTo("VIEW_ONLY"))
                .body("siteId", equalTo("demo-insurer"))
                .body("chatId", equalTo(accepted.chatId()))
                .body("createdAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*Z"));

        List<JsonNode> created = await().atMost(Duration.ofSeconds(20))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionCreated"), l -> !l.isEmpty());
        JsonNode event = created.getFirst();
        assertEquals(sessionId, event.path("aggregateId").asText());
        assertEquals(accepted.agentId(), event.path("agentId").asText());
        assertEquals(accepted.chatId(), event.path("chatId").asText());
        assertEquals("demo-insurer", event.path("siteId").asText());
        assertEquals(TestEvents.TENANT, event.path("tenant").asText());
        assertEquals("VIEW_ONLY", event.path("mode").asText());
        assertEquals(accepted.inviteId(), event.path("inviteId").asText());
        UUID.fromString(event.path("id").asText());
        assertEquals(false, event.path("time").asText().isEmpty());
        assertEquals(false, event.toString().contains("visitorCredentialHash"), "the hash stays in session-service");
    }

    @Test
    void theSameEventTwiceOpensOneSessionAndPublishesOneSessionCreated() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(), accepted.json());
        RecordMetadata again = TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(), accepted.json());
        String sessionId = TestSessions.awaitLiveSession(accepted.agentId()).getString("sessionId");
        TestKafka.awaitConsumed(again);

        assertEquals(1, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE invite_id = ?", accepted.inviteId()));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionCreated").size(), n -> n == 1);
    }

    @Test
    void theSameInviteInAnotherEventOpensNoSecondSession() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        RecordMetadata again = TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(),
                accepted.republished().json());
        TestKafka.awaitConsumed(again);

        assertEquals(1, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE invite_id = ?", accepted.inviteId()));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionCreated").size(), n -> n == 1);
    }

    @Test
    void anAgentWithALiveSessionGetsNoSecondOne() {
        TestEvents.Accepted first = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(first).getString("sessionId");

        TestEvents.Accepted second = first.anotherInvite();
        RecordMetadata sent = TestKafka.send(TestKafka.INVITE_EVENTS, second.agentId(), second.json());
        TestKafka.awaitConsumed(sent);

        assertEquals(1, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE agent_id = ? AND state <> 'ENDED'",
                first.agentId()));
        assertEquals(0, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE invite_id = ?", second.inviteId()));
        given().auth().oauth2(TestSessions.agentToken(first.agentId()))
                .when().get("/api/agents/me/session")
                .then().statusCode(200).body("sessionId", equalTo(sessionId));
        given().header("Tandem-Invite-Credential", second.credential())
                .when().post("/api/visitor/session-token")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/agent-busy"))
                .body("joinToken", org.hamcrest.Matchers.nullValue());
        assertEquals(0, TestKafka.sessionEvents(sessionId, "SessionEnded").size(), "the live session goes on");
    }

    @Test
    void aCodeInUseByALiveSessionIsDrawnAgain() {
        Deque<String> draws = new ArrayDeque<>(List.of("555000111", "555000111", "555000222"));
        QuarkusMock.installMockForType(new DisplayCodes() {
            @Override
            public synchronized String next() {
                return draws.isEmpty() ? super.next() : draws.poll();
            }
        }, DisplayCodes.class);

        JsonPath first = TestSessions.openSession(TestEvents.accepted(TestEvents.newAgent()));
        JsonPath second = TestSessions.openSession(TestEvents.accepted(TestEvents.newAgent()));

        assertEquals("555000111", first.getString("code"));
        assertEquals("555000222", second.getString("code"), "the second session drew the first one's code, then another");
        assertNotEquals(first.getString("sessionId"), second.getString("sessionId"));
    }

    @Test
    void aRecordThatIsNotAnEventIsSkippedWithoutBlockingItsPartition() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        RecordMetadata garbage = TestKafka.send(TestKafka.INVITE_EVENTS, accepted.agentId(), "{not json");
        TestKafka.send(TestKafka.INVITE_EVENTS, garbage.partition(), accepted.agentId(),
                "{\"type\": \"InviteTeleported\", \"id\": \"" + UUID.randomUUID() + "\"}");
        TestKafka.send(TestKafka.INVITE_EVENTS, garbage.partition(), accepted.agentId(), accepted.json());

        TestSessions.awaitLiveSession(accepted.agentId());
    }

    @Test
    void anInviteAcceptedWithoutACredentialHashOpensNothing() {
        String agent = TestEvents.newAgent();
        TestEvents.Accepted accepted = TestEvents.accepted(agent);
        String withoutHash = accepted.json().replaceAll("\"visitorCredentialHash\": \"[0-9a-f]+\"",
                "\"visitorCredentialHash\": null");
        RecordMetadata sent = TestKafka.send(TestKafka.INVITE_EVENTS, agent, withoutHash);
        TestKafka.awaitConsumed(sent);

        assertEquals(0, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE agent_id = ?", agent));
    }
}
