package dev.tandem.invite.service;

import java.util.List;
import java.util.Map;

import dev.tandem.platform.problem.Problem;
import dev.tandem.platform.problem.ProblemException;

/** The problems invite-service answers with, one stable type each (listed in the README). */
public final class Problems {

    private Problems() {
    }

    public static ProblemException noTenant() {
        return ProblemException.forbidden("no-tenant",
                "the token carries no tenant claim; ask the identity provider's admin to add one");
    }

    public static ProblemException siteNotFound(String siteId) {
        return ProblemException.notFound("site-not-found", "no site " + siteId + " is known for this caller");
    }

    public static ProblemException cobrowsingDisabled(String siteId) {
        return ProblemException.conflict("cobrowsing-disabled", "co-browsing is switched off for site " + siteId);
    }

    public static ProblemException modeNotAllowed(String siteId, String group, Object mode) {
        return ProblemException.forbidden("mode-not-allowed", "agent group " + group + " may not use " + mode
                + " on site " + siteId);
    }

    public static ProblemException agentInSession(String agentId) {
        return ProblemException.conflict("agent-in-session", "agent " + agentId
                + " is in a live co-browsing session; try again when it has ended");
    }

    public static ProblemException agentMismatch() {
        return ProblemException.forbidden("agent-mismatch",
                "an agent picks up a request for itself only: leave agentId out or give your own user name");
    }

    public static ProblemException requestNotFound() {
        return ProblemException.notFound("request-not-found", "no visitor request is known for this request");
    }

    public static ProblemException chatNotFound() {
        return ProblemException.notFound("chat-not-found",
                "no chat is known for this chat credential (missing, unknown, replaced or expired)");
    }

    public static ProblemException sessionNotFound() {
        return ProblemException.notFound("session-not-found", "no such session");
    }

    public static ProblemException sessionEnded() {
        return new ProblemException(410, "session-ended", "Session ended", "the session has ended");
    }

    public static ProblemException modeRequestNotFound() {
        return ProblemException.notFound("mode-request-not-found", "no mode change request is known for this request");
    }

    /** Kafka cannot be reached: a new invite would not reach session-service, so it is not made. */
    public static ProblemException eventsUnavailable(java.time.Duration retryAfter) {
        return new ProblemException(503, "events-unavailable", "Service unavailable",
                "the event broker cannot be reached, so no invite can be made now; try again later",
                List.of(), Map.of("Retry-After", String.valueOf(Math.max(1, retryAfter.toSeconds()))));
    }

    public static ProblemException validation(String field, String rule) {
        return new ProblemException(400, "validation", "Invalid request", field + ": " + rule,
                List.of(new Problem.FieldError(field, rule)), Map.of());
    }
}
