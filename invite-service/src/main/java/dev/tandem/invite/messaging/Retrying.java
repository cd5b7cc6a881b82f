package dev.tandem.invite.messaging;

import java.time.Duration;
import java.util.function.Supplier;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * How a consumer applies an event: each attempt is a fresh call (a fresh transaction); a failure (the
 * database away, a race on a unique index) is retried with back-off; an event that still cannot be applied is
 * logged as an error and skipped, so one bad event never blocks its partition for good.
 */
final class Retrying {

    static final int ATTEMPTS = 8;

    private Retrying() {
    }

    static Uni<Void> apply(String what, Supplier<Uni<?>> attempt) {
        return Uni.createFrom().deferred(attempt)
                .onFailure().invoke(e -> Log.warnf("%s failed, will retry: %s", what, e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).atMost(ATTEMPTS)
                .onFailure().recoverWithItem(e -> {
                    Log.errorf(e, "%s failed for good and was skipped", what);
                    return null;
                })
                .replaceWithVoid();
    }
}
