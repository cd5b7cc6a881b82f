package dev.tandem.session.timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.tandem.session.TestKafka;
import dev.tandem.session.SharedInfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * The second half (see {@link RestartMidWait1Test}): a new instance of the service, started after the first
 * one stopped, ends each waiting session with its reason, once, from the deadlines the first one stored.
 */
@QuarkusTest
@TestProfile(ShortTimeouts.class)
@WithTestResource(SharedInfraResource.class)
@WithTestResource(OidcWiremockTestResource.class)
class RestartMidWait2Test {

    @Test
    void eachWaitStartedBeforeTheRestartEndsItsSessionAfterIt() {
        String stoppedAt = System.getProperty(RestartMidWait1Test.PREFIX + "stopped-at");
        Assumptions.assumeTrue(stoppedAt != null,
                "runs after RestartMidWait1Test (run the whole module, or both classes)");
        Instant stopped = Instant.parse(stoppedAt);

        for (var expected : RestartMidWait1Test.EXPECTED.entrySet()) {
            String id = System.getProperty(RestartMidWait1Test.PREFIX + expected.getKey());
            assertEquals(expected.getValue(), TimeoutScenarios.awaitEnded(id, Duration.ofSeconds(150)),
                    expected.getKey());
            assertTrue(TimeoutsTest.endedAt(id).isAfter(stopped), expected.getKey() + ": ended by the new instance");
            assertEquals(1, TestKafka.sessionEvents(id, "SessionEnded").size(), expected.getKey());
        }
    }
}
