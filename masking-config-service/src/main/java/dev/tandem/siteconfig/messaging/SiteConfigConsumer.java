package dev.tandem.siteconfig.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.SiteConfig;
import dev.tandem.siteconfig.service.SiteConfigCache;
import io.quarkus.logging.Log;

/**
 * Keeps this replica's {@link SiteConfigCache} current from the compacted {@code tandem.site-config}
 * topic, so that a save made on another replica reaches this one's tag readers within moments. Each
 * replica reads the whole topic from the beginning with a group of its own and commits nothing.
 */
@ApplicationScoped
public class SiteConfigConsumer {

    private final SiteConfigCache cache;
    private final ObjectMapper json;

    public SiteConfigConsumer(SiteConfigCache cache, ObjectMapper json) {
        this.cache = cache;
        this.json = json;
    }

    @Incoming("site-config-cache")
    public void apply(String payload) {
        if (payload == null) {
            return; // a tombstone: sites are never deleted, nothing to do
        }
        SiteConfig config;
        try {
            config = json.readValue(payload, SiteConfig.class);
        } catch (Exception e) {
            Log.warnf("skipped an unreadable record on tandem.site-config (%s)", e.getClass().getSimpleName());
            return;
        }
        if (config.siteId() == null || config.rules() == null) {
            Log.warn("skipped a record on tandem.site-config without a site id or rules");
            return;
        }
        cache.offer(config);
    }
}
