package dev.tandem.invite.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.tandem.platform.messaging.EventReader;
import dev.tandem.contracts.SiteConfig;
import dev.tandem.invite.service.SiteDirectory;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Reads the compacted topic {@code tandem.site-config} (key = site id, value = the site's whole config) into
 * the site projection. Only a newer version replaces what is known; a tombstone (null value) removes the site.
 */
@ApplicationScoped
public class SiteConfigConsumer {

    static final String CHANNEL = "site-config";

    private final EventReader reader;
    private final SiteDirectory sites;

    public SiteConfigConsumer(EventReader reader, SiteDirectory sites) {
        this.reader = reader;
        this.sites = sites;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, String> record) {
        String key = record.key();
        if (record.value() == null) {
            if (key == null) {
                Log.warnf("%s: skipped a tombstone without key", CHANNEL);
                return Uni.createFrom().voidItem();
            }
            return Retrying.apply("removing site " + key, () -> sites.remove(key));
        }
        return reader.read(record.value(), SiteConfig.class, CHANNEL)
                .filter(config -> usable(config, key))
                .map(config -> Retrying.apply("storing config version " + config.version() + " of site "
                        + config.siteId(), () -> sites.apply(config)))
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    private static boolean usable(SiteConfig config, String key) {
        String problem = key != null && !key.equals(config.siteId()) ? "its key is not its site id"
                : config.tenant() == null || config.tenant().isBlank() ? "it has no tenant"
                : config.version() < 0 ? "its version is negative"
                : null;
        if (problem != null) {
            Log.warnf("%s: skipped config %s: %s", CHANNEL, config.id(), problem);
            return false;
        }
        return true;
    }
}
