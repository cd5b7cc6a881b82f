package dev.tandem.invite;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * invite-service's projection of a site's configuration from the compacted topic {@code tandem.site-config}
 * (written by {@code service.SiteDirectory} only): whose site it is, whether co-browsing is on, and the modes
 * per agent group as JSON.
 */
@Entity
@Table(name = "site_config")
public class Site {

    @Id
    @Column(name = "site_id")
    private String siteId;

    private String tenant;

    private long version;

    private boolean enabled;

    /** JSON object: agent group to the list of allowed modes. */
    private String modes;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected Site() {
        // for Hibernate
    }

    public String getSiteId() {
        return siteId;
    }

    public String getTenant() {
        return tenant;
    }

    public long getVersion() {
        return version;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public String getModes() {
        return modes;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
