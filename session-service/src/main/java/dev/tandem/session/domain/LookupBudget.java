package dev.tandem.session.domain;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many lookups one caller may make in a window (fixed windows per caller, in memory, per replica).
 * Used for display-code lookups, so that an agent cannot walk the 9-digit code space: with the
 * defaults, trying every code would take millennia. The check happens before any lookup, so a caller
 * over its budget learns nothing about whether a code exists.
 */
public final class LookupBudget {

    /** Above this many callers, windows that are over are dropped before a new caller is added. */
    static final int PRUNE_ABOVE = 10_000;

    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        final long start;
        int used;

        Window(long start) {
            this.start = start;
        }
    }

    public LookupBudget(int perWindow, Duration window, LongSupplier nanoClock) {
        if (perWindow < 1) {
            throw new IllegalArgumentException("perWindow must be at least 1");
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one lookup from the caller's budget.
     *
     * @return empty when the lookup may go ahead; otherwise the whole seconds (at least 1) until the caller's
     *         window starts again, for {@code Retry-After}
     */
    public OptionalLong take(String caller) {
        long now = nanoClock.getAsLong();
        if (windows.size() > PRUNE_ABOVE && !windows.containsKey(caller)) {
            prune(now);
        }
        Window window = windows.compute(caller, (k, w) -> w == null || now - w.start >= windowNanos ? new Window(now) : w);
        synchronized (window) {
            if (window.used < perWindow) {
                window.used++;
                return OptionalLong.empty();
            }
        }
        long left = windowNanos - (now - window.start);
        return OptionalLong.of(Math.max(1, (left + 999_999_999L) / 1_000_000_000L));
    }

    /** How many callers have a window now (for tests). */
    int callers() {
        return windows.size();
    }

    private void prune(long now) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext();) {
            if (now - it.next().start >= windowNanos) {
                it.remove();
            }
        }
    }
}
