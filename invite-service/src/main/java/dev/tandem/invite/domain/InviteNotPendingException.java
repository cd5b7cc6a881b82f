package dev.tandem.invite.domain;

import dev.tandem.invite.InviteState;

/** An answer or an expiry was asked of an invite that is no longer waiting for one. */
public class InviteNotPendingException extends RuntimeException {

    private final InviteState state;

    public InviteNotPendingException(InviteState state) {
        super("the invite is " + state + ", not PENDING", null, false, false);
        this.state = state;
    }

    /** The state the invite is in (as the clock sees it: a PENDING invite past its expiry is EXPIRED). */
    public InviteState state() {
        return state;
    }
}
