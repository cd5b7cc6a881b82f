package dev.tandem.invite.support;

import java.util.Set;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/** Real signed bearer tokens from the OIDC test server. */
public final class Tokens {

    private Tokens() {
    }

    /** A chat platform's client-credentials token; its principal name (the tenant) is service-account-{client}. */
    public static String chatPlatform(String client) {
        return OidcWiremockTestResource.getAccessToken(tenantOf(client), Set.of("chat-platform"));
    }

    public static String tenantOf(String client) {
        return "service-account-" + client;
    }

    public static String agent(String agentId) {
        return OidcWiremockTestResource.getAccessToken(agentId, Set.of("agent"));
    }
}
