package dev.tandem.session.domain;

import dev.tandem.contracts.SessionEvent.EndReason;
import dev.tandem.contracts.SessionEvent.Role;

/**
 * What a step of the {@link SessionLifecycle} changed. A step that changes nothing (a duplicate, or
 * anything after the end) yields no change, so nothing is published for it.
 */
public sealed interface SessionChange {

    /** A party connected (for the first time or again after leaving). */
    record Joined(Role role) implements SessionChange {
    }

    /** Both parties have joined: the session went from WAITING to ACTIVE. Happens once. */
    record Activated() implements SessionChange {
    }

    /** A connected party went away. */
    record Left(Role role) implements SessionChange {
    }

    /** The session ended. Happens once. */
    record Ended(EndReason reason) implements SessionChange {
    }
}
