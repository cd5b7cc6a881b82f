package dev.tandem.session.timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.session.TestDb;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The first half of "each timeout fires, also after a restart in the middle of the wait": this instance of the
 * service starts one wait of each kind and is stopped while they run. Quarkus restarts the service for the
 * next test class, whose profile differs ({@link RestartMidWait2Test}, which runs next: Quarkus places each
 * profile's group of classes where its first class name sorts, and no other group's first name sorts between
 * these two), on the same database and broker ({@code TandemInfraResource} shares them across profiles), and
 * that instance must end each session with its reason.
 */
@QuarkusTest
@TestProfile(RestartMidWait1Test.BeforeRestart.class)
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class RestartMidWait1Test {

    /**
     * Long enough that nothing fires before this instance stops, even on a busy build machine; the away graces
     * shorter than inactivity.
     */
    public static class BeforeRestart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "session.timeouts.join-window", "40s",
                    "session.timeouts.inactivity", "80s",
                    "session.timeouts.agent-away-grace", "40s",
                    "session.timeouts.visitor-away-grace", "40s",
                    "session.sweeper.interval", "500ms");
        }
    }

    /** System properties (the one thing both Quarkus instances of the test JVM share) naming the sessions. */
    static final String PREFIX = "tandem.test.restart.";
    static final Map<String, String> EXPECTED = Map.of(
            "join", "JOIN_TIMEOUT", "inactivity", "INACTIVITY_TIMEOUT", "agent-away", "AGENT_AWAY",
            "visitor-away", "VISITOR_AWAY");

    @Test
    void startOneWaitOfEachKind() {
        System.setProperty(PREFIX + "join", TimeoutScenarios.nobodyJoins());
        System.setProperty(PREFIX + "inactivity", TimeoutScenarios.bothJoinedThenSilence());
        System.setProperty(PREFIX + "agent-away", TimeoutScenarios.bothJoinedThenAway("AGENT"));
        System.setProperty(PREFIX + "visitor-away", TimeoutScenarios.bothJoinedThenAway("VISITOR"));

        for (String kind : EXPECTED.keySet()) {
            String id = System.getProperty(PREFIX + kind);
            assertNotNull(TestDb.text("SELECT due_at::text FROM cobrowse_session WHERE id = ?::uuid", id),
                    kind + ": its deadline is stored");
        }
    }

    @AfterAll
    static void theWaitsAreStillRunningWhenThisInstanceStops() {
        for (String kind : EXPECTED.keySet()) {
            String id = System.getProperty(PREFIX + kind);
            if (id == null) {
                return; // the test above failed and says why
            }
            assertEquals(1, TestDb.count("SELECT count(*) FROM cobrowse_session WHERE id = ?::uuid "
                    + "AND state <> 'ENDED' AND due_at > now()", id), kind + ": still waiting at the restart");
        }
        System.setProperty(PREFIX + "stopped-at", Instant.now().toString());
    }
}
