package dev.tandem.invite.restart;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The two instances of invite-service in the restart tests: {@link Restart1BeforeStopTest} runs the
 * first, which never publishes and never sweeps, and is stopped; {@link Restart2AfterStartTest} runs the second on
 * the same PostgreSQL and Kafka ({@code TandemInfraResource} shares them across profiles).
 *
 * <p>Quarkus runs test classes grouped by profile (each group where its first class name sorts) and by class
 * name within a group; each of these profiles has one class, and the two class names sort next to each other
 * and in this order, so no other instance runs between the stop and the start.
 */
public final class Restart {

    /** System properties (the one thing both instances of the test JVM share) that hand the ids over. */
    static final String PREFIX = "tandem.test.invite-restart.";
    static final String INVITE = PREFIX + "invite";
    static final String REQUEST = PREFIX + "request";
    static final String STOPPED_AT = PREFIX + "stopped-at";

    private Restart() {
    }

    /** The first instance: its outbox relay and expiry sweeper never run, as if it stopped right after each write. */
    public static class A_BeforeStop implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tandem.outbox.interval", "off", "invite.sweeper.interval", "off",
                    "invite.expiry", "2s", "invite.requests.expiry", "2s");
        }
    }

    /** The second instance: an ordinary one. */
    public static class B_AfterStart implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("invite.sweeper.interval", "1s", "invite.expiry", "2s", "invite.requests.expiry", "2s");
        }
    }
}
