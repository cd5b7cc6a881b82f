package dev.tandem.platform.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.junit.jupiter.api.Test;

import io.vertx.sqlclient.ClosedConnectionException;

class ProblemMappersTest {

    /** The request's path is all the mappers read of it. */
    private static final UriInfo URI = (UriInfo) Proxy.newProxyInstance(UriInfo.class.getClassLoader(),
            new Class<?>[] { UriInfo.class }, (proxy, method, args) -> {
                if (method.getName().equals("getPath")) {
                    return "/api/agents/me/session";
                }
                throw new UnsupportedOperationException(method.getName());
            });

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void aRequestThatFailsBecauseTheDatabaseIsAwayGets503WithRetryAfter() {
        for (RuntimeException failure : new RuntimeException[] {
                new CompletionException(new ConnectException("Connection refused")),
                new IllegalStateException(ClosedConnectionException.INSTANCE) }) {
            Response response = mappers.unexpected(failure, URI);
            assertEquals(503, response.getStatus());
            assertEquals("application/problem+json", response.getMediaType().toString());
            assertEquals("5", response.getHeaderString("Retry-After"));
            Problem problem = (Problem) response.getEntity();
            assertEquals(Problem.TYPE_BASE + "database-unavailable", problem.type());
            assertEquals("/api/agents/me/session", problem.instance());
        }
    }

    @Test
    void anyOtherUnexpectedFailureIsA500WithoutRetryAfter() {
        Response response = mappers.unexpected(new IllegalStateException("a bug"), URI);
        assertEquals(500, response.getStatus());
        assertNull(response.getHeaderString("Retry-After"));
        assertEquals(Problem.TYPE_BASE + "server-error", ((Problem) response.getEntity()).type());
    }
}
