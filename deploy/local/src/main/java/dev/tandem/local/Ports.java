package dev.tandem.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ports of one local stack. Base port 0 gives the standard ports of docs/protocol.md; a base port
 * N gives N+81 … N+92, so that a second stack (an e2e run next to a running demo) never collides.
 */
record Ports(int invite, int session, int config, int gateway, int demo, int keycloak, int postgres, int kafka) {

    static final int MAX_BASE_PORT = 65535 - 184;

    static Ports of(int basePort) {
        if (basePort == 0) {
            return new Ports(8081, 8082, 8083, 8084, 8090, 8180, 5433, 9092);
        }
        if (basePort < 1024 || basePort > MAX_BASE_PORT) {
            throw new IllegalArgumentException("basePort must be 0 (standard ports) or between 1024 and "
                    + MAX_BASE_PORT + ", not " + basePort);
        }
        return new Ports(basePort + 81, basePort + 82, basePort + 83, basePort + 84, basePort + 90,
                basePort + 180, basePort + 33, basePort + 92);
    }

    /**
     * The extra relay-gateway replica's port ({@link LocalStack#startGatewayReplica}): the gateway's + 100,
     * so 8184, or N+184. Not reserved at start: the replica is started only on demand.
     */
    int gatewayReplica() {
        return gateway + 100;
    }

    /** Every port with the piece that listens on it, in start order. */
    Map<String, Integer> byPiece() {
        Map<String, Integer> all = new LinkedHashMap<>();
        all.put(LocalStack.POSTGRES, postgres);
        all.put(LocalStack.KAFKA, kafka);
        all.put(LocalStack.KEYCLOAK, keycloak);
        all.put(LocalStack.SESSION_SERVICE, session);
        all.put(LocalStack.CONFIG_SERVICE, config);
        all.put(LocalStack.INVITE_SERVICE, invite);
        all.put(LocalStack.RELAY_GATEWAY, gateway);
        all.put(LocalStack.DEMO_SITE, demo);
        return all;
    }
}
