package dev.tandem.session.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.platform.problem.Problem;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.session.service.SessionService;
import io.smallrye.mutiny.Uni;

/** The visitor's tag, after the visitor accepted an invite, asks here for its join token. */
@Path("/api/visitor/session-token")
@Tag(name = "Visitor", description = "Anonymous calls from the visitor's tag, authorised by the invite credential")
@PermitAll
public class VisitorSessionResource {

    public static final String CREDENTIAL_HEADER = "Tandem-Invite-Credential";

    private final SessionService sessions;

    public VisitorSessionResource(SessionService sessions) {
        this.sessions = sessions;
    }

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get the visitor's join token",
            description = "Answers the session opened for the invite whose credential is presented, with a fresh "
                    + "join token for the visitor. Call again for a new token before connecting again.")
    @APIResponse(responseCode = "200", description = "The session and a join token for the visitor")
    @APIResponse(responseCode = "400", description = "No credential presented (type missing-credential)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No session for this credential, or not yet (type "
            + "session-not-ready): retry shortly after accepting",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "No session was opened because the agent was in another one "
            + "(type agent-busy): stop waiting; the visitor can ask again in the chat",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "410", description = "The session has ended (type session-ended)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<RestResponse<JoinTokenView>> sessionToken(
            @Parameter(description = "The invite credential the visitor received (never stored; only its SHA-256 is)")
            @HeaderParam(CREDENTIAL_HEADER) String credential) {
        if (credential == null || credential.isBlank()) {
            return Uni.createFrom().failure(ProblemException.badRequest("missing-credential",
                    "send the invite credential in the " + CREDENTIAL_HEADER + " header"));
        }
        return sessions.visitorJoinToken(credential.strip())
                .map(token -> RestResponse.ResponseBuilder.ok(JoinTokenView.of(token))
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .build());
    }
}
