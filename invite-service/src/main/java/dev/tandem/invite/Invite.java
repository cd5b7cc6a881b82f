package dev.tandem.invite;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.domain.InviteLifecycle;

/**
 * An agent's invitation to a visitor to co-browse, created by a chat platform (the tenant). The
 * visitor proves who they are with a credential of which only the hash is kept. State changes go
 * through the methods below, which apply {@link InviteLifecycle}; fields are never set from outside.
 */
@Entity
@Table(name = "invite")
public class Invite extends AwaitingAnswer {

    @Column(name = "agent_id", nullable = false, updatable = false)
    private String agentId;

    @Column(name = "chat_id", nullable = false, updatable = false)
    private String chatId;

    @Column(name = "site_id", nullable = false, updatable = false)
    private String siteId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private Mode mode;

    @Column(updatable = false)
    private String message;

    @Column(name = "agent_group", nullable = false, updatable = false)
    private String agentGroup;

    @Column(name = "credential_hash", nullable = false, updatable = false)
    private String credentialHash;

    protected Invite() {
        // for Hibernate
    }

    /** A new pending invite that expires {@code expiry} after {@code now}. */
    public static Invite open(UUID id, String tenant, String agentId, String agentGroup, String chatId,
            String siteId, Mode mode, String message, String credentialHash, Instant now, Duration expiry) {
        Invite invite = new Invite();
        invite.startPending(id, tenant, now, expiry);
        invite.agentId = agentId;
        invite.agentGroup = agentGroup;
        invite.chatId = chatId;
        invite.siteId = siteId;
        invite.mode = mode;
        invite.message = message;
        invite.credentialHash = credentialHash;
        return invite;
    }

    public String getAgentId() {
        return agentId;
    }

    /** The agent group whose allowed modes (site config) apply, also to mode changes in its session. */
    public String getAgentGroup() {
        return agentGroup;
    }

    public String getChatId() {
        return chatId;
    }

    public String getSiteId() {
        return siteId;
    }

    public Mode getMode() {
        return mode;
    }

    public String getMessage() {
        return message;
    }

    /** The stored state; callers showing it to someone want {@link #stateAt(Instant)}. */

    public String getCredentialHash() {
        return credentialHash;
    }
}
