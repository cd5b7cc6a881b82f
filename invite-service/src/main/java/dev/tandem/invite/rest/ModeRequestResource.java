package dev.tandem.invite.rest;

import java.net.URI;
import java.time.Clock;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.invite.service.ModeRequestService;
import dev.tandem.platform.problem.Problem;
import io.smallrye.mutiny.Uni;

/** The session's agent asks the visitor for consent to go from view-only to shared. */
@Path("/api/mode-requests")
@Tag(name = "Mode changes", description = "Consent to go from view-only to shared (role agent)")
@RolesAllowed("agent")
@Produces(MediaType.APPLICATION_JSON)
public class ModeRequestResource {

    private final ModeRequestService modeRequests;
    private final Clock clock;

    public ModeRequestResource(ModeRequestService modeRequests, Clock clock) {
        this.modeRequests = modeRequests;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ask the visitor to go from view-only to shared",
            description = "Only the session's agent, while the session is live and VIEW_ONLY, and only if the site's "
                    + "config allows SHARED for the agent group the session was created for. One pending request "
                    + "per session; it expires after invite.mode-requests.expiry. Publishes ModeChangeRequested; the "
                    + "answer (or the expiry) is published as ModeChangeAnswered.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "shared", value = Examples.MODE_REQUEST_BODY)))
    @APIResponse(responseCode = "201", description = "Requested; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ModeRequestResponse.class),
                    examples = @ExampleObject(name = "pending", value = Examples.MODE_REQUEST)))
    @APIResponse(responseCode = "400", description = "validation: sessionId missing, mode missing or not SHARED",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "mode-not-allowed; forbidden (not an agent); no-tenant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "session-not-found: unknown, or another agent's or tenant's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "mode-request-pending, mode-unchanged (already SHARED), "
            + "cobrowsing-disabled",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "410", description = "session-ended",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<ModeRequestResponse>> request(@Valid @NotNull ModeRequestBody body,
            @Context SecurityContext security, @Context UriInfo uri) {
        Caller caller = Caller.of(security);
        return modeRequests.request(caller.name(), caller.tenant(), body.sessionId(), body.mode()).map(r -> {
            URI location = uri.getAbsolutePathBuilder().path(r.getId().toString()).build();
            return RestResponse.ResponseBuilder.<ModeRequestResponse> created(location)
                    .entity(ModeRequestResponse.of(r, clock.instant())).build();
        });
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read one of the agent's mode change requests",
            description = "Only the session's agent; for anyone else it does not exist (mode-request-not-found).")
    @APIResponse(responseCode = "200", description = "The request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ModeRequestResponse.class),
                    examples = @ExampleObject(name = "accepted", value = Examples.MODE_REQUEST_ACCEPTED)))
    @APIResponse(responseCode = "404", description = "mode-request-not-found: unknown, or another agent's or tenant's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModeRequestResponse> get(@RestPath String id, @Context SecurityContext security) {
        Caller caller = Caller.of(security);
        return modeRequests.find(caller.name(), caller.tenant(), id)
                .map(r -> ModeRequestResponse.of(r, clock.instant()));
    }
}
