package dev.tandem.invite.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tandem.invite.InviteState;
import dev.tandem.invite.domain.InviteLifecycle.Answer;

class InviteLifecycleTest {

    static final Instant CREATED = Instant.parse("2026-11-21T10:15:30Z");
    static final Instant EXPIRES = CREATED.plus(Duration.ofMinutes(2));

    @Test
    void expiresAfterTheConfiguredTime() {
        assertEquals(EXPIRES, InviteLifecycle.expiresAt(CREATED, Duration.ofMinutes(2)));
    }

    @Test
    void refusesAnExpiryThatIsNotPositive() {
        assertThrows(IllegalArgumentException.class, () -> InviteLifecycle.expiresAt(CREATED, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> InviteLifecycle.expiresAt(CREATED, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> InviteLifecycle.expiresAt(CREATED, null));
    }

    @Test
    void aPendingInviteIsExpiredFromItsExpiryOnEvenBeforeTheSweeperRan() {
        assertEquals(InviteState.PENDING, InviteLifecycle.stateAt(InviteState.PENDING, EXPIRES, EXPIRES.minusMillis(1)));
        assertEquals(InviteState.EXPIRED, InviteLifecycle.stateAt(InviteState.PENDING, EXPIRES, EXPIRES));
        assertEquals(InviteState.EXPIRED, InviteLifecycle.stateAt(InviteState.PENDING, EXPIRES, EXPIRES.plusSeconds(60)));
    }

    @ParameterizedTest
    @EnumSource(value = InviteState.class, names = {"ACCEPTED", "DECLINED", "EXPIRED"})
    void aFinalStateStaysWhatItIsWhateverTheTime(InviteState state) {
        assertEquals(state, InviteLifecycle.stateAt(state, EXPIRES, CREATED));
        assertEquals(state, InviteLifecycle.stateAt(state, EXPIRES, EXPIRES.plusSeconds(3600)));
    }

    @Test
    void aPendingInviteCanBeAcceptedOrDeclinedBeforeItsExpiry() {
        Instant now = EXPIRES.minusMillis(1);
        assertEquals(InviteState.ACCEPTED, InviteLifecycle.answer(InviteState.PENDING, EXPIRES, now, Answer.ACCEPT));
        assertEquals(InviteState.DECLINED, InviteLifecycle.answer(InviteState.PENDING, EXPIRES, now, Answer.DECLINE));
    }

    @ParameterizedTest
    @EnumSource(Answer.class)
    void anAnswerAfterTheExpiryIsRefusedAsExpired(Answer answer) {
        InviteNotPendingException e = assertThrows(InviteNotPendingException.class,
                () -> InviteLifecycle.answer(InviteState.PENDING, EXPIRES, EXPIRES, answer));
        assertEquals(InviteState.EXPIRED, e.state());
    }

    @ParameterizedTest
    @EnumSource(value = InviteState.class, names = {"ACCEPTED", "DECLINED", "EXPIRED"})
    void anInviteIsAnsweredOnlyOnce(InviteState answered) {
        for (Answer answer : Answer.values()) {
            InviteNotPendingException e = assertThrows(InviteNotPendingException.class,
                    () -> InviteLifecycle.answer(answered, EXPIRES, CREATED, answer));
            assertEquals(answered, e.state());
        }
    }

    @Test
    void expiringNeedsAPendingInviteWhoseTimeIsUp() {
        assertEquals(InviteState.EXPIRED, InviteLifecycle.expire(InviteState.PENDING, EXPIRES, EXPIRES));
        assertThrows(IllegalStateException.class,
                () -> InviteLifecycle.expire(InviteState.PENDING, EXPIRES, EXPIRES.minusMillis(1)));
        assertThrows(InviteNotPendingException.class,
                () -> InviteLifecycle.expire(InviteState.ACCEPTED, EXPIRES, EXPIRES.plusSeconds(1)));
    }
}
