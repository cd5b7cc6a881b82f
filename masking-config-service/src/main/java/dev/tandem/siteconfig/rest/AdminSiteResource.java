package dev.tandem.siteconfig.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.tandem.contracts.SiteConfig;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.siteconfig.domain.SiteDocument;
import dev.tandem.siteconfig.service.SiteConfigService;
import io.smallrye.mutiny.Uni;

/** Site administration for the admins of a tenant (role {@code tandem-admin}, claim {@code tenant}). */
@Path("/api/admin/sites/{siteId}")
@RolesAllowed("tandem-admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminSiteResource {

    public record SaveSite(boolean enabled, @NotNull @Valid SiteDocument document) {
    }

    private final SiteConfigService service;
    private final JsonWebToken token;

    public AdminSiteResource(SiteConfigService service, JsonWebToken token) {
        this.service = service;
        this.token = token;
    }

    @GET
    @Operation(summary = "The site's current configuration, built-in rules included")
    public Uni<SiteConfig> get(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId) {
        return service.forAdmin(siteId, tenant());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Save the site's whole configuration as a new version")
    public Uni<SiteConfig> save(@PathParam("siteId") @Pattern(regexp = SITE_ID) String siteId,
            @NotNull @Valid SaveSite body) {
        return service.save(siteId, tenant(), body.enabled(), body.document(), token.getName());
    }

    static final String SITE_ID = "[a-z0-9][a-z0-9-]{0,62}";

    private String tenant() {
        String tenant = token.getClaim("tenant");
        if (tenant == null || tenant.isBlank()) {
            throw ProblemException.forbidden("no-tenant", "the admin's token names no tenant");
        }
        return tenant;
    }
}
