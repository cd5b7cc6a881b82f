package dev.tandem.session.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.session.SessionState;

/**
 * The session state machine: WAITING → ACTIVE → ENDED(reason), and WAITING → ENDED(reason).
 * <ul>
 * <li>A party that connects is <em>present</em> and has <em>joined</em>; once the visitor and the agent
 * have both joined (not necessarily at the same moment: the visitor's tag reconnects on every page), the
 * session is ACTIVE and stays so until it ends.</li>
 * <li>A present party that disconnects has <em>left</em>; a party that is not present cannot leave, and
 * one that is present cannot join again, so repeated presence events change nothing.</li>
 * <li>Ending is final and happens once: the first reason wins, every later step changes nothing.</li>
 * <li>Observers (supervisors watching) come and go as often as they like, while the session is live; they
 * never make it ACTIVE, never count as its agent, and cannot end it. Several may be present: they are
 * counted.</li>
 * </ul>
 */
public final class SessionLifecycle {

    private SessionState state;
    private EndReason endReason;
    private boolean visitorJoined;
    private boolean agentJoined;
    private boolean visitorPresent;
    private boolean agentPresent;
    private int observersPresent;

    private SessionLifecycle(SessionState state, EndReason endReason, boolean visitorJoined, boolean agentJoined,
            boolean visitorPresent, boolean agentPresent, int observersPresent) {
        this.state = Objects.requireNonNull(state, "state");
        if ((state == SessionState.ENDED) != (endReason != null)) {
            throw new IllegalArgumentException("an ended session has a reason, and only an ended session has one");
        }
        if (state == SessionState.ACTIVE && !(visitorJoined && agentJoined)) {
            throw new IllegalArgumentException("an active session has been joined by both parties");
        }
        if ((visitorPresent && !visitorJoined) || (agentPresent && !agentJoined)) {
            throw new IllegalArgumentException("a present party has joined");
        }
        if (observersPresent < 0 || (state == SessionState.ENDED && observersPresent > 0)) {
            throw new IllegalArgumentException("observers are counted, and nobody is present in an ended session");
        }
        this.observersPresent = observersPresent;
        this.endReason = endReason;
        this.visitorJoined = visitorJoined;
        this.agentJoined = agentJoined;
        this.visitorPresent = visitorPresent;
        this.agentPresent = agentPresent;
    }

    /** A new session: nobody has joined yet. */
    public static SessionLifecycle start() {
        return new SessionLifecycle(SessionState.WAITING, null, false, false, false, false, 0);
    }

    /** A session as it was stored. */
    public static SessionLifecycle restore(SessionState state, EndReason endReason, boolean visitorJoined,
            boolean agentJoined, boolean visitorPresent, boolean agentPresent) {
        return restore(state, endReason, visitorJoined, agentJoined, visitorPresent, agentPresent, 0);
    }

    /** A session as it was stored, with the number of observers present. */
    public static SessionLifecycle restore(SessionState state, EndReason endReason, boolean visitorJoined,
            boolean agentJoined, boolean visitorPresent, boolean agentPresent, int observersPresent) {
        return new SessionLifecycle(state, endReason, visitorJoined, agentJoined, visitorPresent, agentPresent,
                observersPresent);
    }

    /** A party connected through a gateway. */
    public List<SessionChange> connected(Role role) {
        if (state != SessionState.ENDED && role == Role.OBSERVER) {
            observersPresent++;
            return List.of(new SessionChange.Joined(Role.OBSERVER));
        }
        if (state == SessionState.ENDED || !takesPart(role) || isPresent(role)) {
            return List.of();
        }
        List<SessionChange> changes = new ArrayList<>(2);
        setPresent(role, true);
        if (role == Role.VISITOR) {
            visitorJoined = true;
        } else {
            agentJoined = true;
        }
        changes.add(new SessionChange.Joined(role));
        if (state == SessionState.WAITING && visitorJoined && agentJoined) {
            state = SessionState.ACTIVE;
            changes.add(new SessionChange.Activated());
        }
        return List.copyOf(changes);
    }

    /** A party's connection closed. */
    public List<SessionChange> disconnected(Role role) {
        if (state != SessionState.ENDED && role == Role.OBSERVER && observersPresent > 0) {
            observersPresent--;
            return List.of(new SessionChange.Left(Role.OBSERVER));
        }
        if (state == SessionState.ENDED || !takesPart(role) || !isPresent(role)) {
            return List.of();
        }
        setPresent(role, false);
        return List.of(new SessionChange.Left(role));
    }

    /** Ends the session for {@code reason}, unless it has ended already. */
    public List<SessionChange> end(EndReason reason) {
        Objects.requireNonNull(reason, "reason");
        if (state == SessionState.ENDED) {
            return List.of();
        }
        state = SessionState.ENDED;
        endReason = reason;
        visitorPresent = false;
        agentPresent = false;
        observersPresent = 0;
        return List.of(new SessionChange.Ended(reason));
    }

    /** The reason a party's request to end the session is recorded with. */
    public static EndReason endReasonFor(Role requestedBy) {
        return switch (Objects.requireNonNull(requestedBy, "requestedBy")) {
            case VISITOR -> EndReason.VISITOR_ENDED;
            case AGENT -> EndReason.AGENT_ENDED;
            case OBSERVER -> throw new IllegalArgumentException("an observer cannot end a session");
        };
    }

    public SessionState state() {
        return state;
    }

    /** The reason it ended; {@code null} while it is live. */
    public EndReason endReason() {
        return endReason;
    }

    public boolean hasJoined(Role role) {
        return switch (role) {
            case VISITOR -> visitorJoined;
            case AGENT -> agentJoined;
            case OBSERVER -> false;
        };
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

    private static boolean takesPart(Role role) {
        return role == Role.VISITOR || role == Role.AGENT;
    }

    private void setPresent(Role role, boolean present) {
        if (role == Role.VISITOR) {
            visitorPresent = present;
        } else {
            agentPresent = present;
        }
    }
}
