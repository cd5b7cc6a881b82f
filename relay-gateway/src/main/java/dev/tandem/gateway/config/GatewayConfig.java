package dev.tandem.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tandem.gateway")
public interface GatewayConfig {

    /** Where session-service publishes the keys that sign join tokens. */
    String jwksUrl();

    /**
     * Origins allowed to open a visitor WebSocket for a site whose config (from {@code tandem.site-config})
     * this replica has not seen yet; once it has, the site's own {@code allowedOrigins} decide.
     */
    List<String> allowedOrigins();

    /** Origins of the agent console; when unset, {@link #allowedOrigins()}. */
    Optional<List<String>> consoleOrigins();

    /**
     * Whether an agent's (and observer's) handshake must carry its OIDC access token whose principal is
     * the join token's subject. Only tests of other concerns turn it off.
     */
    @WithDefault("true")
    boolean agentIdentityRequired();

    Relay relay();

    Limits limits();

    /** The shortest time between two ActionRefused events of one session and message type. */
    @WithDefault("5s")
    Duration refusedEventInterval();

    /**
     * The shortest time between two PageVisited events of one session (the same page again is never
     * published twice in a row; a different one within this time is dropped, counted {@code page-throttled}).
     */
    @WithDefault("1s")
    Duration pageVisitedInterval();

    /** The shortest time between two Activity events of one session. */
    @WithDefault("30s")
    Duration activityInterval();

    /**
     * How long this replica remembers that a session ended (from {@code SessionEnded}): until then any
     * join token for it is refused at the handshake like a forged one. At least session-service's
     * {@code session.join-token.ttl}, so that no token of an ended session outlives the memory.
     */
    @WithDefault("15m")
    Duration endedSessionMemory();

    /** Cross-replica relay through tandem.relay. */
    interface Relay {
        /**
         * The gateways' shared secret (at least 32 bytes of UTF-8) from which each session's AES key is
         * derived. Required in prod; elsewhere a random one is generated at start (one replica only).
         */
        Optional<String> secret();

        /** The shortest time between two resync requests the gateway sends one session's visitor. */
        @WithDefault("1s")
        Duration resyncInterval();

        /** How often this replica renews, on the relay topic, the presence of what it holds of each session. */
        @WithDefault("5s")
        Duration presenceInterval();

        /**
         * What another replica claimed of a session is forgotten when that replica has published nothing of
         * the session for this long (it died without saying so); a few presence intervals.
         */
        @WithDefault("15s")
        Duration presenceTtl();
    }

    /** Per-connection limits; a flood closes with 1008, a slow reader loses frames and gets a resync. */
    interface Limits {
        /** Sustained messages per second a client may send. */
        @WithDefault("200")
        int messagesPerSecond();

        /** Messages a client may send in a burst above the sustained rate. */
        @WithDefault("600")
        int messageBurst();

        /** Sustained bytes (characters) per second a client may send. */
        @WithDefault("2097152")
        long bytesPerSecond();

        /** Bytes a client may send in a burst (a whole compressed snapshot). */
        @WithDefault("8388608")
        long byteBurst();

        /** Bytes queued towards one connection before frames to it are dropped (and a resync asked for). */
        @WithDefault("8388608")
        long outgoingQueueBytes();

        /** Bytes queued towards one connection above which pointer moves are coalesced (only the latest kept). */
        @WithDefault("262144")
        long pointerCoalesceBytes();
    }

    /**
     * The largest message either side may send, in characters; larger ones close with 1009. Kept
     * below the transport's own ceiling (quarkus.websockets-next.server.max-message-size), whose close
     * frame carries a reason longer than the 123 bytes RFC 6455 allows and so reaches clients as a
     * protocol error instead of 1009.
     */
    @WithDefault("1048576")
    int maxMessageSize();

    Console console();

    /** What the reference agent console needs to know, served as /console/config.json. */
    interface Console {
        String keycloakUrl();

        String realm();

        String clientId();

        String sessionsApi();

        /** invite-service as the browser sees it (the agent's requests for shared control). */
        String invitesApi();

        /** The gateway's own WebSocket base URL as the browser sees it. */
        String publicUrl();
    }
}
