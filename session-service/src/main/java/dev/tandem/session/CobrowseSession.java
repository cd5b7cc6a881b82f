package dev.tandem.session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.session.domain.SessionChange;
import dev.tandem.session.domain.SessionDeadlines;
import dev.tandem.session.domain.SessionLifecycle;
import dev.tandem.session.domain.Timeouts;

/**
 * A co-browsing session between one visitor and one agent, opened when the visitor accepted an invite (or
 * an agent took a visitor's request). Its state changes only through the methods below, which apply
 * {@link SessionLifecycle} and {@link SessionDeadlines} and answer what changed, so the caller can publish
 * and audit exactly that.
 */
@Entity
@Table(name = "cobrowse_session")
public class CobrowseSession {

    @Id
    private UUID id;

    @Column(nullable = false, length = 9)
    private String code;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SessionState state;

    @Enumerated(EnumType.STRING)
    @Column(name = "end_reason")
    private EndReason endReason;

    @Column(name = "agent_id", nullable = false)
    private String agentId;

    @Column(name = "chat_id", nullable = false)
    private String chatId;

    @Column(name = "site_id", nullable = false)
    private String siteId;

    @Column(nullable = false)
    private String tenant;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Mode mode;

    @Column(name = "invite_id", nullable = false)
    private String inviteId;

    @Column(name = "visitor_credential_hash", nullable = false)
    private String visitorCredentialHash;

    @Column(name = "visitor_present", nullable = false)
    private boolean visitorPresent;

    @Column(name = "agent_present", nullable = false)
    private boolean agentPresent;

    @Column(name = "visitor_joined_at")
    private Instant visitorJoinedAt;

