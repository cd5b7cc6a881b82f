package dev.tandem.platform.problem;

import java.util.Comparator;
import java.util.List;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Every error a Tandem REST API returns is {@code application/problem+json}. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder builder = Response.status(e.status())
                .type(Problem.MEDIA_TYPE)
                .entity(e.toProblem(uri.getPath()));
        e.headers().forEach(builder::header);
        return builder.build();
    }

    /** Bean validation of a request; replaces the extension's own JSON with a problem document. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response invalidRequest(ResteasyReactiveViolationException e, UriInfo uri) {
        return invalid(e, uri);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldName(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message())
                .reduce((a, b) -> a + "; " + b).orElse("the request is not valid");
        return respond(new Problem(Problem.TYPE_BASE + "validation", "Invalid request", 400, detail,
                uri.getPath(), errors));
    }

    /**
     * Bodies of the wrong shape. Mapped by their own type because the Jackson extension maps exactly
     * this type itself (with plain JSON), and the nearest type wins.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    /** Bodies Jackson cannot read at all. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String field = null;
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null);
        }
        String detail;
        if (e instanceof UnrecognizedPropertyException u) {
            detail = "unknown field '" + u.getPropertyName() + "'";
        } else if (e instanceof InvalidFormatException f) {
            detail = "'" + field + "' has a value of the wrong form: " + f.getValue();
        } else if (field != null) {
            detail = "'" + field + "' is missing or of the wrong type";
        } else {
            detail = "the body is not valid JSON";
        }
        List<Problem.FieldError> errors = field == null ? List.of() : List.of(new Problem.FieldError(field, detail));
        return respond(new Problem(Problem.TYPE_BASE + "malformed-request", "Malformed request", 400, detail,
                uri.getPath(), errors));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER - 100)
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status == 400 && e.getCause() instanceof JsonProcessingException json) {
            // A body that is not JSON at all arrives wrapped by the REST layer's Jackson reader.
            return unreadable(json, uri);
        }
        String slug = switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "server-error" : "bad-request";
        };
        String title = Response.Status.fromStatusCode(status) != null
                ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        String detail = status == 415 ? "send the body as application/json" : title;
        return respond(new Problem(Problem.TYPE_BASE + slug, title, status, detail, uri.getPath(), List.of()));
    }

    /** No or an invalid token where one is needed. */
    @ServerExceptionMapper({ UnauthorizedException.class, AuthenticationFailedException.class })
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return Response.status(401).type(Problem.MEDIA_TYPE).header("WWW-Authenticate", "Bearer")
                .entity(new Problem(Problem.TYPE_BASE + "unauthenticated", "Unauthorized", 401,
                        "send a valid bearer token", uri.getPath(), List.of()))
                .build();
    }

    /** A valid token without the role this operation needs. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(new Problem(Problem.TYPE_BASE + "forbidden", "Forbidden", 403,
                "the caller's role does not allow this operation", uri.getPath(), List.of()));
    }

    /**
     * How long a caller is asked to wait when PostgreSQL cannot be reached: a restart or fail-over is brief.
     */
    static final java.time.Duration DATABASE_RETRY_AFTER = java.time.Duration.ofSeconds(5);

    /**
     * A request that fails because PostgreSQL cannot be reached answers {@code 503 database-unavailable} with
     * {@code Retry-After} (nothing was changed; the caller can retry); any other unexpected failure answers
     * {@code 500 server-error}.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(RuntimeException e, UriInfo uri) {
        if (Outages.databaseUnreachable(e)) {
            Log.warnf("database unreachable on %s: %s", uri.getPath(), e.toString());
            return problem(new ProblemException(503, "database-unavailable", "Service unavailable",
                    "the database cannot be reached; nothing was changed; try again later", List.of(),
                    java.util.Map.of("Retry-After", String.valueOf(DATABASE_RETRY_AFTER.toSeconds()))), uri);
        }
        Log.errorf(e, "unexpected error on %s", uri.getPath());
        return respond(new Problem(Problem.TYPE_BASE + "server-error", "Internal error", 500,
                "the request could not be completed; it may be retried", uri.getPath(), List.of()));
    }

    /** A checked connection failure that reaches the REST layer unwrapped. */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpectedIo(java.io.IOException e, UriInfo uri) {
        return unexpected(new java.io.UncheckedIOException(e), uri);
    }

    private static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String fieldName(ConstraintViolation<?> v) {
        // "save.body.document.appearance.borderColor" -> "document.appearance.borderColor":
        // callers know their fields, not our method and parameter names
        String[] parts = v.getPropertyPath().toString().split("\\.");
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length))
                : parts[parts.length - 1];
    }
}
