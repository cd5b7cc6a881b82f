package dev.tandem.invite.rest;

import java.time.Clock;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;
import org.jboss.resteasy.reactive.RestHeader;

import dev.tandem.invite.domain.InviteLifecycle.Answer;
import dev.tandem.invite.service.ModeRequestService;
import dev.tandem.platform.problem.Problem;
import io.smallrye.mutiny.Uni;

/**
 * The visitor answers the agent's request to go shared, proving who they are with the credential of the invite
 * (or visitor request) that created the session. A missing, malformed or unknown credential gets the same 404.
 */
@Path("/api/visitor/mode-request")
@Tag(name = "Visitor", description = "For the visitor's tag (no login; the invite's or request's credential)")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class VisitorModeRequestResource {

    private final ModeRequestService modeRequests;
    private final Clock clock;

    public VisitorModeRequestResource(ModeRequestService modeRequests, Clock clock) {
        this.modeRequests = modeRequests;
        this.clock = clock;
    }

    @GET
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @Operation(summary = "Read the latest mode change request of the visitor's session",
            description = "state PENDING means the agent waits for an answer.")
    @APIResponse(responseCode = "200", description = "The latest request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ModeRequestResponse.class),
                    examples = @ExampleObject(name = "pending", value = Examples.MODE_REQUEST)))
    @APIResponse(responseCode = "404", description = "mode-request-not-found: no or an unknown credential, or no "
            + "request in the session yet",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModeRequestResponse> view(@Parameter(in = ParameterIn.HEADER,
            description = "The credential of the invite or request that created the session")
            @RestHeader(VisitorInviteResource.CREDENTIAL_HEADER) String credential) {
        return modeRequests.latestForVisitor(credential).map(r -> ModeRequestResponse.of(r, clock.instant()));
    }

    @POST
    @Path("/accept")
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @Operation(summary = "Let the agent click, type and navigate (go SHARED)",
            description = "Publishes ModeChangeAnswered(accepted=true); session-service changes the mode.")
    @APIResponse(responseCode = "200", description = "The request, now ACCEPTED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ModeRequestResponse.class),
                    examples = @ExampleObject(name = "accepted", value = Examples.MODE_REQUEST_ACCEPTED)))
    @APIResponse(responseCode = "404", description = "mode-request-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "mode-request-not-pending: answered before or expired",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModeRequestResponse> accept(@Parameter(in = ParameterIn.HEADER,
            description = "The credential of the invite or request that created the session")
            @RestHeader(VisitorInviteResource.CREDENTIAL_HEADER) String credential) {
        return modeRequests.answer(credential, Answer.ACCEPT).map(r -> ModeRequestResponse.of(r, clock.instant()));
    }

    @POST
    @Path("/decline")
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @Operation(summary = "Decline: the agent stays view-only",
            description = "Publishes ModeChangeAnswered(accepted=false).")
    @APIResponse(responseCode = "200", description = "The request, now DECLINED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ModeRequestResponse.class),
                    examples = @ExampleObject(name = "pending", value = Examples.MODE_REQUEST)))
    @APIResponse(responseCode = "404", description = "mode-request-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "mode-request-not-pending: answered before or expired",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModeRequestResponse> decline(@Parameter(in = ParameterIn.HEADER,
            description = "The credential of the invite or request that created the session")
            @RestHeader(VisitorInviteResource.CREDENTIAL_HEADER) String credential) {
        return modeRequests.answer(credential, Answer.DECLINE).map(r -> ModeRequestResponse.of(r, clock.instant()));
    }
}
