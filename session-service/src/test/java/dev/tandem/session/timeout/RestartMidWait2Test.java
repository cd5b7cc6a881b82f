package dev.tandem.session.timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import dev.tandem.session.TestKafka;
import io.quarkus.test.common.ResourceArg;
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
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class RestartMidWait2Test {

    @Test
    void eachWaitStartedBeforeTheRestartEndsItsSessionAfterIt() {
        String stoppedAt = System.getProperty(RestartMidWait1Test.PREFIX + "stopped-at");
        assertNotNull(stoppedAt, "RestartMidWait1Test must run (and pass) first, in the same JVM: run the whole "
                + "module, or both classes");
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
