package dev.tandem.session;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.session.domain.AuditKind;
import dev.tandem.session.domain.PageAddress;

/**
 * One entry of a session's audit trail. It holds who, when, and at most a page address (without query and
 * fragment), a mode, a message type or a reason: never page content, input or pointer data.
 */
@Entity
@Table(name = "session_audit")
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "session_id", nullable = false)
    private UUID sessionId;

    @Column(nullable = false)
    private Instant at;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private AuditKind kind;

    @Enumerated(EnumType.STRING)
    private Role role;

    @Enumerated(EnumType.STRING)
    private Mode mode;

    private String url;

    @Column(name = "message_type")
    private String messageType;

    private String reason;

    protected AuditEntry() {
        // for Hibernate
    }

    private static AuditEntry of(UUID sessionId, Instant at, AuditKind kind) {
        AuditEntry e = new AuditEntry();
        e.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        e.at = Objects.requireNonNull(at, "at");
        e.kind = kind;
        return e;
    }

    public static AuditEntry created(UUID sessionId, Instant at, Mode mode, SessionOrigin origin) {
        AuditEntry e = of(sessionId, at, AuditKind.CREATED);
        e.mode = mode;
        e.reason = origin.name();
        return e;
    }

    public static AuditEntry joined(UUID sessionId, Instant at, Role role) {
        AuditEntry e = of(sessionId, at, AuditKind.JOINED);
        e.role = role;
        return e;
    }

    public static AuditEntry left(UUID sessionId, Instant at, Role role) {
        AuditEntry e = of(sessionId, at, AuditKind.LEFT);
        e.role = role;
        return e;
    }

    /** The mode changed; {@code by} says how: VISITOR_CONSENT or AGENT. */
    public static AuditEntry modeChanged(UUID sessionId, Instant at, Mode mode, String by) {
        AuditEntry e = of(sessionId, at, AuditKind.MODE_CHANGED);
        e.mode = mode;
        e.reason = by;
        return e;
    }

    public static AuditEntry pageVisited(UUID sessionId, Instant at, String url) {
        AuditEntry e = of(sessionId, at, AuditKind.PAGE_VISITED);
        e.url = PageAddress.forAudit(url);
        e.role = Role.VISITOR;
        return e;
    }

    public static AuditEntry actionRefused(UUID sessionId, Instant at, Role role, String messageType, String reason) {
        AuditEntry e = of(sessionId, at, AuditKind.ACTION_REFUSED);
        e.role = role;
        e.messageType = PageAddress.label(messageType, 64);
        e.reason = PageAddress.label(reason, 200);
        return e;
    }

    public static AuditEntry ended(UUID sessionId, Instant at, String reason) {
        AuditEntry e = of(sessionId, at, AuditKind.ENDED);
        e.reason = reason;
        return e;
    }

    public Long id() {
        return id;
    }

    public UUID sessionId() {
        return sessionId;
    }

    public Instant at() {
        return at;
    }

    public AuditKind kind() {
        return kind;
    }

    public Role role() {
        return role;
    }

    public Mode mode() {
        return mode;
    }

    public String url() {
        return url;
    }

    public String messageType() {
        return messageType;
    }

    public String reason() {
        return reason;
    }
}
