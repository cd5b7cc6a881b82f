package dev.tandem.platform.problem;

import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a failure because PostgreSQL cannot be reached (refused, closed, shutting down or starting up) from
 * every other failure. The first kind passes by itself: a request gets 503 with {@code Retry-After}, and a
 * consumer keeps retrying the event rather than skipping it.
 */
public final class Outages {

    private Outages() {
    }

    public static boolean databaseUnreachable(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof ConnectException || t instanceof ClosedConnectionException
                    || t instanceof ClosedChannelException || t instanceof SocketException) {
                return true;
            }
            // 08xxx: connection exception; 57P01..57P03: admin shutdown, crash shutdown, cannot connect now.
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
