package dev.tandem.session.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.platform.problem.Problem;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.session.service.Caller;
import dev.tandem.session.service.CodeLookupGuard;
import dev.tandem.session.service.SessionService;
import io.smallrye.mutiny.Uni;

/**
 * Sessions for their agent, and for the supervisors and admins of their tenant. A session the caller may not
 * see is answered exactly like one that does not exist (404 session-not-found), so that nobody can learn
 * which session ids exist; a code is answered 403 code-not-yours unless it is the caller's live session.
 */
@Path("/api/sessions")
@Tag(name = "Sessions", description = "Agents (their own session), supervisors and admins (their tenant's)")
public class SessionResource {

    static final String NOT_FOUND_EXAMPLE = """
            {"type": "https://tandem.dev/problems/session-not-found", "title": "Not found", "status": 404,
             "detail": "you have no session with this id", "instance": "/api/sessions/0b6c1f7e-5d2a-4f59-9c37-2f0d8a4b1e90"}""";
    static final String ENDED_EXAMPLE = """
            {"type": "https://tandem.dev/problems/session-ended", "title": "Session ended", "status": 410,
             "detail": "the session has ended and cannot be joined again"}""";
    static final String NO_TENANT_EXAMPLE = """
            {"type": "https://tandem.dev/problems/no-tenant", "title": "Forbidden", "status": 403,
             "detail": "your token has no 'tenant' claim: ask your identity provider's administrator to give your account or client a tenant"}""";

    private final SessionService sessions;
    private final Callers callers;
    private final CodeLookupGuard codeLookups;

    public SessionResource(SessionService sessions, Callers callers, CodeLookupGuard codeLookups) {
        this.sessions = sessions;
        this.callers = callers;
        this.codeLookups = codeLookups;
    }

