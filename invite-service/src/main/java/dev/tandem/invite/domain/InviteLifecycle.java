package dev.tandem.invite.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import dev.tandem.invite.InviteState;

/**
 * The rules of an invite's life, free of any framework. The clock is always passed in, so a stored
 * state and the time together decide what an invite is: a PENDING invite whose expiry has come is
 * EXPIRED for everyone, whether or not the sweeper has written that down yet.
 */
public final class InviteLifecycle {

    /** What the visitor can say to an invite. */
    public enum Answer {
        ACCEPT(InviteState.ACCEPTED),
        DECLINE(InviteState.DECLINED);

        private final InviteState outcome;

        Answer(InviteState outcome) {
            this.outcome = outcome;
        }

        public InviteState outcome() {
            return outcome;
        }
    }

    private InviteLifecycle() {
    }

    /** When an invite created at {@code createdAt} expires. */
    public static Instant expiresAt(Instant createdAt, Duration expiry) {
        Objects.requireNonNull(createdAt, "createdAt");
        if (expiry == null || expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("an invite's expiry must be a positive duration, not " + expiry);
        }
        return createdAt.plus(expiry);
    }

    /** The state an invite is in at {@code now}: its stored state, except that a pending invite can run out. */
    public static InviteState stateAt(InviteState stored, Instant expiresAt, Instant now) {
        Objects.requireNonNull(stored, "stored");
        if (stored == InviteState.PENDING && isDue(expiresAt, now)) {
            return InviteState.EXPIRED;
        }
        return stored;
    }

    /** Whether a pending invite with this expiry should be expired at {@code now} (the expiry instant included). */
    public static boolean isDue(Instant expiresAt, Instant now) {
        return !now.isBefore(expiresAt);
    }

    /**
     * The state after the visitor's answer at {@code now}.
     *
     * @throws InviteNotPendingException if the invite was answered before or has expired
     */
    public static InviteState answer(InviteState stored, Instant expiresAt, Instant now, Answer answer) {
        Objects.requireNonNull(answer, "answer");
        InviteState current = stateAt(stored, expiresAt, now);
        if (!current.canMoveTo(answer.outcome())) {
            throw new InviteNotPendingException(current);
        }
        return answer.outcome();
    }

    /**
     * The state after the clock ran out on a pending invite.
     *
     * @throws InviteNotPendingException if the invite is no longer pending
     * @throws IllegalStateException if its expiry has not come yet
     */
    public static InviteState expire(InviteState stored, Instant expiresAt, Instant now) {
        if (!stored.canMoveTo(InviteState.EXPIRED)) {
            throw new InviteNotPendingException(stored);
        }
        if (!isDue(expiresAt, now)) {
            throw new IllegalStateException("the invite does not expire before " + expiresAt);
        }
        return InviteState.EXPIRED;
    }
}
