package dev.tandem.siteconfig;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A site's current configuration: the aggregate of this context. */
@Entity
@Table(name = "site_config")
public class Site {

    @Id
    @Column(name = "site_id")
    public String siteId;

    @Column(nullable = false)
    public String tenant;

    @Column(nullable = false)
    public long version;

    @Column(nullable = false)
    public boolean enabled;

    /** The editable part ({@link dev.tandem.siteconfig.domain.SiteDocument}) as JSON. */
    @Column(nullable = false)
    public String document;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;
}
