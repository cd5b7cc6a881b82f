package dev.tandem.gateway.config;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tandem.gateway")
public interface GatewayConfig {

    /** Where session-service publishes the keys that sign join tokens. */
    String jwksUrl();

    /** Origins allowed to open a WebSocket: the brand sites' (visitors) and the console's (agents). */
    List<String> allowedOrigins();

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

        /** The gateway's own WebSocket base URL as the browser sees it. */
        String publicUrl();
    }
}
