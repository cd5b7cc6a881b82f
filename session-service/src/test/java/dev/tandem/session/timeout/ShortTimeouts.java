package dev.tandem.session.timeout;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Timeouts of seconds, swept twice a second. The away graces are shorter than the inactivity timeout, so that
 * a party leaving right after both joined is what ends the session.
 */
public class ShortTimeouts implements QuarkusTestProfile {

    public static final int JOIN_SECONDS = 8;
    public static final int INACTIVITY_SECONDS = 12;
    public static final int AWAY_SECONDS = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "session.timeouts.join-window", JOIN_SECONDS + "s",
                "session.timeouts.inactivity", INACTIVITY_SECONDS + "s",
                "session.timeouts.agent-away-grace", AWAY_SECONDS + "s",
                "session.timeouts.visitor-away-grace", AWAY_SECONDS + "s",
                "session.sweeper.interval", "500ms");
    }
}
