package dev.tandem.invite.support;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.contracts.Topics;

/** Publishes session events as session-service would, and waits until invite-service has applied them. */
public final class Sessions {

    private Sessions() {
    }

    /** SessionCreated for the agent (created from {@code inviteId}); returns once the projection has it live. */
    public static String created(ObjectMapper json, String agentId, String tenant, String siteId, Mode mode,
            String inviteId) {
        String sessionId = UUID.randomUUID().toString();
        send(json, new SessionEvent.SessionCreated(UUID.randomUUID(), Instant.now(), sessionId, agentId,
                "chat-" + sessionId, siteId, tenant, mode, inviteId));
        awaitRow("SELECT count(*) FROM tracked_session WHERE session_id = ? AND live", sessionId);
        return sessionId;
    }

    public static void ended(ObjectMapper json, String sessionId, String agentId) {
        send(json, new SessionEvent.SessionEnded(UUID.randomUUID(), Instant.now(), sessionId, agentId,
                SessionEvent.EndReason.AGENT_ENDED));
        awaitRow("SELECT count(*) FROM tracked_session WHERE session_id = ? AND NOT live", sessionId);
    }

    public static void modeChanged(ObjectMapper json, String sessionId, Mode mode) {
        send(json, new SessionEvent.ModeChanged(UUID.randomUUID(), Instant.now(), sessionId, mode));
        awaitRow("SELECT count(*) FROM tracked_session WHERE session_id = ? AND mode = '" + mode.name() + "'",
                sessionId);
    }

    public static void send(ObjectMapper json, SessionEvent event) {
        Kafka.send(Topics.SESSION_EVENTS, event.aggregateId(), event, json);
    }

    private static void awaitRow(String sql, String sessionId) {
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> Db.count(sql, sessionId) == 1);
    }
}
