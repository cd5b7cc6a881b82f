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

/**
 * The session's agent asking the visitor for consent to go from view-only to shared. PENDING until the
 * visitor accepts or declines, or its time runs out (EXPIRED); the same lifecycle rules as an invite.
 */
@Entity
@Table(name = "mode_request")
public class ModeRequest extends AwaitingAnswer {

    @Column(name = "session_id", nullable = false, updatable = false)
    private String sessionId;

    @Column(name = "agent_id", nullable = false, updatable = false)
    private String agentId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    private Mode mode;

    protected ModeRequest() {
        // for Hibernate
    }

    public static ModeRequest open(UUID id, String sessionId, String tenant, String agentId, Mode mode, Instant now,
            Duration expiry) {
        ModeRequest request = new ModeRequest();
        request.startPending(id, tenant, now, expiry);
        request.sessionId = sessionId;
        request.agentId = agentId;
        request.mode = mode;
        return request;
    }

    public String getSessionId() {
        return sessionId;
    }

    public String getAgentId() {
        return agentId;
    }

    public Mode getMode() {
        return mode;
    }
}
