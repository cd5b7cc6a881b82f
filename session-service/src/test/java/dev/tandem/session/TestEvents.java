package dev.tandem.session;

import java.time.Instant;
import java.util.UUID;

/** Event records as the other services put them on the wire (JSON text, like the contracts' examples). */
public final class TestEvents {

    private TestEvents() {
    }

    /** An accepted invite and the credential its visitor holds. */
    public record Accepted(String eventId, String inviteId, String agentId, String chatId, String siteId,
            String tenant, String mode, String credential) {

        public String json() {
            return """
                    {"type": "InviteAccepted", "id": "%s", "time": "%s", "aggregateId": "%s", "agentId": "%s",
                     "chatId": "%s", "siteId": "%s", "tenant": "%s", "mode": "%s", "visitorCredentialHash": "%s"}
                    """.formatted(eventId, Instant.now(), inviteId, agentId, chatId, siteId, tenant, mode,
                    dev.tandem.session.domain.VisitorCredential.hash(credential));
        }

        /** The same invite, as a different event (e.g. published again by another replica). */
        public Accepted republished() {
            return new Accepted(UUID.randomUUID().toString(), inviteId, agentId, chatId, siteId, tenant, mode,
                    credential);
        }

        /** Another invite for the same agent. */
        public Accepted anotherInvite() {
            return new Accepted(UUID.randomUUID().toString(), UUID.randomUUID().toString(), agentId,
                    "chat-" + UUID.randomUUID(), siteId, tenant, mode, UUID.randomUUID().toString());
        }
    }

    public static Accepted accepted(String agentId) {
        return new Accepted(UUID.randomUUID().toString(), UUID.randomUUID().toString(), agentId,
                "chat-" + UUID.randomUUID(), "demo-insurer", "service-account-demo-chat-platform", "VIEW_ONLY",
                UUID.randomUUID().toString());
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
