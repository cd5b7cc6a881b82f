package dev.tandem.session.service;

import java.util.Map;
import java.util.OptionalLong;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.platform.problem.ProblemException;
import dev.tandem.session.config.SessionConfig;
import dev.tandem.session.domain.LookupBudget;

/** Display-code lookups per agent: over the budget, every code gets the same 429, hit or miss. */
@ApplicationScoped
public class CodeLookupGuard {

    private final LookupBudget budget;

    public CodeLookupGuard(SessionConfig config) {
        this.budget = new LookupBudget(config.codeLookups().perWindow(), config.codeLookups().window(),
                System::nanoTime);
    }

    /** Throws {@code 429 too-many-lookups} (with {@code Retry-After}) when the caller has used its budget. */
    public void check(String caller) {
        OptionalLong retryAfter = budget.take(caller);
        if (retryAfter.isPresent()) {
            throw new ProblemException(429, "too-many-lookups", "Too many requests",
                    "too many code lookups; try again in " + retryAfter.getAsLong() + " s", java.util.List.of(),
                    Map.of("Retry-After", String.valueOf(retryAfter.getAsLong())));
        }
    }
}
