package dev.tandem.session;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import dev.tandem.infra.EmbeddedPostgresServer;
import dev.tandem.infra.test.TandemInfraResource;

/** Reads the service's own database directly, to check what must not have happened. */
public final class TestDb {

    private TestDb() {
    }

    public static long count(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(TandemInfraResource.jdbcUrl("sessions"),
                EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String text(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(TandemInfraResource.jdbcUrl("sessions"),
                EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD);
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
