package dev.tandem.invite.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Puts site configs straight into the site projection, as if they had come from tandem.site-config (the
 * consumer itself is tested with real records in SiteConfigConsumerTest).
 */
public final class Sites {

    /** Site of chat platform "chat-a" (tenant-chat-a). */
    public static final String SITE_A = "demo-insurer";
    /** Site of chat platform "chat-b" (tenant-chat-b). */
    public static final String SITE_B = "other-insurer";
    public static final String BOTH_MODES = "{\"default\":[\"VIEW_ONLY\",\"SHARED\"]}";

    private Sites() {
    }

    /** The two tenants' sites, enabled, group "default" allowed both modes. */
    public static void defaults() {
        put(SITE_A, Tokens.TENANT_A, true, BOTH_MODES);
        put(SITE_B, Tokens.tenantOf("chat-b"), true, BOTH_MODES);
    }

    public static void put(String siteId, String tenant, boolean enabled, String modesJson) {
        try (Connection c = Db.connect(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO site_config (site_id, tenant, version, enabled, modes, updated_at)
                VALUES (?, ?, 1, ?, ?, now())
                ON CONFLICT (site_id) DO UPDATE SET tenant = EXCLUDED.tenant, enabled = EXCLUDED.enabled,
                    modes = EXCLUDED.modes, updated_at = now()
                """)) {
            s.setString(1, siteId);
            s.setString(2, tenant);
            s.setBoolean(3, enabled);
            s.setString(4, modesJson);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
