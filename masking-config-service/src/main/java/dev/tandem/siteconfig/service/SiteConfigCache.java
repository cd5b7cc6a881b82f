package dev.tandem.siteconfig.service;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.contracts.SiteConfig;

/**
 * The effective configuration of every site, in memory: what the tag's public read is served from.
 * Fed by this replica's own saves, by the compacted {@code tandem.site-config} topic (read from the
 * beginning by every replica, see {@code SiteConfigConsumer}) and, once at start, by the database.
 * A configuration only ever replaces an older version of the same site, so the order in which the three
 * sources arrive does not matter.
 */
@ApplicationScoped
public class SiteConfigCache {

    private final ConcurrentMap<String, SiteConfig> sites = new ConcurrentHashMap<>();
    private volatile boolean warm;

    public Optional<SiteConfig> get(String siteId) {
        return Optional.ofNullable(sites.get(siteId));
    }

    /** Keeps {@code config} unless the same or a newer version of the site is already known. */
    public void offer(SiteConfig config) {
        sites.merge(config.siteId(), config, (known, offered) -> offered.version() > known.version() ? offered : known);
    }

    /** True once every site of the database has been loaded: a miss then means an unknown site. */
    public boolean warm() {
        return warm;
    }

    void markWarm() {
        warm = true;
    }
}
