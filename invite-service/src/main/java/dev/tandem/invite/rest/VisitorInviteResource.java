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
import dev.tandem.invite.service.InviteService;
import dev.tandem.platform.problem.Problem;
import io.smallrye.mutiny.Uni;

/**
 * The visitor's side, called by the tag from the brand's page. No login: the credential in the header
 * {@value #CREDENTIAL_HEADER} is the only proof, compared by its hash. A missing, malformed or unknown
 * credential gets the same 404, so an answer never tells which.
 */
@Path("/api/visitor/invite")
@Tag(name = "Visitor", description = "For the visitor's tag (no login; the invite's credential)")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class VisitorInviteResource {

    static final String CREDENTIAL_HEADER = "Tandem-Invite-Credential";

    private final InviteService invites;
    private final Clock clock;

    public VisitorInviteResource(InviteService invites, Clock clock) {
        this.invites = invites;
        this.clock = clock;
    }

    @GET
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @Operation(summary = "Read the invite the visitor holds the credential of")
    @APIResponse(responseCode = "200", description = "The invite; state EXPIRED once its time is up",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VisitorInviteView.class),
                    examples = @ExampleObject(name = "invite", value = Examples.VISITOR_INVITE)))
    @APIResponse(responseCode = "404", description = "invite-not-found: no or an unknown credential",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VisitorInviteView> view(@Parameter(in = ParameterIn.HEADER, description = "The invite's credential")
            @RestHeader(CREDENTIAL_HEADER) String credential) {
        return invites.findForVisitor(credential).map(invite -> VisitorInviteView.of(invite, clock.instant()));
    }

    @POST
    @Path("/accept")
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @Operation(summary = "Accept the invite: co-browse with the agent",
            description = "Publishes InviteAccepted, on which session-service creates the session.")
    @APIResponse(responseCode = "200", description = "The invite, now ACCEPTED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VisitorInviteView.class),
                    examples = @ExampleObject(name = "invite", value = Examples.VISITOR_INVITE)))
    @APIResponse(responseCode = "404", description = "invite-not-found: no or an unknown credential",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "invite-not-pending: answered before or expired; nothing changed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VisitorInviteView> accept(@Parameter(in = ParameterIn.HEADER, description = "The invite's credential")
            @RestHeader(CREDENTIAL_HEADER) String credential) {
        return invites.answer(credential, Answer.ACCEPT).map(invite -> VisitorInviteView.of(invite, clock.instant()));
    }

    @POST
    @Path("/decline")
    @ResponseHeader(name = "Cache-Control", value = "no-store")
    @Operation(summary = "Decline the invite", description = "Publishes InviteRejected.")
    @APIResponse(responseCode = "200", description = "The invite, now DECLINED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VisitorInviteView.class),
                    examples = @ExampleObject(name = "invite", value = Examples.VISITOR_INVITE)))
    @APIResponse(responseCode = "404", description = "invite-not-found: no or an unknown credential",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "invite-not-pending: answered before or expired; nothing changed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VisitorInviteView> decline(@Parameter(in = ParameterIn.HEADER, description = "The invite's credential")
            @RestHeader(CREDENTIAL_HEADER) String credential) {
        return invites.answer(credential, Answer.DECLINE).map(invite -> VisitorInviteView.of(invite, clock.instant()));
    }
}
