package dev.tandem.siteconfig.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.siteconfig.SiteVersion;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class SiteVersionRepository implements PanacheRepositoryBase<SiteVersion, SiteVersion.Key> {

    /** The newest versions first. */
    public Uni<List<SiteVersion>> history(String siteId, int limit) {
        return find("siteId = ?1 order by version desc", siteId).page(Page.ofSize(limit)).list();
    }
}
