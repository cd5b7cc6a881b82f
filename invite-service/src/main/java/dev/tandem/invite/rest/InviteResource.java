package dev.tandem.invite.rest;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

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
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.invite.domain.SiteRules;
import dev.tandem.invite.service.InviteService;
import dev.tandem.platform.problem.Problem;
import dev.tandem.platform.problem.ProblemException;
import io.smallrye.mutiny.Uni;

/** The chat platform's side: create invites and follow them. The caller's principal name is its tenant. */
@Path("/api/invites")
@Tag(name = "Invites", description = "For chat platforms (role chat-platform)")
@RolesAllowed("chat-platform")
@Produces(MediaType.APPLICATION_JSON)
public class InviteResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Visible US-ASCII, as the IETF Idempotency-Key draft has it; a UUID is a good key. */
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

    private final InviteService invites;
    private final Clock clock;

    public InviteResource(InviteService invites, Clock clock) {
        this.invites = invites;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Invite a visitor to co-browse with an agent",
            description = "Creates a PENDING invite that expires after invite.expiry. The answer carries "
                    + "visitor.credential, the visitor's secret: it is shown in this answer only. An agent has at "
                    + "most one pending invite. With an Idempotency-Key already used by the same caller for the same "
                    + "body, the first invite is returned (200, without the credential) and nothing is created.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "view-only", value = Examples.CREATE_INVITE)))
    @APIResponse(responseCode = "201", description = "Created; Location names the invite",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InviteResponse.class),
                    examples = @ExampleObject(name = "created", value = Examples.INVITE_CREATED)))
    @APIResponse(responseCode = "200", description = "Replayed: the invite this Idempotency-Key created before, without the credential",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InviteResponse.class),
                    examples = @ExampleObject(name = "replayed", value = Examples.INVITE)))
    @APIResponse(responseCode = "400", description = "The body or the Idempotency-Key is not valid (validation, malformed-request)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "mode-not-allowed: the site's config does not allow the mode for "
            + "the agent group; forbidden: not a chat platform; no-tenant: the token has no tenant claim",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "site-not-found: unknown site, or another tenant's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "invite-pending: the agent already has a pending invite; "
            + "agent-in-session: the agent is in a live session; cobrowsing-disabled: co-browsing is off for the site",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "agent-in-session", value = Examples.PROBLEM)))
    @APIResponse(responseCode = "422", description = "idempotency-key-reused: the key was used for a different body",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<InviteResponse>> create(@Valid @NotNull CreateInviteRequest body,
            @Parameter(in = ParameterIn.HEADER, description = "Makes a retried request safe: at most 255 visible "
                    + "ASCII characters, remembered for invite.idempotency.retention")
            @RestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
            @Context SecurityContext security, @Context UriInfo uri) {
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            String rule = "must be 1 to 255 visible ASCII characters";
            return Uni.createFrom().failure(new ProblemException(400, "validation", "Invalid request",
                    IDEMPOTENCY_KEY + ": " + rule, List.of(new Problem.FieldError(IDEMPOTENCY_KEY, rule)),
                    java.util.Map.of()));
        }
        String tenant = Caller.of(security).tenant();
        InviteService.NewInvite request = new InviteService.NewInvite(body.agentId(),
                SiteRules.groupOrDefault(body.agentGroup()), body.chatId(), body.siteId(), body.mode(), body.message());
        return invites.create(tenant, request, idempotencyKey).map(created -> {
            InviteResponse response = InviteResponse.of(created.invite(), clock.instant(), created.credential());
            URI location = uri.getAbsolutePathBuilder().path(response.id()).build();
            RestResponse.ResponseBuilder<InviteResponse> builder = created.replayed()
                    ? RestResponse.ResponseBuilder.ok(response).location(location)
                    : RestResponse.ResponseBuilder.<InviteResponse> created(location).entity(response);
            return builder.header("Cache-Control", "no-store").build();
        });
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Read an invite the caller created",
            description = "The invite without the visitor's credential. An invite of another chat platform is "
                    + "answered like an unknown one.")
    @APIResponse(responseCode = "200", description = "The invite",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InviteResponse.class),
                    examples = @ExampleObject(name = "accepted", value = Examples.INVITE)))
    @APIResponse(responseCode = "404", description = "invite-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<InviteResponse> get(@RestPath String id, @Context SecurityContext security) {
        return invites.findForTenant(Caller.of(security).tenant(), id)
                .map(invite -> InviteResponse.of(invite, clock.instant(), null));
    }
}
