package dev.tandem.gateway.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.tandem.gateway.config.GatewayConfig;

/** Where the reference agent console finds the identity provider, session-service, invite-service and this gateway. */
@Path("/console/config.json")
public class ConsoleConfigResource {

    public record ConsoleConfig(String keycloakUrl, String realm, String clientId, String sessionsApi,
            String invitesApi, String gatewayUrl) {
    }

    private final GatewayConfig config;

    public ConsoleConfigResource(GatewayConfig config) {
        this.config = config;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ConsoleConfig get() {
        GatewayConfig.Console c = config.console();
        return new ConsoleConfig(c.keycloakUrl(), c.realm(), c.clientId(), c.sessionsApi(), c.invitesApi(), c.publicUrl());
    }
}
