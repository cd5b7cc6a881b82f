package dev.tandem.session.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a session may wait for something before it ends by itself.
 *
 * @param joinWindow how long after its creation a session may stay without both parties having joined
 * @param inactivity how long an active session may go without activity reported by a gateway
 * @param agentAwayGrace how long the agent may stay disconnected
 * @param visitorAwayGrace how long the visitor may stay disconnected (a page load is a short absence)
 */
public record Timeouts(Duration joinWindow, Duration inactivity, Duration agentAwayGrace, Duration visitorAwayGrace) {

    public Timeouts {
        for (Duration d : new Duration[] {joinWindow, inactivity, agentAwayGrace, visitorAwayGrace}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts are positive, not " + d);
            }
        }
    }
}
