package dev.tandem.session.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.platform.problem.Problem;
import dev.tandem.session.service.SessionService;
import io.smallrye.mutiny.Uni;

/**
 * What the session's agent does with it. A session that is not the caller's is answered exactly like one
 * that does not exist (404 session-not-found), so that nobody can learn which session ids exist.
 */
@Path("/api/sessions/{id}")
@Tag(name = "Agent", description = "Calls from the agent console (OIDC, role agent)")
@RolesAllowed("agent")
public class SessionResource {

    private final SessionService sessions;

    public SessionResource(SessionService sessions) {
        this.sessions = sessions;
    }

    @POST
    @Path("/join-token")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get a join token for the session's agent",
            description = "A fresh join token for the calling agent, who must be the session's agent.")
    @APIResponse(responseCode = "200", description = "The session and a join token for the agent")
    @APIResponse(responseCode = "404", description = "No such session of the caller's (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "410", description = "The session has ended (type session-ended)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<JoinTokenView>> joinToken(@PathParam("id") String id, @Context SecurityContext caller) {
        return sessions.agentJoinToken(id, caller.getUserPrincipal().getName())
                .map(token -> RestResponse.ResponseBuilder.ok(JoinTokenView.of(token))
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .build());
    }

    @POST
    @Path("/end")
    @Operation(summary = "End the session",
            description = "Ends the session for both parties (reason AGENT_ENDED). Ending an ended session "
                    + "changes nothing and answers 204 as well.")
    @APIResponse(responseCode = "204", description = "The session has ended")
    @APIResponse(responseCode = "404", description = "No such session of the caller's (type session-not-found)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Void> end(@PathParam("id") String id, @Context SecurityContext caller) {
        return sessions.endByAgent(id, caller.getUserPrincipal().getName());
    }
}
