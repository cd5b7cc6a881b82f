package dev.tandem.siteconfig.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SiteConfig;
import dev.tandem.platform.problem.Problem.FieldError;

/**
 * A site as its admins see it: the effective rules (built-in ones flagged {@code builtIn}), who saved the
 * version and when, and the warnings of the save that answered it (empty on reads).
 */
public record AdminSite(String siteId, String tenant, long version, boolean enabled, List<String> allowedOrigins,
        List<SiteConfig.Rule> rules, SiteConfig.Appearance appearance, Map<String, List<Mode>> modes,
        SiteConfig.Detectors detectors, SiteConfig.Capture capture, Instant updatedAt, List<FieldError> warnings) {

    static AdminSite of(SiteConfig c, List<FieldError> warnings) {
        return new AdminSite(c.siteId(), c.tenant(), c.version(), c.enabled(), c.allowedOrigins(), c.rules(),
                c.appearance(), c.modes(), c.detectors(), c.capture(), c.time(), warnings);
    }
}
