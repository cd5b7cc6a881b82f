package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.session.SessionState;

class SessionLifecycleTest {

    @Test
    void aNewSessionWaitsWithNobodyJoined() {
        SessionLifecycle s = SessionLifecycle.start();
        assertEquals(SessionState.WAITING, s.state());
        assertNull(s.endReason());
        assertFalse(s.hasJoined(Role.VISITOR));
        assertFalse(s.hasJoined(Role.AGENT));
    }

    @Test
    void oneSideJoiningKeepsItWaiting() {
        SessionLifecycle s = SessionLifecycle.start();
        assertEquals(List.of(new SessionChange.Joined(Role.VISITOR)), s.connected(Role.VISITOR));
        assertEquals(SessionState.WAITING, s.state());
        assertTrue(s.isPresent(Role.VISITOR));
    }

    @Test
    void bothSidesJoiningMakesItActiveOnce() {
        SessionLifecycle s = SessionLifecycle.start();
        s.connected(Role.AGENT);
        assertEquals(List.of(new SessionChange.Joined(Role.VISITOR), new SessionChange.Activated()),
                s.connected(Role.VISITOR));
        assertEquals(SessionState.ACTIVE, s.state());

        assertEquals(List.of(new SessionChange.Left(Role.VISITOR)), s.disconnected(Role.VISITOR));
        assertEquals(List.of(new SessionChange.Joined(Role.VISITOR)), s.connected(Role.VISITOR),
                "a visitor coming back (a new page) joins again, but the session was active already");
        assertEquals(SessionState.ACTIVE, s.state());
    }

    @Test
    void joinedSidesNeedNotBePresentAtTheSameTime() {
        SessionLifecycle s = SessionLifecycle.start();
        s.connected(Role.VISITOR);
        s.disconnected(Role.VISITOR);
        assertEquals(List.of(new SessionChange.Joined(Role.AGENT), new SessionChange.Activated()),
                s.connected(Role.AGENT));
    }

    @Test
    void leavingStaysActive() {
        SessionLifecycle s = active();
        assertEquals(List.of(new SessionChange.Left(Role.AGENT)), s.disconnected(Role.AGENT));
        assertEquals(SessionState.ACTIVE, s.state());
        assertFalse(s.isPresent(Role.AGENT));
    }

    @Test
    void repeatedPresenceReportsChangeNothing() {
        SessionLifecycle s = SessionLifecycle.start();
        s.connected(Role.VISITOR);
        assertEquals(List.of(), s.connected(Role.VISITOR));
        s.disconnected(Role.VISITOR);
        assertEquals(List.of(), s.disconnected(Role.VISITOR));
        assertEquals(List.of(), s.disconnected(Role.AGENT), "the agent was never there");
    }

    @Test
    void observersComeAndGoButNeverActivateTheSession() {
        SessionLifecycle s = SessionLifecycle.start();
        s.connected(Role.VISITOR);
        assertEquals(List.of(new SessionChange.Joined(Role.OBSERVER)), s.connected(Role.OBSERVER));
        assertEquals(List.of(new SessionChange.Joined(Role.OBSERVER)), s.connected(Role.OBSERVER), "a second one");
        assertEquals(SessionState.WAITING, s.state(), "an observer is not the agent");
        assertFalse(s.hasJoined(Role.AGENT));
        assertEquals(2, s.observersPresent());
        assertEquals(List.of(new SessionChange.Left(Role.OBSERVER)), s.disconnected(Role.OBSERVER));
        assertEquals(List.of(new SessionChange.Left(Role.OBSERVER)), s.disconnected(Role.OBSERVER));
        assertEquals(List.of(), s.disconnected(Role.OBSERVER), "nobody left to leave");
        assertFalse(s.isPresent(Role.OBSERVER));
    }

    @Test
    void noObserverJoinsAnEndedSession() {
        SessionLifecycle s = active();
        s.connected(Role.OBSERVER);
        s.end(EndReason.AGENT_ENDED);
        assertEquals(0, s.observersPresent());
        assertEquals(List.of(), s.connected(Role.OBSERVER));
        assertThrows(IllegalArgumentException.class,
                () -> SessionLifecycle.restore(SessionState.ENDED, EndReason.AGENT_ENDED, true, true, false, false, 1));
    }

    @ParameterizedTest
    @EnumSource(EndReason.class)
    void endingAWaitingSessionRecordsTheReason(EndReason reason) {
        SessionLifecycle s = SessionLifecycle.start();
        assertEquals(List.of(new SessionChange.Ended(reason)), s.end(reason));
        assertEquals(SessionState.ENDED, s.state());
        assertEquals(reason, s.endReason());
    }

    @Test
    void anEndedSessionNeverComesBack() {
        SessionLifecycle s = active();
        assertEquals(List.of(new SessionChange.Ended(EndReason.VISITOR_ENDED)), s.end(EndReason.VISITOR_ENDED));

        assertEquals(List.of(), s.end(EndReason.AGENT_ENDED), "ends once");
        assertEquals(List.of(), s.connected(Role.VISITOR));
        assertEquals(List.of(), s.connected(Role.AGENT));
        assertEquals(List.of(), s.disconnected(Role.AGENT));
        assertEquals(SessionState.ENDED, s.state());
        assertEquals(EndReason.VISITOR_ENDED, s.endReason(), "the first reason wins");
        assertFalse(s.isPresent(Role.VISITOR));
        assertFalse(s.isPresent(Role.AGENT));
    }

    @Test
    void aRestoredSessionContinuesWhereItWas() {
        SessionLifecycle s = SessionLifecycle.restore(SessionState.WAITING, null, false, true, false, true);
        assertEquals(List.of(new SessionChange.Joined(Role.VISITOR), new SessionChange.Activated()),
                s.connected(Role.VISITOR));

        SessionLifecycle ended = SessionLifecycle.restore(SessionState.ENDED, EndReason.CHAT_ENDED, true, true, false,
                false);
        assertEquals(List.of(), ended.end(EndReason.AGENT_ENDED));
        assertEquals(EndReason.CHAT_ENDED, ended.endReason());
    }

    @Test
    void impossibleStoredStatesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SessionLifecycle.restore(SessionState.ENDED, null, false, false, false, false));
        assertThrows(IllegalArgumentException.class,
                () -> SessionLifecycle.restore(SessionState.WAITING, EndReason.AGENT_ENDED, false, false, false, false));
        assertThrows(IllegalArgumentException.class,
                () -> SessionLifecycle.restore(SessionState.ACTIVE, null, true, false, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> SessionLifecycle.restore(SessionState.WAITING, null, false, false, true, false));
    }

    @Test
    void anEndRequestIsRecordedWithTheRequestersReason() {
        assertEquals(EndReason.VISITOR_ENDED, SessionLifecycle.endReasonFor(Role.VISITOR));
        assertEquals(EndReason.AGENT_ENDED, SessionLifecycle.endReasonFor(Role.AGENT));
        assertThrows(IllegalArgumentException.class, () -> SessionLifecycle.endReasonFor(Role.OBSERVER));
    }

    private static SessionLifecycle active() {
        SessionLifecycle s = SessionLifecycle.start();
        s.connected(Role.VISITOR);
        s.connected(Role.AGENT);
        assertEquals(SessionState.ACTIVE, s.state());
        return s;
    }
}
