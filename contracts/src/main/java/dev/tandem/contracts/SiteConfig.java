package dev.tandem.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole current configuration of a site, as published on the compacted
 * {@code tandem.site-config} topic (key: site id) and served to the visitor's tag. Each save is a new
 * {@code version}.
 */
public record SiteConfig(UUID id, Instant time, String aggregateId, String tenant, long version, boolean enabled,
        List<String> allowedOrigins, List<Rule> rules, Appearance appearance, Map<String, List<Mode>> modes,
        Detectors detectors, Capture capture) implements Event {

    /** A config published before {@code capture} existed reads as capturing nothing beyond the DOM. */
    public SiteConfig {
        capture = capture == null ? Capture.NONE : capture;
    }

    public enum RuleKind {
        MASK,
        BLOCK,
        NO_AGENT_CONTROL
    }

    public record Rule(RuleKind kind, String selector, String note, boolean builtIn) {
    }

    public record Appearance(String borderColor, String highlightColor, boolean matchViewport) {
    }

    public record Detectors(boolean cardNumbers, boolean usSsn) {
    }

    /**
     * What the tag captures beyond the DOM, where the site allows it: {@code canvas}, pictures of
     * {@code <canvas>} elements (masked, blocked and tainted ones never). Off unless the admin turns it on.
     */
    public record Capture(boolean canvas) {
        public static final Capture NONE = new Capture(false);
    }

    public String siteId() {
        return aggregateId;
    }
}
