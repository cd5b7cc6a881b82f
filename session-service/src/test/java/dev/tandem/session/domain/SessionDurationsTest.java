package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.session.domain.SessionDurations.Presence;

class SessionDurationsTest {

    static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    @Test
    void anEndedSessionIsMeasuredFromItsTrail() {
        List<Presence> trail = List.of(
                new Presence(AuditKind.JOINED, Role.AGENT, T0.plusSeconds(5)),
                new Presence(AuditKind.JOINED, Role.VISITOR, T0.plusSeconds(20)),
                new Presence(AuditKind.JOINED, Role.OBSERVER, T0.plusSeconds(25)),
                new Presence(AuditKind.LEFT, Role.VISITOR, T0.plusSeconds(60)),
                new Presence(AuditKind.JOINED, Role.VISITOR, T0.plusSeconds(62)),
                new Presence(AuditKind.LEFT, Role.AGENT, T0.plusSeconds(90)));
        SessionDurations d = SessionDurations.of(T0, T0.plusSeconds(20), T0.plusSeconds(100), trail,
                T0.plusSeconds(999));
        assertEquals(Duration.ofSeconds(100), d.total());
        assertEquals(Duration.ofSeconds(20), d.waiting());
        assertEquals(Duration.ofSeconds(80), d.active());
        assertEquals(Duration.ofSeconds(40 + 38), d.visitorPresent(), "present until the end, minus the page load");
        assertEquals(Duration.ofSeconds(85), d.agentPresent());
    }

    @Test
    void aLiveSessionIsMeasuredUpToNow() {
        SessionDurations d = SessionDurations.of(T0, null, null,
                List.of(new Presence(AuditKind.JOINED, Role.VISITOR, T0.plusSeconds(10))), T0.plusSeconds(30));
        assertEquals(Duration.ofSeconds(30), d.total());
        assertEquals(Duration.ofSeconds(30), d.waiting());
        assertEquals(Duration.ZERO, d.active());
        assertEquals(Duration.ofSeconds(20), d.visitorPresent());
        assertEquals(Duration.ZERO, d.agentPresent());
    }
}
