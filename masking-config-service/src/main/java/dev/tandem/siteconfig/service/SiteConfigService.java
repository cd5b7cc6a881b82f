package dev.tandem.siteconfig.service;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.SiteConfig;
import dev.tandem.contracts.Topics;
import dev.tandem.platform.outbox.Outbox;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.siteconfig.Site;
import dev.tandem.siteconfig.domain.BuiltInRules;
import dev.tandem.siteconfig.domain.SiteDocument;
import dev.tandem.siteconfig.repository.SiteRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Reads and saves site configurations. The effective configuration (built-in rules plus the site's)
 * is kept in memory once read, so the tag's hot path does not touch the database; a save replaces it.
 */
@ApplicationScoped
public class SiteConfigService {

    private final SiteRepository sites;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final ConcurrentMap<String, SiteConfig> effective = new ConcurrentHashMap<>();

    public SiteConfigService(SiteRepository sites, Outbox outbox, ObjectMapper json) {
        this.sites = sites;
        this.outbox = outbox;
        this.json = json;
    }

    /** The effective configuration of a site, or a 404 problem. */
    public Uni<SiteConfig> effective(String siteId) {
        SiteConfig cached = effective.get(siteId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return Panache.withSession(() -> sites.findById(siteId))
                .onItem().ifNull().failWith(() -> siteNotFound(siteId))
                .map(this::toConfig)
                .invoke(config -> effective.put(siteId, config));
    }

    /** The configuration of a site of the admin's tenant; another tenant's site reads as missing. */
    @WithSession
    public Uni<SiteConfig> forAdmin(String siteId, String tenant) {
        return sites.findById(siteId)
                .onItem().ifNull().failWith(() -> siteNotFound(siteId))
                .invoke(site -> {
                    if (!site.tenant.equals(tenant)) {
                        throw siteNotFound(siteId);
                    }
                })
                .map(this::toConfig);
    }

    /** Saves a whole new version; publishes it on the compacted site-config topic in the same transaction. */
    @WithTransaction
    public Uni<SiteConfig> save(String siteId, String tenant, boolean enabled, SiteDocument document, String user) {
        return sites.findById(siteId)
                .chain(existing -> {
                    Site site = existing;
                    if (site == null) {
                        site = new Site();
                        site.siteId = siteId;
                        site.tenant = tenant;
                        site.version = 0;
                    } else if (!site.tenant.equals(tenant)) {
                        return Uni.createFrom().failure(siteNotFound(siteId));
                    }
                    site.version += 1;
                    site.enabled = enabled;
                    site.document = write(document);
                    site.updatedAt = Instant.now();
                    site.updatedBy = user;
                    Site saved = site;
                    return sites.persist(saved);
                })
                .map(this::toConfig)
                .call(config -> outbox.add(Topics.SITE_CONFIG, siteId, config))
                .invoke(config -> effective.put(siteId, config));
    }

    private SiteConfig toConfig(Site site) {
        SiteDocument doc = read(site.document);
        return new SiteConfig(UUID.nameUUIDFromBytes((site.siteId + "@" + site.version).getBytes()),
                site.updatedAt, site.siteId, site.tenant, site.version, site.enabled,
                doc.allowedOrigins(), BuiltInRules.withSiteRules(doc.rules()),
                new SiteConfig.Appearance(doc.appearance().borderColor(), doc.appearance().highlightColor(),
                        doc.appearance().matchViewport()),
                doc.modes(), doc.detectors());
    }

    private String write(SiteDocument document) {
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("site document cannot be written", e);
        }
    }

    private SiteDocument read(String document) {
        try {
            return json.readValue(document, SiteDocument.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored site document cannot be read", e);
        }
    }

    private static ProblemException siteNotFound(String siteId) {
        return ProblemException.notFound("site-not-found", "no site '" + siteId + "' is configured");
    }
}
