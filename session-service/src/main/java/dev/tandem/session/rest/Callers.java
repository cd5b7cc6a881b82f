package dev.tandem.session.rest;

import jakarta.enterprise.context.RequestScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.tandem.platform.problem.ProblemException;
import dev.tandem.session.service.Caller;
import io.quarkus.security.identity.SecurityIdentity;

/** The caller of the current request, with the tenant from the {@code tenant} claim of its token. */
@RequestScoped
public class Callers {

    public static final String TENANT_CLAIM = "tenant";

    private final SecurityIdentity identity;

    public Callers(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller; its tenant may be null. */
    public Caller current() {
        String tenant = null;
        if (identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getClaim(TENANT_CLAIM) != null) {
            String value = jwt.getClaim(TENANT_CLAIM).toString().strip();
            // a JSON string claim may come back quoted, depending on how it was read
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            tenant = value.isEmpty() ? null : value;
        }
        return new Caller(identity.getPrincipal().getName(), identity.getRoles(), tenant);
    }

    /** The caller, who must have a tenant: 403 {@code no-tenant} otherwise. */
    public Caller withTenant() {
        Caller caller = current();
        if (caller.tenant() == null) {
            throw ProblemException.forbidden("no-tenant", "your token has no 'tenant' claim: ask your identity "
                    + "provider's administrator to give your account or client a tenant");
        }
        return caller;
    }
}
