package dev.tandem.siteconfig.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.tandem.siteconfig.config.AdminPageConfig;
import io.vertx.ext.web.Router;

/** Security headers on everything under {@code /admin/}, static files included (a route ahead of all others). */
@ApplicationScoped
public class AdminPageHeaders {

    private final String csp;

    public AdminPageHeaders(AdminPageConfig config) {
        this.csp = AdminPageResource.contentSecurityPolicy(config.keycloakUrl());
    }

    void install(@Observes Router router) {
        router.route("/admin/*").order(Integer.MIN_VALUE).handler(rc -> {
            rc.response().putHeader("Content-Security-Policy", csp)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("Cache-Control", "no-cache");
            rc.next();
        });
    }
}
