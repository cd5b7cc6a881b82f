package dev.tandem.invite.rest;

import java.time.Duration;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.tandem.invite.service.Outages;
import dev.tandem.invite.service.Problems;
import dev.tandem.platform.problem.ProblemMappers;
import io.quarkus.logging.Log;

/**
 * A request that fails because PostgreSQL cannot be reached answers {@code 503 database-unavailable} with
 * {@code Retry-After} (a restart or fail-over is brief, and the caller can retry); any other unexpected failure
 * keeps the platform's {@code 500 server-error}. Ranks before the platform's catch-all mapper.
 */
public class OutageMappers {

    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final ProblemMappers platform = new ProblemMappers();

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 500)
    public Response unexpected(RuntimeException e, UriInfo uri) {
        if (Outages.databaseUnreachable(e)) {
            Log.warnf("database unreachable on %s: %s", uri.getPath(), e.toString());
            return platform.problem(Problems.databaseUnavailable(RETRY_AFTER), uri);
        }
        return platform.unexpected(e, uri);
    }

    /** A checked connection failure that reaches the REST layer unwrapped. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 500)
    public Response unexpectedIo(java.io.IOException e, UriInfo uri) {
        return unexpected(new java.io.UncheckedIOException(e), uri);
    }
}
