package dev.tandem.session;

import java.time.Instant;
import java.util.UUID;

/** Event records as the other services put them on the wire (JSON text, like the contracts' examples). */
public final class TestEvents {

    private TestEvents() {
    }

    /** An accepted invite and the credential its visitor holds. */
    /** The tenant of the sessions the tests open, unless they say otherwise. */
    public static final String TENANT = "tenant-a";
    /** Another tenant, whose supervisors and chat platform must learn nothing about TENANT's sessions. */
    public static final String OTHER_TENANT = "tenant-b";

    public record Accepted(String type, String eventId, String inviteId, String agentId, String chatId,
            String siteId, String tenant, String mode, String credential) {

        public String json() {
            return """
                    {"type": "%s", "id": "%s", "time": "%s", "aggregateId": "%s", "agentId": "%s",
                     "chatId": "%s", "siteId": "%s", "tenant": "%s", "mode": "%s", "visitorCredentialHash": "%s"}
                    """.formatted(type, eventId, Instant.now(), inviteId, agentId, chatId, siteId, tenant, mode,
                    dev.tandem.session.domain.VisitorCredential.hash(credential));
        }

        /** The same invite, as a different event (e.g. published again by another replica). */
        public Accepted republished() {
            return new Accepted(type, UUID.randomUUID().toString(), inviteId, agentId, chatId, siteId, tenant, mode,
                    credential);
        }

        /** Another invite for the same agent. */
        public Accepted anotherInvite() {
            return new Accepted(type, UUID.randomUUID().toString(), UUID.randomUUID().toString(), agentId,
                    "chat-" + UUID.randomUUID(), siteId, tenant, mode, UUID.randomUUID().toString());
        }

        /** The same, as an accepted visitor request. */
        public Accepted asVisitorRequest() {
            return new Accepted("VisitorRequestAccepted", eventId, inviteId, agentId, chatId, siteId, tenant, mode,
                    credential);
        }

        public Accepted inMode(String newMode) {
            return new Accepted(type, eventId, inviteId, agentId, chatId, siteId, tenant, newMode, credential);
        }
    }

    public static Accepted accepted(String agentId) {
        return new Accepted("InviteAccepted", UUID.randomUUID().toString(), UUID.randomUUID().toString(), agentId,
                "chat-" + UUID.randomUUID(), "demo-insurer", TENANT, "VIEW_ONLY", UUID.randomUUID().toString());
    }

    /** The visitor's answer to a mode-change request, as invite-service publishes it. */
    public static String modeAnswer(String eventId, String sessionId, String agentId, String mode, boolean accepted) {
        return """
                {"type": "ModeChangeAnswered", "id": "%s", "time": "%s", "aggregateId": "%s", "agentId": "%s",
                 "sessionId": "%s", "mode": "%s", "accepted": %s}
                """.formatted(eventId, Instant.now(), UUID.randomUUID(), agentId, sessionId, mode, accepted);
    }

    public static String chatEnded(String eventId, String chatId) {
        return """
                {"type": "ChatEnded", "id": "%s", "time": "%s", "aggregateId": "%s"}
                """.formatted(eventId, Instant.now(), chatId);
    }

    public static String activity(String sessionId) {
        return """
                {"type": "Activity", "id": "%s", "time": "%s", "aggregateId": "%s"}
                """.formatted(UUID.randomUUID(), Instant.now(), sessionId);
    }

    public static String pageVisited(String sessionId, String url) {
        return """
                {"type": "PageVisited", "id": "%s", "time": "%s", "aggregateId": "%s", "url": "%s"}
                """.formatted(UUID.randomUUID(), Instant.now(), sessionId, url);
    }

    public static String actionRefused(String sessionId, String role, String messageType, String reason) {
        return """
                {"type": "ActionRefused", "id": "%s", "time": "%s", "aggregateId": "%s", "role": "%s",
                 "messageType": "%s", "reason": "%s"}
                """.formatted(UUID.randomUUID(), Instant.now(), sessionId, role, messageType, reason);
    }

    /** A gateway event about a party ({@code Connected}, {@code Disconnected}, {@code EndRequested}). */
    public static String gateway(String type, String eventId, String sessionId, String role) {
        return """
                {"type": "%s", "id": "%s", "time": "%s", "aggregateId": "%s", "role": "%s"}
                """.formatted(type, eventId, Instant.now(), sessionId, role);
    }

    public static String gateway(String type, String sessionId, String role) {
        return gateway(type, UUID.randomUUID().toString(), sessionId, role);
    }

    /** A fresh agent id, so that tests do not share agents. */
    public static String newAgent() {
        return "agent-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
