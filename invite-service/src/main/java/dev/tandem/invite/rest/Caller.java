package dev.tandem.invite.rest;

import java.security.Principal;

import jakarta.json.JsonString;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.tandem.invite.service.Problems;

/**
 * Who calls: the principal name (an agent's user name; {@code service-account-<client>} for a chat
 * platform) and the tenant from the token's {@code tenant} claim. A token without one gets 403 no-tenant.
 */
record Caller(String name, String tenant) {

    static final String TENANT_CLAIM = "tenant";

    static Caller of(SecurityContext security) {
        Principal principal = security.getUserPrincipal();
        String tenant = principal instanceof JsonWebToken jwt ? text(jwt.getClaim(TENANT_CLAIM)) : null;
        if (tenant == null || tenant.isBlank()) {
            throw Problems.noTenant();
        }
        return new Caller(principal.getName(), tenant);
    }

    private static String text(Object claim) {
        return switch (claim) {
            case null -> null;
            case String s -> s;
            case JsonString s -> s.getString();
            default -> null;
        };
    }
}
