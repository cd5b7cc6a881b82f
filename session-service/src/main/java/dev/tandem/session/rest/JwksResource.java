package dev.tandem.session.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.tandem.session.service.JoinTokenKeys;

/** The public keys that verify join tokens, for the gateways. */
@Path("/.well-known/jwks.json")
@Tag(name = "Keys", description = "For gateways: the keys that verify join tokens")
@PermitAll
public class JwksResource {

    private final JoinTokenKeys keys;

    public JwksResource(JoinTokenKeys keys) {
        this.keys = keys;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Get the join-token verification keys",
            description = "A JSON Web Key Set (RFC 7517) with the RSA public keys, each named by the kid that join "
                    + "tokens carry in their header. A gateway that meets an unknown kid should fetch it again.")
    @APIResponse(responseCode = "200", description = "The key set")
    public RestResponse<String> jwks() {
        return RestResponse.ResponseBuilder.ok(keys.jwksJson())
                .header(HttpHeaders.CACHE_CONTROL, "public, max-age=300")
                .build();
    }
}
