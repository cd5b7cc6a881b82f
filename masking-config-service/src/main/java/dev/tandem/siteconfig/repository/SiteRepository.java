package dev.tandem.siteconfig.repository;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.siteconfig.Site;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SiteRepository implements PanacheRepositoryBase<Site, String> {
}
