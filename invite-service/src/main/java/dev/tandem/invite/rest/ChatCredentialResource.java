package dev.tandem.invite.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.invite.service.VisitorRequestService;
import dev.tandem.platform.problem.Problem;
import io.smallrye.mutiny.Uni;

/** A chat platform issues the credential with which the visitor's page of a chat may ask for help. */
@Path("/api/chat-credentials")
@Tag(name = "Visitor requests", description = "A visitor in a chat asks for co-browsing help")
@RolesAllowed("chat-platform")
@Produces(MediaType.APPLICATION_JSON)
public class ChatCredentialResource {

    private final VisitorRequestService requests;

    public ChatCredentialResource(VisitorRequestService requests) {
        this.requests = requests;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue the chat credential for a chat's visitor",
            description = "Returns a credential, shown once, that the visitor's page sends as header "
                    + "Tandem-Chat-Credential to POST /api/requests. Only its SHA-256 is stored. A new one for the "
                    + "same chat replaces the old one; it expires after invite.requests.chat-credential-lifetime.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "site", value = Examples.CHAT_CREDENTIAL_REQUEST)))
    @APIResponse(responseCode = "201", description = "Issued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ChatCredentialResponse.class),
                    examples = @ExampleObject(name = "issued", value = Examples.CHAT_CREDENTIAL)))
    @APIResponse(responseCode = "400", description = "validation: chatId or siteId breaks a rule",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "forbidden (not a chat platform), no-tenant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "site-not-found: unknown site or another tenant's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "cobrowsing-disabled: co-browsing is off for the site",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<ChatCredentialResponse>> issue(@Valid @NotNull ChatCredentialRequest body,
            @Context SecurityContext security) {
        Caller caller = Caller.of(security);
        return requests.issueChatCredential(caller.tenant(), body.chatId(), body.siteId())
                .map(issued -> RestResponse.ResponseBuilder.<ChatCredentialResponse> create(RestResponse.Status.CREATED)
                        .entity(new ChatCredentialResponse(issued.chatId(), issued.siteId(), issued.credential(),
                                issued.expiresAt()))
                        .header("Cache-Control", "no-store")
                        .build());
    }
}
