package dev.tandem.session.timeout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.producer.RecordMetadata;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tandem.session.TestDb;
import dev.tandem.session.TestEvents;
import dev.tandem.session.TestKafka;
import dev.tandem.session.TestSessions;

/** Sessions brought to the point where one timeout is running, as the gateways would bring them there. */
final class TimeoutScenarios {

    private TimeoutScenarios() {
    }

    /** Opened; nobody joins. */
    static String nobodyJoins() {
        return TestSessions.openSession(TestEvents.accepted(TestEvents.newAgent())).getString("sessionId");
    }

    /** Both joined; nothing happens afterwards. */
    static String bothJoinedThenSilence() {
        String id = nobodyJoins();
        send(id, TestEvents.gateway("Connected", id, "AGENT"));
        TestKafka.awaitConsumed(send(id, TestEvents.gateway("Connected", id, "VISITOR")));
        assertEquals("ACTIVE", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", id));
        return id;
    }

    /** Both joined, then {@code role} (AGENT or VISITOR) disconnected and stays away. */
    static String bothJoinedThenAway(String role) {
        String id = bothJoinedThenSilence();
        TestKafka.awaitConsumed(send(id, TestEvents.gateway("Disconnected", id, role)));
        return id;
    }

    static RecordMetadata send(String sessionId, String json) {
        return TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, json);
    }

    /** Waits for the one SessionEnded of the session and answers its reason; checks the stored state agrees. */
    static String awaitEnded(String sessionId, Duration atMost) {
        List<JsonNode> ended = await().atMost(atMost).pollInterval(Duration.ofMillis(250))
                .until(() -> TestKafka.sessionEvents(sessionId, "SessionEnded"), l -> !l.isEmpty());
        String reason = ended.getFirst().path("reason").asText();
        assertEquals(reason, TestDb.text("SELECT end_reason FROM cobrowse_session WHERE id = ?::uuid", sessionId));
        assertEquals(null, TestDb.text("SELECT due_at::text FROM cobrowse_session WHERE id = ?::uuid", sessionId),
                "an ended session waits for nothing");
        return reason;
    }
}
