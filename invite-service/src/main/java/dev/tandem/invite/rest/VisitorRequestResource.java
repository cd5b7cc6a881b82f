package dev.tandem.invite.rest;

import java.time.Clock;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.PermitAll;
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
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.invite.InviteState;
import dev.tandem.invite.domain.SiteRules;
import dev.tandem.invite.service.Problems;
import dev.tandem.invite.service.VisitorRequestService;
import dev.tandem.platform.problem.Problem;
import io.smallrye.mutiny.Uni;

/**
 * Visitor-initiated requests for help: the visitor's page creates one with the chat credential; the chat
 * platform (for an agent) or an agent itself lists and picks them up. Everything is per tenant.
 */
@Path("/api/requests")
@Tag(name = "Visitor requests", description = "A visitor in a chat asks for co-browsing help")
@Produces(MediaType.APPLICATION_JSON)
public class VisitorRequestResource {

    static final String CHAT_CREDENTIAL_HEADER = "Tandem-Chat-Credential";
    private static final List<InviteState> LISTABLE = List.of(InviteState.PENDING, InviteState.ACCEPTED,
            InviteState.EXPIRED);

    private final VisitorRequestService requests;
    private final Clock clock;

    public VisitorRequestResource(VisitorRequestService requests, Clock clock) {
        this.requests = requests;
        this.clock = clock;
    }

    @POST
    @PermitAll
    @Operation(summary = "Ask for co-browsing help (the visitor's page)",
            description = "No login: the chat credential in header Tandem-Chat-Credential is the proof. No body. "
                    + "Answers the request with visitor.credential, the visitor's per-request secret (shown once): "
                    + "with it the visitor reads the request (GET /api/visitor/request) and, once an agent picked it "
                    + "up, fetches its join token from session-service as header Tandem-Invite-Credential. "
                    + "Publishes VisitorRequestCreated. At most one pending request per chat.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VisitorRequestView.class),
                    examples = @ExampleObject(name = "created", value = Examples.REQUEST_CREATED)))
    @APIResponse(responseCode = "404", description = "chat-not-found: missing, malformed, unknown, replaced or "
            + "expired chat credential",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "request-pending: the chat has a pending request; "
            + "cobrowsing-disabled: co-browsing is off for the chat's site",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<VisitorRequestView>> create(
            @Parameter(in = ParameterIn.HEADER, description = "The chat credential the chat platform issued")
            @RestHeader(CHAT_CREDENTIAL_HEADER) String chatCredential) {
        return requests.create(chatCredential).map(created -> RestResponse.ResponseBuilder
                .<VisitorRequestView> create(RestResponse.Status.CREATED)
                .entity(VisitorRequestView.of(created.request(), clock.instant(), created.credential()))
                .header("Cache-Control", "no-store")
                .build());
    }

    @GET
    @RolesAllowed({ "chat-platform", "agent" })
    @Operation(summary = "List the caller's tenant's visitor requests",
            description = "Oldest first, at most invite.requests.list-limit. state is PENDING (default: what can "
                    + "be picked up now), ACCEPTED or EXPIRED.")
    @APIResponse(responseCode = "200", description = "The requests",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VisitorRequestResponse[].class),
                    examples = @ExampleObject(name = "pending", value = Examples.REQUESTS)))
    @APIResponse(responseCode = "400", description = "validation: unknown state",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden (neither chat platform nor agent), no-tenant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<List<VisitorRequestResponse>> list(
            @Parameter(description = "PENDING (default), ACCEPTED or EXPIRED") @RestQuery String state,
            @Context SecurityContext security) {
        Caller caller = Caller.of(security);
        InviteState wanted = state == null ? InviteState.PENDING : parseState(state);
        if (wanted == null) {
            return Uni.createFrom().failure(Problems.validation("state", "must be PENDING, ACCEPTED or EXPIRED"));
        }
        return requests.list(caller.tenant(), wanted)
                .map(found -> found.stream().map(r -> VisitorRequestResponse.of(r, clock.instant())).toList());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ "chat-platform", "agent" })
    @Operation(summary = "Read one of the caller's tenant's visitor requests",
            description = "Another tenant's request is answered like an unknown one.")
    @APIResponse(responseCode = "200", description = "The request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VisitorRequestResponse.class),
                    examples = @ExampleObject(name = "pending", value = Examples.REQUEST)))
    @APIResponse(responseCode = "404", description = "request-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VisitorRequestResponse> get(@RestPath String id, @Context SecurityContext security) {
        return requests.findForTenant(Caller.of(security).tenant(), id)
                .map(r -> VisitorRequestResponse.of(r, clock.instant()));
    }

    @POST
    @Path("/{id}/accept")
    @RolesAllowed({ "chat-platform", "agent" })
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pick up a visitor request for an agent",
            description = "A chat platform names the agent (agentId) and may name its group (agentGroup, default "
                    + "\"default\"); an agent picks a request up for itself (agentId left out or its own user name) "
                    + "in group \"default\". The same rules as an invite: the site must be the tenant's with "
                    + "co-browsing on, the mode allowed for the group, the agent not in a live session and without a "
                    + "pending invite. Publishes VisitorRequestAccepted, on which session-service creates the "
                    + "session.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "for agent2", value = Examples.ACCEPT_REQUEST)))
    @APIResponse(responseCode = "200", description = "Picked up",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VisitorRequestResponse.class),
                    examples = @ExampleObject(name = "accepted", value = Examples.REQUEST_ACCEPTED)))
    @APIResponse(responseCode = "400", description = "validation: agentId missing (chat platform), agentGroup "
            + "given by an agent, or a field breaks a rule",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "mode-not-allowed; agent-mismatch (an agent naming "
            + "another agent); forbidden; no-tenant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "request-not-found",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "request-not-pending, agent-in-session, invite-pending, "
            + "cobrowsing-disabled",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "agent-in-session", value = Examples.PROBLEM)))
    public Uni<VisitorRequestResponse> accept(@RestPath String id, @Valid @NotNull AcceptRequestBody body,
            @Context SecurityContext security) {
        Caller caller = Caller.of(security);
        VisitorRequestService.Pickup pickup;
        if (security.isUserInRole("chat-platform")) {
            if (body.agentId() == null) {
                return Uni.createFrom().failure(Problems.validation("agentId", Dtos.REQUIRED));
            }
            pickup = new VisitorRequestService.Pickup(body.agentId(), SiteRules.groupOrDefault(body.agentGroup()),
                    body.mode());
        } else {
            if (body.agentId() != null && !body.agentId().equals(caller.name())) {
                return Uni.createFrom().failure(Problems.agentMismatch());
            }
            if (body.agentGroup() != null) {
                return Uni.createFrom().failure(Problems.validation("agentGroup", "only a chat platform names the "
                        + "agent group; an agent picking up a request itself works in group default"));
            }
            pickup = new VisitorRequestService.Pickup(caller.name(), SiteRules.DEFAULT_GROUP, body.mode());
        }
        return requests.accept(caller.tenant(), id, pickup).map(r -> VisitorRequestResponse.of(r, clock.instant()));
    }

    private static InviteState parseState(String state) {
        try {
            InviteState parsed = InviteState.valueOf(state.toUpperCase(Locale.ROOT));
            return LISTABLE.contains(parsed) && parsed.name().equals(state) ? parsed : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