    @GET
    @RolesAllowed({Caller.SUPERVISOR, Caller.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List the live sessions of the caller's tenant",
            description = "For supervisors (to find a session to observe) and admins. Only state=live is supported; "
                    + "newest first, at most " + SessionService.LIST_LIMIT + ".")
    @APIResponse(responseCode = "200", description = "The tenant's live sessions")
    @APIResponse(responseCode = "400", description = "state is not 'live' (type bad-state)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a supervisor or admin, or no tenant claim (type no-tenant)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "no-tenant", value = NO_TENANT_EXAMPLE)))
    public Uni<List<SessionView>> list(
            @Parameter(description = "which sessions: live (waiting or active)", example = "live")
            @QueryParam("state") String state) {
        if (!"live".equals(state)) {
            return Uni.createFrom().failure(ProblemException.badRequest("bad-state",
                    "ask for state=live (the only list there is)"));
        }
        Caller caller = callers.withTenant();
        return sessions.liveSessionsOfTenant(caller.tenant()).map(l -> l.stream().map(SessionView::of).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Caller.AGENT, Caller.SUPERVISOR, Caller.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get a session",
            description = "For the session's agent, and for supervisors and admins of its tenant; live or ended.")
    @APIResponse(responseCode = "200", description = "The session")
    @APIResponse(responseCode = "404", description = "No such session the caller may see (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-not-found", value = NOT_FOUND_EXAMPLE)))
    public Uni<SessionView> get(@PathParam("id") String id) {
        return sessions.sessionFor(id, callers.current()).map(SessionView::of);
    }

    @GET
    @Path("/by-code/{code}")
    @RolesAllowed(Caller.AGENT)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Find the caller's live session by its display code",
            description = "Only the session's agent gets an answer. Another agent's code, a code no live session "
                    + "shows and a malformed code all get the same 403 code-not-yours: codes cannot be probed.")
    @APIResponse(responseCode = "200", description = "The caller's live session with this code")
    @APIResponse(responseCode = "403", description = "Not a live session of the caller's (type code-not-yours)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "code-not-yours", value = """
                            {"type": "https://tandem.dev/problems/code-not-yours", "title": "Forbidden", "status": 403,
                             "detail": "no live session of yours shows this code"}""")))
    @APIResponse(responseCode = "429", description = "More lookups than `session.code-lookups.per-window` in a "
            + "window (type too-many-lookups, with Retry-After); any code, hit or miss, gets this answer then",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<SessionView> byCode(@Parameter(example = "482915307") @PathParam("code") String code) {
        String caller = callers.current().name();
        try {
            codeLookups.check(caller);
        } catch (ProblemException limited) {
            return Uni.createFrom().failure(limited);
        }
        return sessions.byCodeForAgent(code, caller).map(SessionView::of);
    }

    @POST
    @Path("/{id}/join-token")
    @RolesAllowed(Caller.AGENT)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get a join token for the session's agent",
            description = "A fresh join token for the calling agent, who must be the session's agent. It carries the "
                    + "session's current mode: fetch a new one after a mode change.")
    @APIResponse(responseCode = "200", description = "The session and a join token for the agent")
    @APIResponse(responseCode = "404", description = "No such session of the caller's (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-not-found", value = NOT_FOUND_EXAMPLE)))
    @APIResponse(responseCode = "410", description = "The session has ended (type session-ended)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-ended", value = ENDED_EXAMPLE)))
    public Uni<RestResponse<JoinTokenView>> joinToken(@PathParam("id") String id) {
        return sessions.agentJoinToken(id, callers.current().name()).map(SessionResource::noStore);
    }

    @POST
    @Path("/{id}/observer-token")
    @RolesAllowed(Caller.SUPERVISOR)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get a view-only observer token for a supervisor",
            description = "A join token with role observer and mode VIEW_ONLY (whatever the session's mode) for a "
                    + "supervisor of the session's tenant. The gateway reports the observer's connection and "
                    + "ParticipantJoined(OBSERVER) is published, so the visitor is told someone is watching. An "
                    + "observer never gets control and never counts as the session's agent.")
    @APIResponse(responseCode = "200", description = "The session and an observer token (mode always VIEW_ONLY)")
    @APIResponse(responseCode = "403", description = "No tenant claim (type no-tenant)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "no-tenant", value = NO_TENANT_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such session in the caller's tenant (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-not-found", value = NOT_FOUND_EXAMPLE)))
    @APIResponse(responseCode = "410", description = "The session has ended (type session-ended)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-ended", value = ENDED_EXAMPLE)))
    public Uni<RestResponse<JoinTokenView>> observerToken(@PathParam("id") String id) {
        return sessions.observerJoinToken(id, callers.withTenant()).map(SessionResource::noStore);
    }

    @POST
    @Path("/{id}/end")
    @RolesAllowed({Caller.AGENT, Caller.SUPERVISOR, Caller.ADMIN})
    @Operation(summary = "End the session",
            description = "Ends the session for both parties: by its agent (reason AGENT_ENDED) or by a supervisor "
                    + "or admin of its tenant (reason OPERATOR). Ending an ended session changes nothing and "
                    + "answers 204 as well.")
    @APIResponse(responseCode = "204", description = "The session has ended")
    @APIResponse(responseCode = "404", description = "No such session of the caller's (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-not-found", value = NOT_FOUND_EXAMPLE)))
    public Uni<Void> end(@PathParam("id") String id) {
        Caller caller = callers.current();
        if (caller.is(Caller.AGENT)) {
            return sessions.endByAgent(id, caller.name());
        }
        return sessions.endByOperator(id, callers.withTenant());
    }

    @POST
    @Path("/{id}/mode")
    @RolesAllowed(Caller.AGENT)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the session's mode (down to VIEW_ONLY only)",
            description = "The session's agent gives up control at once: SHARED → VIEW_ONLY publishes ModeChanged "
                    + "(the gateway enforces it; clients fetch new join tokens). Asking for the mode the session is "
                    + "in changes nothing. Going up to SHARED needs the visitor's consent, asked for through "
                    + "invite-service: refused here with 409 consent-required.")
    @APIResponse(responseCode = "200", description = "The session, in its (new) mode")
    @APIResponse(responseCode = "400", description = "No or unknown mode (type validation or malformed-request)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such session of the caller's (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-not-found", value = NOT_FOUND_EXAMPLE)))
    @APIResponse(responseCode = "409", description = "SHARED needs the visitor's consent (type consent-required)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "consent-required", value = """
                            {"type": "https://tandem.dev/problems/consent-required", "title": "Visitor consent required",
                             "status": 409, "detail": "going to SHARED needs the visitor's consent: ask for it through invite-service (a mode-change request); the mode changes when the visitor accepts"}""")))
    @APIResponse(responseCode = "410", description = "The session has ended (type session-ended)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-ended", value = ENDED_EXAMPLE)))
    public Uni<SessionView> setMode(@PathParam("id") String id, @Valid @NotNull ModeRequest request) {
        return sessions.setModeByAgent(id, callers.current().name(), request.mode()).map(SessionView::of);
    }

    @GET
    @Path("/{id}/audit")
    @RolesAllowed({Caller.SUPERVISOR, Caller.ADMIN})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get the session's audit trail",
            description = "For supervisors and admins of the session's tenant, live or ended: created, joined/left "
                    + "per side, mode changes, pages visited (without query string and fragment), refused actions, "
                    + "the end and its reason, durations. Never page content, input or pointer data.")
    @APIResponse(responseCode = "200", description = "The audit trail")
    @APIResponse(responseCode = "403", description = "No tenant claim (type no-tenant)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "no-tenant", value = NO_TENANT_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "No such session in the caller's tenant (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "session-not-found", value = NOT_FOUND_EXAMPLE)))
    public Uni<AuditView> audit(@PathParam("id") String id) {
        return sessions.trailFor(id, callers.withTenant()).map(AuditView::of);
    }

    private static RestResponse<JoinTokenView> noStore(SessionService.SessionToken token) {
        return RestResponse.ResponseBuilder.ok(JoinTokenView.of(token))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }
}
