package dev.tandem.siteconfig.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tandem.contracts.SiteConfig;

class SiteConfigCacheTest {

    static SiteConfig config(String siteId, long version) {
        return new SiteConfig(UUID.randomUUID(), Instant.now(), siteId, "acme", version, true, List.of(), List.of(),
                new SiteConfig.Appearance("#000000", "#ffffff", true), Map.of(), new SiteConfig.Detectors(true, true), null);
    }

    @Test
    void anOlderVersionArrivingLateNeverReplacesANewerOne() {
        SiteConfigCache cache = new SiteConfigCache();
        assertTrue(cache.get("a").isEmpty());
        cache.offer(config("a", 2));
        cache.offer(config("a", 1));
        cache.offer(config("a", 2));
        assertEquals(2, cache.get("a").orElseThrow().version());
        cache.offer(config("a", 3));
        assertEquals(3, cache.get("a").orElseThrow().version());
        cache.offer(config("b", 1));
        assertEquals(1, cache.get("b").orElseThrow().version());
    }
}
