package dev.tandem.siteconfig.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The admin page served at {@code /admin/}: where the browser signs the admin in. The page reads these
 * from {@code /admin/config.json}; the Keycloak URL is also the only other origin its CSP lets it call.
 */
@ConfigMapping(prefix = "tandem.admin-page")
public interface AdminPageConfig {

    /** Keycloak's address as the admin's browser reaches it (scheme, host, port; no path). */
    @WithDefault("http://localhost:8180")
    String keycloakUrl();

    @WithDefault("tandem")
    String realm();

    /** The realm's public client for the page (authorization code + PKCE). */
    @WithDefault("tandem-admin")
    String clientId();

    /**
     * Whether the preview may load pages from loopback, private and link-local addresses. Off in
     * production (an admin must not make the service read its own network); on for local stacks, whose
     * sites are on localhost.
     */
    @WithDefault("false")
    boolean previewPrivateAddresses();
}
