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
 * The session's agent asking the visitor for consent to go from view-only to shared. PENDING until the
 * visitor accepts or declines, or its time runs out (EXPIRED); the same lifecycle rules as an invite.
 */
@Entity
@Table(name = "mode_request")
public class ModeRequest {

    @Id
    private UUID id;

    @Column(name = "session_id", nullable = false, updatable = false)
    private String sessionId;

    @Column(nullable = false, updatable = false)
    private String tenant;

    @Column(name = "agent_id", nullable = false, updatable = false)
    private String agentId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private Mode mode;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private InviteState state;

    @Column(name = "created_at", nullable = false, updatable = false)
    private Instant createdAt;

    @Column(name = "expires_at", nullable = false, updatable = false)
    private Instant expiresAt;

    @Column(name = "closed_at")
    private Instant closedAt;

    protected ModeRequest() {
        // for Hibernate
    }

    public static ModeRequest open(UUID id, String sessionId, String tenant, String agentId, Mode mode, Instant now,
            Duration expiry) {
        ModeRequest request = new ModeRequest();
        request.id = id;
        request.sessionId = sessionId;
        request.tenant = tenant;
        request.agentId = agentId;
        request.mode = mode;
        request.createdAt = now;
        request.expiresAt = InviteLifecycle.expiresAt(now, expiry);
        request.state = InviteState.PENDING;
        return request;
    }

    public InviteState stateAt(Instant now) {
        return InviteLifecycle.stateAt(state, expiresAt, now);
    }

    public void answer(InviteLifecycle.Answer answer, Instant now) {
        state = InviteLifecycle.answer(state, expiresAt, now, answer);
        closedAt = now;
    }

    /** Closes a pending request as EXPIRED now, also before its time (its session ended). */
    public void close(Instant now) {
        if (state != InviteState.PENDING) {
            throw new dev.tandem.invite.domain.InviteNotPendingException(state);
        }
        state = InviteState.EXPIRED;
        closedAt = now;
    }

    public UUID getId() {
        return id;
    }

    public String getSessionId() {
        return sessionId;
    }

    public String getTenant() {
        return tenant;
    }

    public String getAgentId() {
        return agentId;
    }

    public Mode getMode() {
        return mode;
    }

    public InviteState getState() {
        return state;
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
