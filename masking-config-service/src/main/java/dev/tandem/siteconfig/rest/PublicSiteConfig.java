package dev.tandem.siteconfig.rest;

import java.util.List;
import java.util.Map;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SiteConfig;

/** What the visitor's tag reads: everything it needs to mask and frame, nothing about the tenant. */
public record PublicSiteConfig(String siteId, long version, boolean enabled, List<String> allowedOrigins,
        List<SiteConfig.Rule> rules, SiteConfig.Appearance appearance, Map<String, List<Mode>> modes,
        SiteConfig.Detectors detectors, SiteConfig.Capture capture) {

    static PublicSiteConfig of(SiteConfig c) {
        return new PublicSiteConfig(c.siteId(), c.version(), c.enabled(), c.allowedOrigins(), c.rules(),
                c.appearance(), c.modes(), c.detectors(), c.capture());
    }
}
