package dev.tandem.session.service;

import java.util.Set;

/**
 * Who calls the REST API: the principal name (the agent id for agents), the roles, and the tenant (the
 * {@code tenant} claim of the token; {@code null} when the token has none).
 */
public record Caller(String name, Set<String> roles, String tenant) {

    public static final String AGENT = "agent";
    public static final String SUPERVISOR = "supervisor";
    public static final String ADMIN = "tandem-admin";
    public static final String CHAT_PLATFORM = "chat-platform";

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean is(String role) {
        return roles.contains(role);
    }

    /** A supervisor or an admin of {@code sessionTenant}: may look at that tenant's sessions and their trails. */
    public boolean overseesTenant(String sessionTenant) {
        return (is(SUPERVISOR) || is(ADMIN)) && tenant != null && tenant.equals(sessionTenant);
    }
}
