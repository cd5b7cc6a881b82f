package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;

class SessionDeadlinesTest {

    static final Timeouts T = new Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(2),
            Duration.ofSeconds(45));
    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    @Test
    void nobodyJoiningWithinTheWindowEndsIt() {
        SessionDeadlines d = SessionDeadlines.opened(T0, T);
        assertEquals(T0.plus(Duration.ofMinutes(5)), d.next());
        assertEquals(Optional.empty(), d.due(T0.plus(Duration.ofMinutes(5)).minusMillis(1)));
        assertEquals(Optional.of(EndReason.JOIN_TIMEOUT), d.due(T0.plus(Duration.ofMinutes(5))));
    }

    @Test
    void oneSideJoiningKeepsTheJoinWindowRunning() {
        SessionDeadlines d = SessionDeadlines.opened(T0, T);
        d.apply(List.of(new SessionChange.Joined(Role.AGENT)), T0.plusSeconds(10), T);
        assertEquals(Optional.of(EndReason.JOIN_TIMEOUT), d.due(T0.plus(Duration.ofMinutes(5))));
    }

    @Test
    void bothJoiningStopsTheJoinWindowAndStartsTheInactivityTimeout() {
        SessionDeadlines d = SessionDeadlines.opened(T0, T);
        Instant t = T0.plusSeconds(30);
        d.apply(List.of(new SessionChange.Joined(Role.VISITOR), new SessionChange.Activated()), t, T);
        assertNull(d.join());
        assertEquals(t.plus(Duration.ofMinutes(15)), d.inactivity());
        assertEquals(Optional.empty(), d.due(T0.plus(Duration.ofMinutes(10))));
        assertEquals(Optional.of(EndReason.INACTIVITY_TIMEOUT), d.due(t.plus(Duration.ofMinutes(15))));
    }

    @Test
    void activityPushesTheInactivityDeadlineOnButNeverBack() {
        SessionDeadlines d = active(T0);
        d.activity(T0.plus(Duration.ofMinutes(10)), T);
        assertEquals(T0.plus(Duration.ofMinutes(25)), d.inactivity());
        d.activity(T0.plus(Duration.ofMinutes(1)), T);
        assertEquals(T0.plus(Duration.ofMinutes(25)), d.inactivity(), "a late report does not shorten the wait");
    }

    @Test
    void activityBeforeTheSessionIsActiveChangesNothing() {
        SessionDeadlines d = SessionDeadlines.opened(T0, T);
        d.activity(T0.plusSeconds(10), T);
        assertNull(d.inactivity());
        assertEquals(T0.plus(Duration.ofMinutes(5)), d.next());
    }

    @Test
    void aVisitorAwayLongerThanItsGraceEndsIt() {
        SessionDeadlines d = active(T0);
        Instant left = T0.plusSeconds(60);
        d.apply(List.of(new SessionChange.Left(Role.VISITOR)), left, T);
        assertEquals(Optional.empty(), d.due(left.plusSeconds(44)));
        assertEquals(Optional.of(EndReason.VISITOR_AWAY), d.due(left.plusSeconds(45)));
    }

    @Test
    void aPageLoadIsAShortAbsenceNotAnEnd() {
        SessionDeadlines d = active(T0);
        Instant left = T0.plusSeconds(60);
        d.apply(List.of(new SessionChange.Left(Role.VISITOR)), left, T);
        d.apply(List.of(new SessionChange.Joined(Role.VISITOR)), left.plusSeconds(2), T);
        assertNull(d.visitorAway());
        assertEquals(Optional.empty(), d.due(left.plus(Duration.ofMinutes(10))));
    }

    @Test
    void anAgentAwayLongerThanItsGraceEndsIt() {
        SessionDeadlines d = active(T0);
        d.apply(List.of(new SessionChange.Left(Role.AGENT)), T0.plusSeconds(5), T);
        assertEquals(Optional.of(EndReason.AGENT_AWAY), d.due(T0.plusSeconds(5).plus(Duration.ofMinutes(2))));
        d.apply(List.of(new SessionChange.Joined(Role.AGENT)), T0.plusSeconds(30), T);
        assertNull(d.agentAway(), "coming back clears the away deadline");
    }

    @Test
    void observersStartNoWait() {
        SessionDeadlines d = active(T0);
        Instant before = d.next();
        d.apply(List.of(new SessionChange.Joined(Role.OBSERVER), new SessionChange.Left(Role.OBSERVER)),
                T0.plusSeconds(5), T);
        assertEquals(before, d.next());
    }

    @Test
    void ofSeveralPassedDeadlinesTheFirstGivesTheReason() {
        SessionDeadlines d = SessionDeadlines.restore(T0.plusSeconds(30), null, T0.plusSeconds(20), T0.plusSeconds(10));
        assertEquals(Optional.of(EndReason.VISITOR_AWAY), d.due(T0.plusSeconds(60)));
        assertEquals(T0.plusSeconds(10), d.next());
    }

    @Test
    void endingClearsEveryDeadline() {
        SessionDeadlines d = active(T0);
        d.apply(List.of(new SessionChange.Left(Role.AGENT)), T0.plusSeconds(5), T);
        d.apply(List.of(new SessionChange.Ended(EndReason.CHAT_ENDED)), T0.plusSeconds(6), T);
        assertNull(d.next());
        assertEquals(Optional.empty(), d.due(T0.plus(Duration.ofDays(1))));
    }

    @Test
    void timeoutsArePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new Timeouts(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1)));
    }

    private static SessionDeadlines active(Instant at) {
        SessionDeadlines d = SessionDeadlines.opened(at, T);
        d.apply(List.of(new SessionChange.Joined(Role.VISITOR), new SessionChange.Joined(Role.AGENT),
                new SessionChange.Activated()), at, T);
        return d;
    }
}
