package dev.tandem.invite;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.domain.InviteLifecycle;

/**
 * A visitor in a chat asking for co-browsing help. It is PENDING until an agent picks it up (ACCEPTED, with
 * the agent, its group and the mode) or its time runs out (EXPIRED); it follows the same lifecycle rules as
 * an invite ({@link InviteLifecycle}). The visitor holds a per-request credential of which only the hash is
 * kept; session-service hands the visitor a join token against it.
 */
@Entity
@Table(name = "visitor_request")
public class VisitorRequest {

    @Id
    private UUID id;

    @Column(nullable = false, updatable = false)
    private String tenant;

    @Column(name = "chat_id", nullable = false, updatable = false)
    private String chatId;

    @Column(name = "site_id", nullable = false, updatable = false)
    private String siteId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private InviteState state;

    @Column(name = "credential_hash", nullable = false, updatable = false)
    private String credentialHash;

    @Column(name = "agent_id")
    private String agentId;

    @Column(name = "agent_group")
    private String agentGroup;

    @Enumerated(EnumType.STRING)
    private Mode mode;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false, updatable = false)
    private Instant expiresAt;

    @Column(name = "closed_at")
    private Instant closedAt;

    protected VisitorRequest() {
        // for Hibernate
    }

    public static VisitorRequest open(UUID id, String tenant, String chatId, String siteId, String credentialHash,
            Instant now, Duration expiry) {
        VisitorRequest request = new VisitorRequest();
        request.id = id;
        request.tenant = tenant;
        request.chatId = chatId;
        request.siteId = siteId;
        request.credentialHash = credentialHash;
        request.createdAt = now;
        request.expiresAt = InviteLifecycle.expiresAt(now, expiry);
        request.state = InviteState.PENDING;
        return request;
    }

    public InviteState stateAt(Instant now) {
        return InviteLifecycle.stateAt(state, expiresAt, now);
    }

    /** An agent picks it up; throws {@code InviteNotPendingException} (changing nothing) when too late. */
    public void accept(String agentId, String agentGroup, Mode mode, Instant now) {
        state = InviteLifecycle.answer(state, expiresAt, now, InviteLifecycle.Answer.ACCEPT);
        this.agentId = agentId;
        this.agentGroup = agentGroup;
        this.mode = mode;
        closedAt = now;
    }

    public void expire(Instant now) {
        state = InviteLifecycle.expire(state, expiresAt, now);
        closedAt = now;
    }

    public UUID getId() {
        return id;
    }

    public String getTenant() {
        return tenant;
    }

    public String getChatId() {
        return chatId;
    }

    public String getSiteId() {
        return siteId;
    }

    public InviteState getState() {
        return state;
    }

    public String getCredentialHash() {
        return credentialHash;
    }

    public String getAgentId() {
        return agentId;
    }

    public String getAgentGroup() {
        return agentGroup;
    }

    public Mode getMode() {
        return mode;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getClosedAt() {
        return closedAt;
    }
}
