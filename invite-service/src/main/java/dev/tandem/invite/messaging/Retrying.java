package dev.tandem.invite.messaging;

import java.time.Duration;
import java.util.function.Supplier;

import dev.tandem.platform.problem.Outages;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * How a consumer applies an event: each attempt is a fresh call (a fresh transaction); a failure (the
 * database away, a race on a unique index) is retried with back-off; an event that still cannot be applied is
 * logged as an error and skipped, so one bad event never blocks its partition for good. A failure because the
 * database cannot be reached is not the event's fault: it is retried until the database is back.
 */
final class Retrying {

    static final int ATTEMPTS = 8;

    private Retrying() {
    }

    static Uni<Void> apply(String what, Supplier<Uni<?>> attempt) {
        return apply(what, attempt, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    static Uni<Void> apply(String what, Supplier<Uni<?>> attempt, Duration firstBackOff, Duration maxBackOff) {
        return Uni.createFrom().deferred(attempt)
                .onFailure().invoke(e -> Log.warnf("%s failed, will retry: %s", what, e.toString()))
                // The database away (restart, fail-over): wait for it as long as it takes; skipping the event
                // would lose it for good (a SessionEnded skipped leaves its agent busy for ever).
                .onFailure(Outages::databaseUnreachable).retry()
                .withBackOff(firstBackOff, maxBackOff).indefinitely()
                .onFailure().retry().withBackOff(firstBackOff, maxBackOff).atMost(ATTEMPTS)
                .onFailure().recoverWithItem(e -> {
                    Log.errorf(e, "%s failed for good and was skipped", what);
                    return null;
                })
                .replaceWithVoid();
    }
}
