package dev.tandem.invite.support;

import java.util.Map;
import java.util.Set;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * Real signed bearer tokens from the OIDC test server, with the {@code tenant} claim as Keycloak puts it there
 * (a hardcoded claim on a chat platform's client, a user attribute for people).
 */
public final class Tokens {

    /** The tenant of chat platform "chat-a", and of the agents the tests use unless they say otherwise. */
    public static final String TENANT_A = tenantOf("chat-a");

    private static final String AUDIENCE = "https://server.example.com";

    private Tokens() {
    }

    /** A chat platform's client-credentials token (principal service-account-{client}, tenant tenant-{client}). */
    public static String chatPlatform(String client) {
        return token("service-account-" + client, Set.of("chat-platform"), tenantOf(client));
    }

    public static String tenantOf(String client) {
        return "tenant-" + client;
    }

    public static String agent(String agentId) {
        return agent(agentId, TENANT_A);
    }

    public static String agent(String agentId, String tenant) {
        return token(agentId, Set.of("agent"), tenant);
    }

    public static String admin() {
        return token("admin1", Set.of("tandem-admin"), TENANT_A);
    }

    public static String supervisor() {
        return token("supervisor1", Set.of("supervisor"), TENANT_A);
    }

    /** A token with these roles and no tenant claim. */
    public static String withoutTenant(String name, String... roles) {
        return OidcWiremockTestResource.generateJwtToken(name, Set.of(roles), "123456", "Bearer", Set.of(AUDIENCE),
                Map.of());
    }

    public static String token(String name, Set<String> roles, String tenant) {
        return OidcWiremockTestResource.generateJwtToken(name, roles, "123456", "Bearer", Set.of(AUDIENCE),
                Map.of("tenant", tenant));
    }
}
