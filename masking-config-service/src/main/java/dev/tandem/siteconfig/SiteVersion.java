package dev.tandem.siteconfig;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** One saved version of a site's configuration (never changed once written). */
@Entity
@Table(name = "site_config_version")
@IdClass(SiteVersion.Key.class)
public class SiteVersion {

    @Id
    @Column(name = "site_id")
    public String siteId;

    @Id
    public long version;

    @Column(nullable = false)
    public boolean enabled;

    @Column(nullable = false)
    public String document;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false)
    public String updatedBy;

    /** The version this one restored, when it was made by a restore. */
    @Column(name = "restored_from")
    public Long restoredFrom;

    public static class Key implements Serializable {
        public String siteId;
        public long version;

        public Key() {
        }

        public Key(String siteId, long version) {
            this.siteId = siteId;
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.version == version && Objects.equals(k.siteId, siteId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(siteId, version);
        }
    }
}
