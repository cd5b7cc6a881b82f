package dev.tandem.invite;

/**
 * Where an invite stands. It is created {@link #PENDING}; the visitor's answer or the clock moves it,
 * once, to one of the final states, and nothing moves it again.
 */
public enum InviteState {

    /** Waiting for the visitor's answer until its expiry. */
    PENDING,
    /** The visitor agreed; session-service creates the session. */
    ACCEPTED,
    /** The visitor said no. */
    DECLINED,
    /** Nobody answered in time. */
    EXPIRED;

    /** Whether an invite in this state may move to {@code next}: only from PENDING, only to a final state. */
    public boolean canMoveTo(InviteState next) {
        return this == PENDING && next != null && next != PENDING;
    }

    public boolean isFinal() {
        return this != PENDING;
    }
}
