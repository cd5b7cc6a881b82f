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
        Detectors detectors) implements Event {

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

    public String siteId() {
        return aggregateId;
    }
}
