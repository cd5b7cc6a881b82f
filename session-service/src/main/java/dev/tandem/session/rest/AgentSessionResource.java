package dev.tandem.session.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.tandem.platform.problem.Problem;
import dev.tandem.session.service.SessionService;
import io.smallrye.mutiny.Uni;

/** The agent console asks which session the signed-in agent is in. */
@Path("/api/agents/me/session")
@Tag(name = "Sessions", description = "Agents (their own session), supervisors and admins (their tenant's)")
@RolesAllowed("agent")
public class AgentSessionResource {

    private final SessionService sessions;

    public AgentSessionResource(SessionService sessions) {
        this.sessions = sessions;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get the caller's live session",
            description = "The session the calling agent is in (waiting for the parties or active); an agent has at "
                    + "most one live session.")
    @APIResponse(responseCode = "200", description = "The caller's live session")
    @APIResponse(responseCode = "404", description = "The caller has no live session (type no-live-session)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AgentSessionView> mySession(@Context SecurityContext caller) {
        return sessions.liveSessionOf(caller.getUserPrincipal().getName()).map(AgentSessionView::of);
    }
}
