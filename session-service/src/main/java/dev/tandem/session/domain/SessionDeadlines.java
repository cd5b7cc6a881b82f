package dev.tandem.session.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;

/**
 * The timeout policy: the instants at which a live session ends by itself unless something happens first.
 * <ul>
 * <li><b>join</b>: set when the session opens ({@code joinWindow} later); cleared once both parties have
 * joined. Ends the session with {@link EndReason#JOIN_TIMEOUT}.</li>
 * <li><b>inactivity</b>: set when the session becomes active, pushed back by every reported activity.
 * {@link EndReason#INACTIVITY_TIMEOUT}.</li>
 * <li><b>agent away / visitor away</b>: set when that party leaves, cleared when it connects again (a page
 * load is a disconnect followed by a connect within the grace time, so it never ends the session).
 * {@link EndReason#AGENT_AWAY} / {@link EndReason#VISITOR_AWAY}.</li>
 * </ul>
 * Deadlines are absolute instants, computed when the change that starts the wait is applied, so they can be
 * stored and survive a restart; a changed setting applies to deadlines computed from then on. When several
 * are due, the one that passed first gives the reason. Observers affect no deadline.
 */
public final class SessionDeadlines {

    private Instant join;
    private Instant inactivity;
    private Instant agentAway;
    private Instant visitorAway;

    private SessionDeadlines(Instant join, Instant inactivity, Instant agentAway, Instant visitorAway) {
        this.join = join;
        this.inactivity = inactivity;
        this.agentAway = agentAway;
        this.visitorAway = visitorAway;
    }

    /** The deadlines of a session opened at {@code now}: only the join window runs. */
    public static SessionDeadlines opened(Instant now, Timeouts timeouts) {
        return new SessionDeadlines(now.plus(timeouts.joinWindow()), null, null, null);
    }

    /** Deadlines as they were stored ({@code null} for one that does not run). */
    public static SessionDeadlines restore(Instant join, Instant inactivity, Instant agentAway, Instant visitorAway) {
        return new SessionDeadlines(join, inactivity, agentAway, visitorAway);
    }

    /** Follows what the lifecycle changed at {@code now}. */
    public void apply(List<SessionChange> changes, Instant now, Timeouts timeouts) {
        Objects.requireNonNull(now, "now");
        for (SessionChange change : changes) {
            switch (change) {
                case SessionChange.Joined j when j.role() == Role.AGENT -> agentAway = null;
                case SessionChange.Joined j when j.role() == Role.VISITOR -> visitorAway = null;
                case SessionChange.Left l when l.role() == Role.AGENT -> agentAway = now.plus(timeouts.agentAwayGrace());
                case SessionChange.Left l when l.role() == Role.VISITOR ->
                    visitorAway = now.plus(timeouts.visitorAwayGrace());
                case SessionChange.Activated a -> {
                    join = null;
                    inactivity = now.plus(timeouts.inactivity());
                }
                case SessionChange.Ended e -> {
                    join = null;
                    inactivity = null;
                    agentAway = null;
                    visitorAway = null;
                }
                default -> {
                    // observers come and go without any deadline; ModeChanged starts no wait
                }
            }
        }
    }

    /**
     * A gateway reported activity at {@code now}: the inactivity deadline moves on. Before the session is
     * active (no inactivity deadline yet) the join window governs, and activity changes nothing.
     */
    public void activity(Instant now, Timeouts timeouts) {
        if (inactivity != null) {
            Instant next = now.plus(timeouts.inactivity());
            if (next.isAfter(inactivity)) {
                inactivity = next;
            }
        }
    }

    /** Why the session ends by itself at {@code now}, if a deadline has passed: the one that passed first. */
    public Optional<EndReason> due(Instant now) {
        EndReason reason = null;
        Instant first = null;
        // in this order, so that of deadlines passed at the same instant the earlier-listed wins
        Instant[] deadlines = {join, agentAway, visitorAway, inactivity};
        EndReason[] reasons = {EndReason.JOIN_TIMEOUT, EndReason.AGENT_AWAY, EndReason.VISITOR_AWAY,
                EndReason.INACTIVITY_TIMEOUT};
        for (int i = 0; i < deadlines.length; i++) {
            Instant d = deadlines[i];
            if (d != null && !d.isAfter(now) && (first == null || d.isBefore(first))) {
                first = d;
                reason = reasons[i];
            }
        }
        return Optional.ofNullable(reason);
    }

    /** The earliest deadline, or {@code null} when none runs. */
    public Instant next() {
        Instant next = null;
        for (Instant d : new Instant[] {join, agentAway, visitorAway, inactivity}) {
            if (d != null && (next == null || d.isBefore(next))) {
                next = d;
            }
        }
        return next;
    }

    public Instant join() {
        return join;
    }

    public Instant inactivity() {
        return inactivity;
    }

    public Instant agentAway() {
        return agentAway;
    }

    public Instant visitorAway() {
        return visitorAway;
    }
}
