package dev.tandem.contracts;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Events on {@code tandem.invite-events}, keyed by agent id. The aggregate is the invite. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = InviteEvent.InviteCreated.class, name = "InviteCreated"),
        @JsonSubTypes.Type(value = InviteEvent.InviteAccepted.class, name = "InviteAccepted"),
        @JsonSubTypes.Type(value = InviteEvent.InviteRejected.class, name = "InviteRejected"),
        @JsonSubTypes.Type(value = InviteEvent.InviteExpired.class, name = "InviteExpired"),
})
public sealed interface InviteEvent extends Event {

    String agentId();

    record InviteCreated(UUID id, Instant time, String aggregateId, String agentId, String chatId,
            String siteId, String tenant, Mode mode, Instant expiresAt) implements InviteEvent {
    }

    /**
     * The visitor accepted. {@code visitorCredentialHash} is the SHA-256 (hex) of the credential the
     * visitor holds; session-service hands the visitor a join token only against that credential.
     */
    record InviteAccepted(UUID id, Instant time, String aggregateId, String agentId, String chatId,
            String siteId, String tenant, Mode mode, String visitorCredentialHash) implements InviteEvent {
    }

    record InviteRejected(UUID id, Instant time, String aggregateId, String agentId, String chatId)
            implements InviteEvent {
    }

    record InviteExpired(UUID id, Instant time, String aggregateId, String agentId, String chatId)
            implements InviteEvent {
    }
}
