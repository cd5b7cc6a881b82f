package dev.tandem.session.timeout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tandem.infra.EmbeddedPostgresServer;
import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.session.TestDb;
import dev.tandem.session.TestEvents;
import dev.tandem.session.TestKafka;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/** Each timeout ends its session with its reason, once; what should postpone or cancel a timeout does. */
@QuarkusTest
@TestProfile(ShortTimeouts.class)
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class TimeoutsTest {

    static final Duration WAIT = Duration.ofSeconds(45);

    @Test
    void nobodyJoiningEndsTheSessionAfterTheJoinWindow() {
        Instant opened = Instant.now();
        String id = TimeoutScenarios.nobodyJoins();
        assertEquals("JOIN_TIMEOUT", TimeoutScenarios.awaitEnded(id, WAIT));
        assertTrue(endedAt(id).isAfter(opened.plusSeconds(ShortTimeouts.JOIN_SECONDS - 1)), "not before the window");
    }

    @Test
    void onlyOneSideJoiningEndsTheSessionAfterTheJoinWindow() {
        String id = TimeoutScenarios.nobodyJoins();
        TimeoutScenarios.send(id, TestEvents.gateway("Connected", id, "VISITOR"));
        assertEquals("JOIN_TIMEOUT", TimeoutScenarios.awaitEnded(id, WAIT));
    }

    @Test
    void noActivityEndsAnActiveSession() {
        String id = TimeoutScenarios.bothJoinedThenSilence();
        assertEquals("INACTIVITY_TIMEOUT", TimeoutScenarios.awaitEnded(id, WAIT));
    }

    @Test
    void activityKeepsTheSessionGoing() {
        String id = TimeoutScenarios.bothJoinedThenSilence();
        Instant until = Instant.now().plusSeconds(ShortTimeouts.INACTIVITY_SECONDS + 3);
        while (Instant.now().isBefore(until)) {
            TestKafka.awaitConsumed(TimeoutScenarios.send(id, TestEvents.activity(id)));
            await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        }
        assertEquals("ACTIVE", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", id),
                "alive past the inactivity timeout thanks to the activity");
        assertEquals("INACTIVITY_TIMEOUT", TimeoutScenarios.awaitEnded(id, WAIT), "and ends once it stops");
    }

    @Test
    void theAgentAwayLongerThanItsGraceEndsTheSession() {
        String id = TimeoutScenarios.bothJoinedThenAway("AGENT");
        assertEquals("AGENT_AWAY", TimeoutScenarios.awaitEnded(id, WAIT));
    }

    @Test
    void theVisitorAwayLongerThanItsGraceEndsTheSession() {
        String id = TimeoutScenarios.bothJoinedThenAway("VISITOR");
        assertEquals("VISITOR_AWAY", TimeoutScenarios.awaitEnded(id, WAIT));
    }

    @Test
    void aPageLoadIsNotAnEnd() {
        String id = TimeoutScenarios.bothJoinedThenSilence();
        TimeoutScenarios.send(id, TestEvents.gateway("Disconnected", id, "VISITOR"));
        TestKafka.awaitConsumed(TimeoutScenarios.send(id, TestEvents.gateway("Connected", id, "VISITOR")));
        assertEquals(null, TestDb.text("SELECT visitor_away_deadline::text FROM cobrowse_session WHERE id = ?::uuid", id),
                "coming back cleared the away deadline");
        // it does end in the end, but of inactivity, not because the visitor was away
        assertEquals("INACTIVITY_TIMEOUT", TimeoutScenarios.awaitEnded(id, WAIT));
    }

    /**
     * A due session another transaction holds (another replica's sweep, an event being applied) is skipped,
     * not waited for and not ended twice; the sweep goes on with the others and takes it once it is free.
     */
    @Test
    void aDueSessionAnotherTransactionHoldsIsSkippedThenEndedOnce() throws Exception {
        String held = TimeoutScenarios.nobodyJoins();
        try (Connection replica = DriverManager.getConnection(TandemInfraResource.jdbcUrl("sessions"),
                EmbeddedPostgresServer.USER, EmbeddedPostgresServer.PASSWORD)) {
            replica.setAutoCommit(false);
            try (PreparedStatement lock = replica.prepareStatement(
                    "SELECT id FROM cobrowse_session WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, UUID.fromString(held));
                lock.executeQuery().close();
            }
            String free = TimeoutScenarios.nobodyJoins();
            assertEquals("JOIN_TIMEOUT", TimeoutScenarios.awaitEnded(free, WAIT), "the sweep went past the held row");
            assertEquals("WAITING", TestDb.text("SELECT state FROM cobrowse_session WHERE id = ?::uuid", held));
            replica.rollback();
        }
        assertEquals("JOIN_TIMEOUT", TimeoutScenarios.awaitEnded(held, WAIT));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> TestKafka.sessionEvents(held, "SessionEnded").size(), n -> n == 1);
    }

    static Instant endedAt(String id) {
        return OffsetDateTime.parse(TestDb.text(
                "SELECT to_char(ended_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM cobrowse_session "
                        + "WHERE id = ?::uuid", id)).toInstant();
    }
}
