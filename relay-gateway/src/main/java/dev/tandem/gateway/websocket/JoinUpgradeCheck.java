package dev.tandem.gateway.websocket;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tandem.gateway.config.GatewayConfig;
import dev.tandem.gateway.messaging.RelayAssignment;
import dev.tandem.gateway.relay.EndedSessions;
import dev.tandem.gateway.security.JoinToken;
import dev.tandem.gateway.security.JoinToken.Role;
import dev.tandem.gateway.security.JoinTokenVerifier;
import dev.tandem.gateway.security.SiteOrigins;
import io.quarkus.logging.Log;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Authenticates the WebSocket handshake before the upgrade. The join token travels as the subprotocol
 * {@code tandem.token.<jwt>} (a browser cannot set headers on a WebSocket and a URL would reach access
 * logs) and must be valid and for this endpoint: visitors on {@code /ws/visitor}, agents and observers on
 * {@code /ws/agent}. The Origin must be one of the site's (visitors) or the console's (agents,
 * observers). An agent or observer also carries its OIDC access token, as the Quarkus guide describes,
 * in the subprotocol {@code quarkus-http-upgrade#Authorization#Bearer%20<token>} (turned into an
 * Authorization header before authentication); its principal must be the join token's subject.
 * Anything else gets 403 and no socket. Until the replica reads {@code tandem.relay} (its consumer has its
 * partitions, {@link RelayAssignment}) every upgrade gets 503: it could not hear the other replicas yet.
 */
@ApplicationScoped
public class JoinUpgradeCheck implements HttpUpgradeCheck {

    public static final UserData.TypedKey<JoinToken> JOIN = new UserData.TypedKey<>("tandem.join");
    static final String PROTOCOL = "tandem.v1";
    static final String TOKEN_PREFIX = "tandem.token.";

    private final JoinTokenVerifier verifier;
    private final SiteOrigins origins;
    private final EndedSessions ended;
    private final boolean identityRequired;
    private final RelayAssignment relay;

    public JoinUpgradeCheck(JoinTokenVerifier verifier, SiteOrigins origins, EndedSessions ended, GatewayConfig config,
            RelayAssignment relay) {
        this.verifier = verifier;
        this.origins = origins;
        this.ended = ended;
        this.relay = relay;
        this.identityRequired = config.agentIdentityRequired();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        Set<Role> roles = switch (context.httpRequest().path()) {
            case "/ws/visitor" -> Set.of(Role.VISITOR);
            case "/ws/agent" -> Set.of(Role.AGENT, Role.OBSERVER);
            default -> null;
        };
        if (roles == null) {
            return CheckResult.rejectUpgrade(404);
        }
        // Before anything can refuse: a refused upgrade leaves an HTTP connection, which the check lets through.
        Utf8TextFrames.install(context.httpRequest());
        if (!relay.assigned()) {
            Log.infof("WebSocket refused: not reading tandem.relay yet");
            return CheckResult.rejectUpgrade(503);
        }
        boolean visitorEndpoint = roles.contains(Role.VISITOR);
        String origin = context.httpRequest().getHeader("Origin");
        if (visitorEndpoint ? !origins.plausibleVisitor(origin) : !origins.allowsConsole(origin)) {
            Log.infof("WebSocket refused: origin not allowed on %s", context.httpRequest().path());
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
        Uni<Optional<JoinToken>> verified = Uni.createFrom().item(() -> verifier.verify(token.get()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return verified.flatMap(join -> {
            if (join.isEmpty() || !roles.contains(join.get().role())) {
                Log.infof("WebSocket refused: join token not valid on %s", context.httpRequest().path());
                return CheckResult.rejectUpgrade(403);
            }
            JoinToken claims = join.get();
            if (ended.hasEnded(claims.sessionId())) {
                // the same answer as for a forged token: a caller learns nothing about the session
                Log.infof("WebSocket refused: the session has ended, on %s", context.httpRequest().path());
                return CheckResult.rejectUpgrade(403);
            }
            if (visitorEndpoint && !origins.allowsVisitor(claims.siteId(), origin)) {
                Log.infof("WebSocket refused: origin not allowed for the visitor's site");
                return CheckResult.rejectUpgrade(403);
            }
            if (visitorEndpoint || !identityRequired) {
                context.userData().put(JOIN, claims);
                return CheckResult.permitUpgrade();
            }
            return context.securityIdentity().onFailure().recoverWithNull().map(identity -> {
                if (!sameParty(identity, claims)) {
                    Log.infof("WebSocket refused: the %s's identity is missing or not the session's", claims.role().wire());
                    return CheckResult.rejectUpgradeSync(403);
                }
                context.userData().put(JOIN, claims);
                return CheckResult.permitUpgradeSync();
            });
        });
    }

    private static boolean sameParty(SecurityIdentity identity, JoinToken claims) {
        return identity != null && !identity.isAnonymous() && identity.getPrincipal() != null
                && claims.subject().equals(identity.getPrincipal().getName());
    }
}
