package dev.tandem.session.messaging;

import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.session.config.SessionConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * How a consumer applies an event: each attempt is a fresh call (so a fresh transaction); a failure is
 * retried with back-off for a while, in case the database was away; an event that still cannot be applied
 * is logged as an error and skipped, so that one bad event never blocks its partition for good.
 */
@ApplicationScoped
public class Retries {

    /** Conflicts a new transaction resolves (a unique index refused a row) are retried at once, this often. */
    static final int IMMEDIATE_RETRIES = 10;

    private final SessionConfig config;

    public Retries(SessionConfig config) {
        this.config = config;
    }

    public <T> Uni<Void> apply(String what, Supplier<Uni<? extends T>> attempt, Predicate<Throwable> retryAtOnce) {
        SessionConfig.Consumer settings = config.consumer();
        return Uni.createFrom().deferred(attempt)
                .onFailure(retryAtOnce).retry().atMost(IMMEDIATE_RETRIES)
                .onFailure().invoke(e -> Log.warnf("%s failed, will retry: %s", what, e.toString()))
                .onFailure().retry().withBackOff(settings.initialBackoff(), settings.maxBackoff())
                .atMost(settings.retries())
                .onFailure().recoverWithItem(e -> {
                    Log.errorf(e, "%s failed for good and was skipped", what);
                    return null;
                })
                .replaceWithVoid();
    }
}
