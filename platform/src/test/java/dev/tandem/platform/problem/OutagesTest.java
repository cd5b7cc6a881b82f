package dev.tandem.platform.problem;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

class OutagesTest {

    @Test
    void theDatabaseAwayIsToldFromOtherFailures() {
        assertTrue(Outages.databaseUnreachable(new CompletionException(new ConnectException("Connection refused"))));
        assertTrue(Outages.databaseUnreachable(new RuntimeException(ClosedConnectionException.INSTANCE)));
        assertTrue(Outages.databaseUnreachable(
                new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)));
        assertTrue(Outages.databaseUnreachable(
                new PgException("the database system is starting up", "FATAL", "57P03", null)));

        assertFalse(Outages.databaseUnreachable(
                new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null)));
        assertFalse(Outages.databaseUnreachable(new IllegalStateException("a bug")));
        assertFalse(Outages.databaseUnreachable(null));
    }
}
