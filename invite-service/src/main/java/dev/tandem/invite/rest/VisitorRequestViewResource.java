package dev.tandem.invite.rest;

import java.time.Clock;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
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

import dev.tandem.invite.service.VisitorRequestService;
import dev.tandem.platform.problem.Problem;
import io.smallrye.mutiny.Uni;

/** The visitor's page follows its request with the per-request credential. */
@Path("/api/visitor/request")
@Tag(name = "Visitor", description = "For the visitor's tag (no login; the invite's or request's credential)")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class VisitorRequestViewResource {

    private final VisitorRequestService requests;
    private final Clock clock;

    public VisitorRequestViewResource(VisitorRequestService requests, Clock clock) {
        this.requests = requests;
        this.clock = clock;
    }

    @GET
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @Operation(summary = "Read the visitor request the visitor holds the credential of",
            description = "Once ACCEPTED, the visitor fetches its join token from session-service with the same "
                    + "credential as header Tandem-Invite-Credential.")
    @APIResponse(responseCode = "200", description = "The request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VisitorRequestView.class),
                    examples = @ExampleObject(name = "accepted", value = Examples.VISITOR_REQUEST_VIEW)))
    @APIResponse(responseCode = "404", description = "request-not-found: no or an unknown credential",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VisitorRequestView> view(@Parameter(in = ParameterIn.HEADER, description = "The request's credential")
            @RestHeader(VisitorInviteResource.CREDENTIAL_HEADER) String credential) {
        return requests.findForVisitor(credential).map(r -> VisitorRequestView.of(r, clock.instant(), null));
    }
}
