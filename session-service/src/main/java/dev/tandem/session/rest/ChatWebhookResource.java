package dev.tandem.session.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.tandem.platform.problem.Problem;
import dev.tandem.session.service.Caller;
import dev.tandem.session.service.SessionService;
import io.smallrye.mutiny.Uni;

/** The chat platform says a chat ended (the alternative to a ChatEnded on tandem.chat-events). */
@Path("/api/chats/{chatId}/ended")
@Tag(name = "Chat platform", description = "Calls from chat platforms (OIDC client credentials, role chat-platform)")
public class ChatWebhookResource {

    private final SessionService sessions;
    private final Callers callers;

    public ChatWebhookResource(SessionService sessions, Callers callers) {
        this.sessions = sessions;
        this.callers = callers;
    }

    @POST
    @RolesAllowed(Caller.CHAT_PLATFORM)
    @Operation(summary = "Tell Tandem a chat ended",
            description = "Ends the live sessions of this chat that belong to the caller's tenant (reason CHAT_ENDED; "
                    + "SessionEnded is published once per session). Idempotent: the answer is 204 whether or not a "
                    + "session was live, so it reveals nothing and can be retried freely.")
    @APIResponse(responseCode = "204", description = "Done (whether or not a session was live)")
    @APIResponse(responseCode = "403", description = "Not a chat platform, or no tenant claim (type no-tenant)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "no-tenant", value = SessionResource.NO_TENANT_EXAMPLE)))
    public Uni<Void> chatEnded(@Parameter(example = "chat-4711") @PathParam("chatId") String chatId) {
        Caller platform = callers.withTenant();
        return sessions.endChat(null, chatId, platform.tenant()).replaceWithVoid();
    }
}
