package dev.tandem.invite.repository;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.invite.Site;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class SiteRepository implements PanacheRepositoryBase<Site, String> {

    /**
     * Stores a site's configuration unless the stored one has the same or a newer version; true if stored.
     * One statement, so two replicas (or a replay) can never put an older version over a newer one.
     */
    public Uni<Boolean> upsertIfNewer(String siteId, String tenant, long version, boolean enabled, String modesJson,
            Instant now) {
        return getSession().chain(s -> s.createNativeQuery("""
                INSERT INTO site_config (site_id, tenant, version, enabled, modes, updated_at)
                VALUES (:siteId, :tenant, :version, :enabled, :modes, :now)
                ON CONFLICT (site_id) DO UPDATE
                SET tenant = EXCLUDED.tenant, version = EXCLUDED.version, enabled = EXCLUDED.enabled,
                    modes = EXCLUDED.modes, updated_at = EXCLUDED.updated_at
                WHERE site_config.version < EXCLUDED.version
                """)
                .setParameter("siteId", siteId)
                .setParameter("tenant", tenant)
                .setParameter("version", version)
                .setParameter("enabled", enabled)
                .setParameter("modes", modesJson)
                .setParameter("now", now)
                .executeUpdate())
                .map(changed -> changed == 1);
    }

    /** A tombstone on the compacted topic: the site is gone. */
    public Uni<Boolean> remove(String siteId) {
        return getSession().chain(s -> s.createNativeQuery("DELETE FROM site_config WHERE site_id = :siteId")
                .setParameter("siteId", siteId)
                .executeUpdate())
                .map(changed -> changed == 1);
    }
}
