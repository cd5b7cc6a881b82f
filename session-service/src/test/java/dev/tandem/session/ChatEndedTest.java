package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
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

/** A chat that ends ends its session: by ChatEnded on tandem.chat-events or by the chat platform's webhook. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class ChatEndedTest {

    @Test
    void aChatEndedEventEndsItsSessionAndSessionEndedIsPublishedOnceEvenWhenTheEventComesTwice() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        String chatEnded = TestEvents.chatEnded(UUID.randomUUID().toString(), accepted.chatId());
        TestKafka.send(TestKafka.CHAT_EVENTS, accepted.chatId(), chatEnded);
        TestKafka.send(TestKafka.CHAT_EVENTS, accepted.chatId(), chatEnded);
        // another ChatEnded for the same chat (the platform sent it again under a new id): nothing more ends
        RecordMetadata last = TestKafka.send(TestKafka.CHAT_EVENTS, accepted.chatId(),
                TestEvents.chatEnded(UUID.randomUUID().toString(), accepted.chatId()));
        TestKafka.awaitConsumed(last);

        assertEquals("CHAT_ENDED", TestDb.text("SELECT end_reason FROM cobrowse_session WHERE id = ?::uuid", sessionId));
        List<JsonNode> ended = await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionEnded"), l -> l.size() == 1);
        assertEquals("CHAT_ENDED", ended.getFirst().path("reason").asText());
        assertEquals(accepted.agentId(), ended.getFirst().path("agentId").asText());
        given().auth().oauth2(TestSessions.agentToken(accepted.agentId()))
                .when().get("/api/agents/me/session").then().statusCode(404);
    }

    @Test
    void anotherChatEndingLeavesTheSessionAlone() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        RecordMetadata sent = TestKafka.send(TestKafka.CHAT_EVENTS, "chat-other",
                TestEvents.chatEnded(UUID.randomUUID().toString(), "chat-other-" + UUID.randomUUID()));
        TestKafka.awaitConsumed(sent);
        assertEquals("WAITING", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", sessionId));
    }

    @Test
    void theWebhookEndsTheChatsSessionOnceAndAnswers204WhetherOrNotOneWasLive() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        String platform = TestSessions.chatPlatformToken(TestEvents.TENANT);

        given().auth().oauth2(platform).when().post("/api/chats/{chatId}/ended", accepted.chatId())
                .then().statusCode(204);
        given().auth().oauth2(platform).when().post("/api/chats/{chatId}/ended", accepted.chatId())
                .then().statusCode(204);
        given().auth().oauth2(platform).when().post("/api/chats/{chatId}/ended", "chat-never-seen")
                .then().statusCode(204);

        assertEquals("CHAT_ENDED", TestDb.text("SELECT end_reason FROM cobrowse_session WHERE id = ?::uuid", sessionId));
        List<JsonNode> ended = await().atMost(Duration.ofSeconds(20)).during(Duration.ofSeconds(2))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionEnded"), l -> l.size() == 1);
        assertEquals("CHAT_ENDED", ended.getFirst().path("reason").asText());
    }

    @Test
    void anotherTenantsPlatformCannotEndTheSessionAndLearnsNothing() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");

        given().auth().oauth2(TestSessions.chatPlatformToken(TestEvents.OTHER_TENANT))
                .when().post("/api/chats/{chatId}/ended", accepted.chatId())
                .then().statusCode(204);

        assertEquals("WAITING", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", sessionId));
        assertEquals(0, TestKafka.sessionEvents(sessionId, "SessionEnded").size());
    }

    @Test
    void theWebhookIsForChatPlatformsWithATenant() {
        given().when().post("/api/chats/{chatId}/ended", "chat-1").then().statusCode(401);
        given().auth().oauth2(TestSessions.agentToken(TestEvents.newAgent()))
                .when().post("/api/chats/{chatId}/ended", "chat-1").then().statusCode(403);
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("service-account-x",
                        java.util.Set.of("chat-platform")))
                .when().post("/api/chats/{chatId}/ended", "chat-1")
                .then().statusCode(403)
                .body("type", org.hamcrest.Matchers.equalTo("https://tandem.dev/problems/no-tenant"));
    }
}
