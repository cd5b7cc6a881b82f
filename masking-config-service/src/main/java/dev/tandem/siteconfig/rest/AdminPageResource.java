package dev.tandem.siteconfig.rest;

import java.net.URI;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import dev.tandem.siteconfig.config.AdminPageConfig;

/**
 * The admin web page: its static files ({@code META-INF/resources/admin/}, from the web module's build)
 * and {@code /admin/config.json}, where the page finds Keycloak. Everything under {@code /admin/} is
 * answered with a strict Content-Security-Policy ({@link AdminPageHeaders}).
 */
@Path("/admin")
@PermitAll
public class AdminPageResource {

    public record AdminPageSettings(String keycloakUrl, String realm, String clientId) {
    }

    private final AdminPageConfig config;

    public AdminPageResource(AdminPageConfig config) {
        this.config = config;
    }

    @GET
    @Path("/config.json")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Where the admin page signs in (Keycloak address, realm, public client)", hidden = true)
    public AdminPageSettings settings() {
        return new AdminPageSettings(config.keycloakUrl(), config.realm(), config.clientId());
    }

    /**
     * The page's policy: its own scripts only; calls to this service and Keycloak only; the preview's
     * sample pages run no script (sandboxed frame) and load nothing from elsewhere. Inline styles are
     * allowed for the sample pages' own {@code <style>}s.
     */
    public static String contentSecurityPolicy(String keycloakUrl) {
        return "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "font-src 'self'; connect-src 'self' " + origin(keycloakUrl) + "; frame-src 'self'; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
    }

    static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
