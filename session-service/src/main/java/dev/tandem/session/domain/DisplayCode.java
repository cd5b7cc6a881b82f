package dev.tandem.session.domain;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The 9-digit code a session is shown with, so that a visitor and an agent can tell on the phone or in
 * the chat that they look at the same session. It is for display only, never a credential: knowing it
 * gives access to nothing. The first digit is never 0 (so it survives being read as a number); codes are
 * unique among live sessions, which the database enforces.
 */
public final class DisplayCode {

    public static final int LENGTH = 9;

    private static final int LOWEST = 100_000_000;
    private static final int COUNT = 900_000_000;

    private DisplayCode() {
    }

    /** A code drawn uniformly from 100000000 to 999999999. */
    public static String random(RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        return Integer.toString(LOWEST + random.nextInt(COUNT));
    }

    /** Whether {@code code} has the form of a display code. */
    public static boolean isWellFormed(String code) {
        if (code == null || code.length() != LENGTH || code.charAt(0) < '1' || code.charAt(0) > '9') {
            return false;
        }
        for (int i = 1; i < LENGTH; i++) {
            char c = code.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
