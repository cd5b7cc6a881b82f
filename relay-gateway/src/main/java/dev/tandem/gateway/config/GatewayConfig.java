package dev.tandem.gateway.config;

import java.util.List;

import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "tandem.gateway")
public interface GatewayConfig {

    /** Where session-service publishes the keys that sign join tokens. */
    String jwksUrl();

    /** Origins allowed to open a WebSocket: the brand sites' (visitors) and the console's (agents). */
    List<String> allowedOrigins();

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
