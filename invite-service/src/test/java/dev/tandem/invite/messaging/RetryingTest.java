package dev.tandem.invite.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

/** How a consumer retries: for as long as the database is away, but a bad event only a few times. */
class RetryingTest {

    static final Duration FAST = Duration.ofMillis(1);

    @Test
    void anEventIsAppliedOnceTheDatabaseIsBackHoweverLongItWasAway() {
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger applied = new AtomicInteger();
        int away = Retrying.ATTEMPTS * 3;
        Retrying.apply("test", () -> attempts.incrementAndGet() <= away
                ? Uni.createFrom().failure(new CompletionException(new ConnectException("Connection refused")))
                : Uni.createFrom().item(applied.incrementAndGet()), FAST, FAST)
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(1, applied.get(), "applied once, after " + attempts.get() + " attempts");
        assertEquals(away + 1, attempts.get());
    }

    @Test
    void anEventThatFailsForAnotherReasonIsSkippedAfterAFewAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        Retrying.apply("test", () -> {
            attempts.incrementAndGet();
            return Uni.createFrom().failure(new IllegalStateException("a bad event"));
        }, FAST, FAST).await().atMost(Duration.ofSeconds(10));
        assertEquals(Retrying.ATTEMPTS + 1, attempts.get());
    }
}
