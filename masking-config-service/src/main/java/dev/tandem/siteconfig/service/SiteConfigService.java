package dev.tandem.siteconfig.service;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.SiteConfig;
import dev.tandem.contracts.Topics;
import dev.tandem.platform.outbox.Outbox;
import dev.tandem.platform.problem.Problem.FieldError;
import dev.tandem.platform.problem.ProblemException;
import dev.tandem.siteconfig.Site;
import dev.tandem.siteconfig.SiteVersion;
import dev.tandem.siteconfig.domain.BuiltInRules;
import dev.tandem.siteconfig.domain.SiteDocument;
import dev.tandem.siteconfig.domain.SiteDocumentCheck;
import dev.tandem.siteconfig.repository.SiteRepository;
import dev.tandem.siteconfig.repository.SiteVersionRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * Reads and saves site configurations. Every save is a whole new version, kept in the history and
 * published on the compacted site-config topic in the same transaction (outbox). Writes to an existing
 * site are conditional on the version the admin edited ({@code If-Match}).
 */
@ApplicationScoped
public class SiteConfigService {

    /** A saved configuration and the warnings its document raised. */
    public record Saved(SiteConfig config, List<FieldError> warnings) {
    }

    /** A line of a site's history. */
    public record HistoryEntry(long version, boolean enabled, Instant updatedAt, String updatedBy, Long restoredFrom) {
    }

    /** A site of the admin's tenant, in the list. */
    public record SiteSummary(String siteId, long version, boolean enabled, Instant updatedAt, String updatedBy) {
    }

    private final SiteRepository sites;
    private final SiteVersionRepository versions;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final SiteConfigCache cache;

    public SiteConfigService(SiteRepository sites, SiteVersionRepository versions, Outbox outbox, ObjectMapper json,
            SiteConfigCache cache) {
        this.sites = sites;
        this.versions = versions;
        this.outbox = outbox;
        this.json = json;
        this.cache = cache;
    }