    @Column(name = "agent_joined_at")
    private Instant agentJoinedAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "activated_at")
    private Instant activatedAt;

    @Column(name = "ended_at")
    private Instant endedAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SessionOrigin origin;

    @Column(name = "observers_present", nullable = false)
    private int observersPresent;

    @Column(name = "join_deadline")
    private Instant joinDeadline;

    @Column(name = "inactivity_deadline")
    private Instant inactivityDeadline;

    @Column(name = "agent_away_deadline")
    private Instant agentAwayDeadline;

    @Column(name = "visitor_away_deadline")
    private Instant visitorAwayDeadline;

    protected CobrowseSession() {
        // for Hibernate
    }

    /** What a session is opened for, taken from the accepted invite. */
    public record Terms(String agentId, String chatId, String siteId, String tenant, Mode mode, String inviteId,
            String visitorCredentialHash, SessionOrigin origin) {

        public Terms {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(chatId, "chatId");
            Objects.requireNonNull(siteId, "siteId");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(inviteId, "inviteId");
            Objects.requireNonNull(visitorCredentialHash, "visitorCredentialHash");
            Objects.requireNonNull(origin, "origin");
        }
    }

    /** A new session, WAITING for both parties, with its join window running. */
    public static CobrowseSession open(UUID id, String code, Terms terms, Instant now, Timeouts timeouts) {
        CobrowseSession s = new CobrowseSession();
        s.id = Objects.requireNonNull(id, "id");
        s.code = Objects.requireNonNull(code, "code");
        s.agentId = terms.agentId();
        s.chatId = terms.chatId();
        s.siteId = terms.siteId();
        s.tenant = terms.tenant();
        s.mode = terms.mode();
        s.inviteId = terms.inviteId();
        s.visitorCredentialHash = terms.visitorCredentialHash();
        s.origin = terms.origin();
        s.createdAt = Objects.requireNonNull(now, "now");
        s.write(SessionLifecycle.start(), List.of(), now);
        s.writeDeadlines(SessionDeadlines.opened(now, timeouts));
        return s;
    }

    /** A party connected through a gateway. */
    public List<SessionChange> connected(Role role, Instant now, Timeouts timeouts) {
        SessionLifecycle lifecycle = lifecycle();
        return follow(write(lifecycle, lifecycle.connected(role), now), now, timeouts);
    }

    /** A party's connection closed. */
    public List<SessionChange> disconnected(Role role, Instant now, Timeouts timeouts) {
        SessionLifecycle lifecycle = lifecycle();
        return follow(write(lifecycle, lifecycle.disconnected(role), now), now, timeouts);
    }

    /** Ends the session, unless it has ended already (then nothing changes). */
    public List<SessionChange> end(EndReason reason, Instant now) {
        SessionLifecycle lifecycle = lifecycle();
        List<SessionChange> changes = write(lifecycle, lifecycle.end(reason), now);
        if (!changes.isEmpty()) {
            writeDeadlines(SessionDeadlines.restore(null, null, null, null));
        }
        return changes;
    }

    /** A gateway reported activity: the inactivity deadline moves on. */
    public void activity(Instant now, Timeouts timeouts) {
        if (isLive()) {
            SessionDeadlines deadlines = deadlines();
            deadlines.activity(now, timeouts);
            writeDeadlines(deadlines);
        }
    }

    /** Why the session ends by itself at {@code now}, if one of its deadlines has passed. */
    public Optional<EndReason> dueReason(Instant now) {
        return isLive() ? deadlines().due(now) : Optional.empty();
    }

    /** Sets the mode of a live session; answers whether it changed. */
    public boolean changeMode(Mode newMode) {
        Objects.requireNonNull(newMode, "newMode");
        if (!isLive() || mode == newMode) {
            return false;
        }
        mode = newMode;
        return true;
    }

    private List<SessionChange> follow(List<SessionChange> changes, Instant now, Timeouts timeouts) {
        if (!changes.isEmpty()) {
            SessionDeadlines deadlines = deadlines();
            deadlines.apply(changes, now, timeouts);
            writeDeadlines(deadlines);
        }
        return changes;
    }

    public SessionDeadlines deadlines() {
        return SessionDeadlines.restore(joinDeadline, inactivityDeadline, agentAwayDeadline, visitorAwayDeadline);
    }

    private void writeDeadlines(SessionDeadlines d) {
        joinDeadline = d.join();
        inactivityDeadline = d.inactivity();
        agentAwayDeadline = d.agentAway();
        visitorAwayDeadline = d.visitorAway();
    }

    private SessionLifecycle lifecycle() {
        return SessionLifecycle.restore(state, endReason, visitorJoinedAt != null, agentJoinedAt != null,
                visitorPresent, agentPresent, observersPresent);
    }

    private List<SessionChange> write(SessionLifecycle lifecycle, List<SessionChange> changes, Instant now) {
        state = lifecycle.state();
        endReason = lifecycle.endReason();
        visitorPresent = lifecycle.isPresent(Role.VISITOR);
        agentPresent = lifecycle.isPresent(Role.AGENT);
        observersPresent = lifecycle.observersPresent();
        for (SessionChange change : changes) {
            switch (change) {
                case SessionChange.Joined joined when joined.role() == Role.VISITOR && visitorJoinedAt == null ->
                    visitorJoinedAt = now;
                case SessionChange.Joined joined when joined.role() == Role.AGENT && agentJoinedAt == null ->
                    agentJoinedAt = now;
                case SessionChange.Activated activated -> activatedAt = now;
                case SessionChange.Ended ended -> endedAt = now;
                default -> {
                }
            }
        }
        return changes;
    }

    public boolean isLive() {
        return state.isLive();
    }

    public boolean belongsTo(String agent) {
        return agentId.equals(agent);
    }

    public UUID id() {
        return id;
    }

    public String code() {
        return code;
    }

    public SessionState state() {
        return state;
    }

    /** Why it ended; {@code null} while it is live. */
    public EndReason endReason() {
        return endReason;
    }

    public String agentId() {
        return agentId;
    }

    public String chatId() {
        return chatId;
    }

    public String siteId() {
        return siteId;
    }

    public String tenant() {
        return tenant;
    }

    public Mode mode() {
        return mode;
    }

    public String inviteId() {
        return inviteId;
    }

    public String visitorCredentialHash() {
        return visitorCredentialHash;
    }

    public boolean isPresent(Role role) {
        return switch (role) {
            case VISITOR -> visitorPresent;
            case AGENT -> agentPresent;
            case OBSERVER -> observersPresent > 0;
        };
    }

    public int observersPresent() {
        return observersPresent;
    }

    public SessionOrigin origin() {
        return origin;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant activatedAt() {
        return activatedAt;
    }

    public Instant endedAt() {
        return endedAt;
    }
}
