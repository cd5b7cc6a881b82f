package dev.tandem.invite.service;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SiteConfig;
import dev.tandem.invite.Site;
import dev.tandem.invite.domain.SiteRules;
import dev.tandem.invite.repository.SiteRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/** The site-config projection: kept from {@code tandem.site-config}, read when deciding what may be done. */
@ApplicationScoped
public class SiteDirectory {

    private static final TypeReference<Map<String, List<Mode>>> MODES = new TypeReference<>() {
    };

    private final SiteRepository sites;
    private final ObjectMapper json;
    private final Clock clock;

    public SiteDirectory(SiteRepository sites, ObjectMapper json, Clock clock) {
        this.sites = sites;
        this.json = json;
        this.clock = clock;
    }

    /** Stores the config if it is newer than the one known; a replay or an older version changes nothing. */
    @WithTransaction
    public Uni<Boolean> apply(SiteConfig config) {
        String modes;
        try {
            modes = json.writeValueAsString(config.modes() == null ? Map.of() : config.modes());
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("modes cannot be written as JSON", e));
        }
        return sites.upsertIfNewer(config.siteId(), config.tenant(), config.version(), config.enabled(), modes,
                clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .invoke(stored -> {
                    if (stored) {
                        Log.infof("site %s: config version %d (enabled=%s)", config.siteId(), config.version(),
                                config.enabled());
                    }
                });
    }

    @WithTransaction
    public Uni<Boolean> remove(String siteId) {
        return sites.remove(siteId).invoke(removed -> {
            if (removed) {
                Log.infof("site %s: removed", siteId);
            }
        });
    }

    /** The site's rules, or null for a site nobody has configured. Call inside a session or transaction. */
    public Uni<SiteRules> rulesOf(String siteId) {
        return sites.findById(siteId).map(this::rules);
    }

    private SiteRules rules(Site site) {
        if (site == null) {
            return null;
        }
        try {
            return new SiteRules(site.getTenant(), site.isEnabled(), json.readValue(site.getModes(), MODES));
        } catch (JsonProcessingException e) {
            Log.errorf("site %s: stored modes cannot be read; treated as allowing nothing", site.getSiteId());
            return new SiteRules(site.getTenant(), site.isEnabled(), Map.of());
        }
    }
}
