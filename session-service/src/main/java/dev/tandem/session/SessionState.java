package dev.tandem.session;

/**
 * Where a co-browsing session is in its life: {@code WAITING} until both the visitor and the agent have
 * joined through a gateway, {@code ACTIVE} from then on, {@code ENDED} for good (with a reason). An
 * ended session never comes back; the rules live in {@link dev.tandem.session.domain.SessionLifecycle}.
 */
public enum SessionState {
    WAITING,
    ACTIVE,
    ENDED;

    public boolean isLive() {
        return this != ENDED;
    }
}
