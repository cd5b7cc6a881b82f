package dev.tandem.gateway.security;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

import dev.tandem.contracts.Mode;
import dev.tandem.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;

/**
 * Checks a join token from session-service: RS256 signature against session-service's JWKS (cached,
 * refreshed when an unknown key id appears), issuer, audience, expiry and the claims the gateway
 * enforces. Blocking: the JWKS may need a fetch; call it off the event loop.
 */
@ApplicationScoped
public class JoinTokenVerifier {

    public static final String ISSUER = "tandem-session-service";
    public static final String AUDIENCE = "tandem-gateway";

    private final JwtConsumer consumer;

    public JoinTokenVerifier(GatewayConfig config) {
        HttpsJwks jwks = new HttpsJwks(config.jwksUrl());
        jwks.setDefaultCacheDuration(300);
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setAllowedClockSkewInSeconds(10)
                .setRequireSubject()
                .setExpectedIssuer(ISSUER)
                .setExpectedAudience(AUDIENCE)
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .build();
    }

    /** The token's claims, or empty when it is not a valid join token (the reason is logged, never the token). */
    public Optional<JoinToken> verify(String token) {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            String sessionId = claims.getStringClaimValue("sid");
            String role = claims.getStringClaimValue("role");
            String site = claims.getStringClaimValue("site");
            String mode = claims.getStringClaimValue("mode");
            if (sessionId == null || role == null || site == null || mode == null) {
                Log.debug("join token lacks a required claim");
                return Optional.empty();
            }
            return Optional.of(new JoinToken(sessionId, JoinToken.Role.valueOf(role.toUpperCase(Locale.ROOT)),
                    claims.getSubject(), site, Mode.valueOf(mode),
                    Instant.ofEpochSecond(claims.getExpirationTime().getValue())));
        } catch (InvalidJwtException | MalformedClaimException | IllegalArgumentException e) {
            Log.debugf("join token refused: %s", e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
