package dev.tandem.session.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LookupBudgetTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final LookupBudget budget = new LookupBudget(3, Duration.ofSeconds(60), now::get);

    @Test
    void aCallerGetsItsBudgetThenARetryAfterUntilItsWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertTrue(budget.take("agent1").isEmpty(), "lookup " + i);
        }
        assertEquals(OptionalLong.of(60), budget.take("agent1"));
        now.addAndGet(Duration.ofMillis(59_500).toNanos());
        assertEquals(OptionalLong.of(1), budget.take("agent1"), "rounded up, never 0");
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertTrue(budget.take("agent1").isEmpty(), "a new window");
    }

    @Test
    void callersHaveTheirOwnBudgets() {
        for (int i = 0; i < 3; i++) {
            budget.take("agent1");
        }
        assertTrue(budget.take("agent1").isPresent());
        assertTrue(budget.take("agent2").isEmpty());
    }

    @Test
    void overWindowsArePrunedWhenThereAreManyCallers() {
        for (int i = 0; i <= LookupBudget.PRUNE_ABOVE; i++) {
            budget.take("caller-" + i);
        }
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        budget.take("someone-new");
        assertEquals(1, budget.callers());
    }

    @Test
    void settingsMustMakeSense() {
        assertThrows(IllegalArgumentException.class, () -> new LookupBudget(0, Duration.ofSeconds(1), now::get));
        assertThrows(IllegalArgumentException.class, () -> new LookupBudget(1, Duration.ZERO, now::get));
    }
}
