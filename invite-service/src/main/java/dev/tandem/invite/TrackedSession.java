package dev.tandem.invite;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.tandem.contracts.Mode;
import dev.tandem.invite.domain.ModeChangePolicy;

/**
 * invite-service's projection of a co-browsing session, built from {@code tandem.session-events}
 * (written by {@code service.SessionProjection} only). An agent with a live session is busy.
 */
@Entity
@Table(name = "tracked_session")
public class TrackedSession {

    @Id
    @Column(name = "session_id")
    private String sessionId;

    @Column(name = "agent_id")
    private String agentId;

    private String tenant;

    @Column(name = "chat_id")
    private String chatId;

    @Column(name = "site_id")
    private String siteId;

    @Enumerated(EnumType.STRING)
    private Mode mode;

    /** The invite or visitor request the session was created from. */
    @Column(name = "origin_id")
    private String originId;

    @Column(name = "agent_group")
    private String agentGroup;

    @Column(name = "visitor_credential_hash")
    private String visitorCredentialHash;

    private boolean live;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    protected TrackedSession() {
        // for Hibernate
    }

    public ModeChangePolicy.SessionFacts facts() {
        return new ModeChangePolicy.SessionFacts(agentId, tenant, live, mode);
    }

    public String getSessionId() {
        return sessionId;
    }

    public String getAgentId() {
        return agentId;
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

    public Mode getMode() {
        return mode;
    }

    public String getOriginId() {
        return originId;
    }

    public String getAgentGroup() {
        return agentGroup;
    }

    public String getVisitorCredentialHash() {
        return visitorCredentialHash;
    }

    public boolean isLive() {
        return live;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getEndedAt() {
        return endedAt;
    }
}