    /** Loads every site into the cache at start, so that the public read never waits for the database. */
    void warm(@Observes StartupEvent start) {
        try {
            List<Site> all = VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> sites.listAll()));
            all.forEach(site -> cache.offer(toConfig(site)));
            cache.markWarm();
            Log.infof("site-config cache warmed with %d sites", all.size());
        } catch (Throwable e) {
            // The topic and the database fallback of effective() still fill the cache.
            Log.warnf("could not warm the site-config cache from the database: %s", e.toString());
        }
    }

    /** The effective configuration of a site, from memory; the database only before the cache is warm. */
    public Uni<SiteConfig> effective(String siteId) {
        var cached = cache.get(siteId);
        if (cached.isPresent()) {
            return Uni.createFrom().item(cached.get());
        }
        if (cache.warm()) {
            return Uni.createFrom().failure(siteNotFound(siteId));
        }
        return Panache.withSession(() -> sites.findById(siteId))
                .onItem().ifNull().failWith(() -> siteNotFound(siteId))
                .map(this::toConfig)
                .invoke(cache::offer);
    }

    /** The configuration of a site of the admin's tenant; another tenant's site reads as missing. */
    @WithSession
    public Uni<SiteConfig> forAdmin(String siteId, String tenant) {
        return ownSite(siteId, tenant, false).map(this::toConfig);
    }

    /** The sites of a tenant, by id. */
    @WithSession
    public Uni<List<SiteSummary>> list(String tenant) {
        return sites.find("tenant = ?1 order by siteId", tenant).list()
                .map(all -> all.stream()
                        .map(s -> new SiteSummary(s.siteId, s.version, s.enabled, s.updatedAt, s.updatedBy))
                        .toList());
    }

    /** Checks a document without saving it. */
    public SiteDocumentCheck check(SiteDocument document) {
        return SiteDocumentCheck.of(document);
    }

    /**
     * Saves a whole new version and publishes it. {@code ifMatch}: the {@code If-Match} header; required
     * for a site that exists (428 without it, 412 when it names another version), refused for one that
     * does not exist yet.
     */
    @WithTransaction
    public Uni<Saved> save(String siteId, String tenant, boolean enabled, SiteDocument document, String user,
            String ifMatch) {
        return save(siteId, tenant, enabled, document, user, ifMatch, null);
    }

    /**
     * As {@link #save(String, String, boolean, SiteDocument, String, String)}, with {@code If-None-Match}: a
     * create-only save ({@code *}) of a site id that is taken (by this tenant or another) gets 412
     * {@code site-exists} and changes nothing.
     */
    @WithTransaction
    public Uni<Saved> save(String siteId, String tenant, boolean enabled, SiteDocument document, String user,
            String ifMatch, String ifNoneMatch) {
        SiteDocumentCheck check = SiteDocumentCheck.of(document);
        if (!check.ok()) {
            return Uni.createFrom().failure(invalid(check, "the configuration was not saved"));
        }
        return sites.findById(siteId, LockModeType.PESSIMISTIC_WRITE)
                .chain(existing -> {
                    Site site = existing;
                    if (site != null && ifNoneMatch != null && noneMatchRefuses(ifNoneMatch, site.version)) {
                        return Uni.createFrom().failure(siteExists(siteId));
                    }
                    if (site == null) {
                        if (ifMatch != null) {
                            return Uni.createFrom().failure(new ProblemException(412, "site-not-created",
                                    "Precondition failed", "site '" + siteId + "' does not exist yet: create it"
                                            + " without If-Match"));
                        }
                        site = new Site();
                        site.siteId = siteId;
                        site.tenant = tenant;
                        site.version = 0;
                    } else {
                        ProblemException refused = refusal(site, tenant, ifMatch);
                        if (refused != null) {
                            return Uni.createFrom().failure(refused);
                        }
                    }
                    return write(site, enabled, write(document), user, null);
                })
                .onFailure(SiteConfigService::duplicateKey).transform(e -> ifNoneMatch != null ? siteExists(siteId)
                        : new ProblemException(412, "stale-version", "Precondition failed", "site '" + siteId
                                + "' was created by someone else at the same time: reload it and save again"))
                .map(config -> new Saved(config, check.warnings()));
    }

    /** Saves an earlier version again, as a new version. Same {@code If-Match} rules as {@link #save}. */
    @WithTransaction
    public Uni<Saved> restore(String siteId, String tenant, long version, String user, String ifMatch) {
        return ownSite(siteId, tenant, true)
                .chain(site -> {
                    ProblemException refused = refusal(site, tenant, ifMatch);
                    if (refused != null) {
                        return Uni.createFrom().failure(refused);
                    }
                    return versions.findById(new SiteVersion.Key(siteId, version))
                            .onItem().ifNull().failWith(() -> versionNotFound(siteId, version))
                            .chain(old -> {
                                SiteDocument document = read(old.document);
                                SiteDocumentCheck check = SiteDocumentCheck.of(document);
                                if (!check.ok()) {
                                    return Uni.createFrom().failure(invalid(check,
                                            "version " + version + " cannot be restored: it breaks today's rules"));
                                }
                                return write(site, old.enabled, old.document, user, version)
                                        .map(config -> new Saved(config, check.warnings()));
                            });
                });
    }

    /** The newest {@code limit} versions of a site of the tenant. */
    @WithSession
    public Uni<List<HistoryEntry>> history(String siteId, String tenant, int limit) {
        return ownSite(siteId, tenant, false)
                .chain(site -> versions.history(siteId, limit))
                .map(list -> list.stream()
                        .map(v -> new HistoryEntry(v.version, v.enabled, v.updatedAt, v.updatedBy, v.restoredFrom))
                        .toList());
    }

    /** One version's document, as it was saved. */
    @WithSession
    public Uni<SiteDocument> version(String siteId, String tenant, long version) {
        return ownSite(siteId, tenant, false)
                .chain(site -> versions.findById(new SiteVersion.Key(siteId, version)))
                .onItem().ifNull().failWith(() -> versionNotFound(siteId, version))
                .map(v -> read(v.document));
    }

    private Uni<Site> ownSite(String siteId, String tenant, boolean lock) {
        Uni<Site> found = lock ? sites.findById(siteId, LockModeType.PESSIMISTIC_WRITE) : sites.findById(siteId);
        return found.onItem().ifNull().failWith(() -> siteNotFound(siteId))
                .invoke(site -> {
                    if (!site.tenant.equals(tenant)) {
                        throw siteNotFound(siteId);
                    }
                });
    }

    /** Why a write to an existing site is refused, or null when it may go ahead. */
    private static ProblemException refusal(Site site, String tenant, String ifMatch) {
        if (!site.tenant.equals(tenant)) {
            return siteNotFound(site.siteId);
        }
        String current = etag(site.version);
        if (ifMatch == null || ifMatch.isBlank()) {
            return new ProblemException(428, "if-match-required", "Precondition required",
                    "site '" + site.siteId + "' exists: send If-Match with the ETag of the version you edited"
                            + " (from GET /api/admin/sites/" + site.siteId + ")",
                    List.of(), Map.of());
        }
        for (String candidate : ifMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.equals(current)) {
                return null;
            }
        }
        return new ProblemException(412, "stale-version", "Precondition failed",
                "site '" + site.siteId + "' has changed since you read it: it is at version " + site.version
                        + " now, your If-Match was " + ifMatch + ". Reload it, apply your change again and save.",
                List.of(), Map.of("ETag", current));
    }

    /** If-None-Match on an existing site: {@code *} or the current version's tag refuses the write. */
    private static boolean noneMatchRefuses(String ifNoneMatch, long version) {
        String current = etag(version);
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(current)) {
                return true;
            }
        }
        return false;
    }

    /** The same answer whichever tenant holds the id: site ids are global, their owners are not told. */
    private static ProblemException siteExists(String siteId) {
        return new ProblemException(412, "site-exists", "Precondition failed", "a site '" + siteId
                + "' exists already: choose another site id", List.of(), Map.of());
    }

    private static boolean duplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException
                    || (t.getMessage() != null && t.getMessage().contains("duplicate key"))) {
                return true;
            }
        }
        return false;
    }

    public static String etag(long version) {
        return "\"v" + version + "\"";
    }

    private Uni<SiteConfig> write(Site site, boolean enabled, String document, String user, Long restoredFrom) {
        site.version += 1;
        site.enabled = enabled;
        site.document = document;
        site.updatedAt = Instant.now();
        site.updatedBy = user;
        SiteVersion row = new SiteVersion();
        row.siteId = site.siteId;
        row.version = site.version;
        row.enabled = enabled;
        row.document = document;
        row.updatedAt = site.updatedAt;
        row.updatedBy = user;
        row.restoredFrom = restoredFrom;
        return sites.persist(site)
                .chain(() -> sites.flush())
                .chain(() -> versions.persist(row))
                .map(ignored -> toConfig(site))
                .call(config -> outbox.add(Topics.SITE_CONFIG, site.siteId, config));
    }

    private static ProblemException invalid(SiteDocumentCheck check, String what) {
        String first = check.errors().get(0).message();
        int more = check.errors().size() - 1;
        return new ProblemException(400, "invalid-site-config", "Invalid site configuration",
                what + ": " + first + (more > 0 ? " (and " + more + " more)" : ""), check.errors(), Map.of());
    }

    SiteConfig toConfig(Site site) {
        SiteDocument doc = read(site.document);
        return new SiteConfig(UUID.nameUUIDFromBytes((site.siteId + "@" + site.version).getBytes()),
                site.updatedAt, site.siteId, site.tenant, site.version, site.enabled,
                doc.allowedOrigins(), BuiltInRules.withSiteRules(doc.rules()),
                new SiteConfig.Appearance(doc.appearance().borderColor(), doc.appearance().highlightColor(),
                        doc.appearance().matchViewport()),
                doc.modes(), doc.detectors(), doc.capture());
    }

    private String write(SiteDocument document) {
        try {
            return json.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("site document cannot be written", e);
        }
    }

    SiteDocument read(String document) {
        try {
            return json.readValue(document, SiteDocument.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored site document cannot be read", e);
        }
    }

    private static ProblemException siteNotFound(String siteId) {
        return ProblemException.notFound("site-not-found", "no site '" + siteId + "' is configured");
    }

    private static ProblemException versionNotFound(String siteId, long version) {
        return ProblemException.notFound("version-not-found", "site '" + siteId + "' has no version " + version);
    }
}
