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
 * A visitor in a chat asking for co-browsing help. It is PENDING until an agent picks it up (ACCEPTED, with
 * the agent, its group and the mode) or its time runs out (EXPIRED); it follows the same lifecycle rules as
 * an invite ({@link InviteLifecycle}). The visitor holds a per-request credential of which only the hash is
 * kept; session-service hands the visitor a join token against it.
 */
@Entity
@Table(name = "visitor_request")
public class VisitorRequest extends AwaitingAnswer {

    @Column(name = "chat_id", nullable = false, updatable = false)
    private String chatId;

    @Column(name = "site_id", nullable = false, updatable = false)
    private String siteId;

    @Column(name = "credential_hash", nullable = false, updatable = false)
    private String credentialHash;

    @Column(name = "agent_id")
    private String agentId;

    @Column(name = "agent_group")
    private String agentGroup;

    @Enumerated(EnumType.STRING)
    private Mode mode;

    protected VisitorRequest() {
        // for Hibernate
    }

    public static VisitorRequest open(UUID id, String tenant, String chatId, String siteId, String credentialHash,
            Instant now, Duration expiry) {
        VisitorRequest request = new VisitorRequest();
        request.startPending(id, tenant, now, expiry);
        request.chatId = chatId;
        request.siteId = siteId;
        request.credentialHash = credentialHash;
        return request;
    }

    /** An agent picks it up; throws {@code InviteNotPendingException} (changing nothing) when too late. */
    public void accept(String agentId, String agentGroup, Mode mode, Instant now) {
        answer(InviteLifecycle.Answer.ACCEPT, now);
        this.agentId = agentId;
        this.agentGroup = agentGroup;
        this.mode = mode;
    }

    public String getChatId() {
        return chatId;
    }

    public String getSiteId() {
        return siteId;
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
}
