package dev.tandem.contracts;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Events on {@code tandem.invite-events}, keyed by agent id (by chat id for a visitor request nobody has
 * picked up yet, whose {@code agentId} is null). The aggregate is the invite, the visitor request or the
 * mode-change request.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = InviteEvent.InviteCreated.class, name = "InviteCreated"),
        @JsonSubTypes.Type(value = InviteEvent.InviteAccepted.class, name = "InviteAccepted"),
        @JsonSubTypes.Type(value = InviteEvent.InviteRejected.class, name = "InviteRejected"),
        @JsonSubTypes.Type(value = InviteEvent.InviteExpired.class, name = "InviteExpired"),
        @JsonSubTypes.Type(value = InviteEvent.VisitorRequestCreated.class, name = "VisitorRequestCreated"),
        @JsonSubTypes.Type(value = InviteEvent.VisitorRequestAccepted.class, name = "VisitorRequestAccepted"),
        @JsonSubTypes.Type(value = InviteEvent.VisitorRequestExpired.class, name = "VisitorRequestExpired"),
        @JsonSubTypes.Type(value = InviteEvent.ModeChangeRequested.class, name = "ModeChangeRequested"),
        @JsonSubTypes.Type(value = InviteEvent.ModeChangeAnswered.class, name = "ModeChangeAnswered"),
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

    /** A visitor in a chat asked for co-browsing help; nobody has picked it up yet ({@code agentId} is null). */
    record VisitorRequestCreated(UUID id, Instant time, String aggregateId, String agentId, String chatId,
            String siteId, String tenant, Instant expiresAt) implements InviteEvent {
    }

    /**
     * An agent (or the chat platform for an agent) picked up a visitor request: session-service creates the
     * session exactly as for {@link InviteAccepted}; the visitor already consented by asking.
     */
    record VisitorRequestAccepted(UUID id, Instant time, String aggregateId, String agentId, String chatId,
            String siteId, String tenant, Mode mode, String visitorCredentialHash) implements InviteEvent {
    }

    record VisitorRequestExpired(UUID id, Instant time, String aggregateId, String agentId, String chatId)
            implements InviteEvent {
    }

    /** The session's agent asked the visitor to go from view-only to shared. The aggregate is the request. */
    record ModeChangeRequested(UUID id, Instant time, String aggregateId, String agentId, String sessionId,
            Mode mode, Instant expiresAt) implements InviteEvent {
    }

    /**
     * The visitor's answer (or the request's expiry, {@code accepted=false}). session-service changes the
     * session's mode only on an accepted answer.
     */
    record ModeChangeAnswered(UUID id, Instant time, String aggregateId, String agentId, String sessionId,
            Mode mode, boolean accepted) implements InviteEvent {
    }
}
