package dev.tandem.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.SiteConfig;
import dev.tandem.gateway.security.SiteOrigins;
import io.quarkus.logging.Log;

/**
 * Reads the compacted {@code tandem.site-config} from its beginning, in a group of its own per replica,
 * and keeps each site's allowed origins for the visitor handshake. A tombstone forgets the site.
 */
@ApplicationScoped
public class SiteConfigConsumer {

    private final SiteOrigins origins;
    private final ObjectMapper json;

    public SiteConfigConsumer(SiteOrigins origins, ObjectMapper json) {
        this.origins = origins;
        this.json = json;
    }

    @Incoming("site-config")
    public void consume(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                origins.forget(record.key());
            }
            return;
        }
        try {
            SiteConfig config = json.readValue(record.value(), SiteConfig.class);
            // a disabled site takes no visitors at all
            origins.site(config.siteId(), config.enabled() ? config.allowedOrigins() : java.util.List.of());
        } catch (Exception e) {
            Log.warnf("skipped a site config that cannot be read (%s)", e.getClass().getSimpleName());
        }
    }
}
