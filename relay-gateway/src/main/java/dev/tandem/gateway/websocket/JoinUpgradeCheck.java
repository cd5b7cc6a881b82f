package dev.tandem.gateway.websocket;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.gateway.config.GatewayConfig;
import dev.tandem.gateway.security.JoinToken;
import dev.tandem.gateway.security.JoinTokenVerifier;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Authenticates the WebSocket handshake before the upgrade: the Origin must be one we serve, and the
 * join token (offered as the subprotocol {@code tandem.token.<jwt>}, since a browser cannot set headers
 * on a WebSocket and a URL would reach access logs) must be valid and for this endpoint's role.
 * Anything else gets 403 and no socket.
 */
@ApplicationScoped
public class JoinUpgradeCheck implements HttpUpgradeCheck {

    public static final UserData.TypedKey<JoinToken> JOIN = new UserData.TypedKey<>("tandem.join");
    static final String PROTOCOL = "tandem.v1";
    static final String TOKEN_PREFIX = "tandem.token.";

    private final JoinTokenVerifier verifier;
    private final Set<String> allowedOrigins;

    public JoinUpgradeCheck(JoinTokenVerifier verifier, GatewayConfig config) {
        this.verifier = verifier;
        this.allowedOrigins = Set.copyOf(config.allowedOrigins());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        JoinToken.Role role = switch (context.httpRequest().path()) {
            case "/ws/visitor" -> JoinToken.Role.VISITOR;
            case "/ws/agent" -> JoinToken.Role.AGENT;
            default -> null;
        };
        if (role == null) {
            return CheckResult.rejectUpgrade(404);
        }
        String origin = context.httpRequest().getHeader("Origin");
        if (origin == null || !allowedOrigins.contains(origin)) {
            Log.infof("WebSocket refused: origin not allowed for %s", role.wire());
            return CheckResult.rejectUpgrade(403);
        }
        String offered = context.httpRequest().getHeader("Sec-WebSocket-Protocol");
        Optional<String> token = offered == null ? Optional.empty() : Arrays.stream(offered.split(","))
                .map(String::strip)
                .filter(p -> p.startsWith(TOKEN_PREFIX))
                .map(p -> p.substring(TOKEN_PREFIX.length()))
                .findFirst();
        boolean speaksOurProtocol = offered != null
                && Arrays.stream(offered.split(",")).map(String::strip).anyMatch(PROTOCOL::equals);
        if (token.isEmpty() || !speaksOurProtocol) {
            return CheckResult.rejectUpgrade(403);
        }
        return Uni.createFrom().item(() -> verifier.verify(token.get()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(verified -> {
                    if (verified.isEmpty() || verified.get().role() != role) {
                        Log.infof("WebSocket refused: join token not valid for %s", role.wire());
                        return CheckResult.rejectUpgradeSync(403);
                    }
                    context.userData().put(JOIN, verified.get());
                    return CheckResult.permitUpgradeSync();
                });
    }
}
