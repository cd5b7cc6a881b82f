package dev.tandem.session.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent.Role;
import dev.tandem.session.CobrowseSession;
import dev.tandem.session.config.SessionConfig;

/**
 * Issues join tokens: JWTs signed RS256 that let one party of one session connect to a gateway. A
 * gateway verifies them against {@code /.well-known/jwks.json} and checks {@code iss}, {@code aud},
 * {@code exp}, {@code role}, {@code sid}, {@code site} and {@code mode}. Tokens carry the mode of the moment
 * they are issued: after a mode change clients fetch new ones (the gateway enforces the mode from the
 * ModeChanged events in any case).
 */
@ApplicationScoped
public class JoinTokens {

    public static final String ISSUER = "tandem-session-service";
    public static final String AUDIENCE = "tandem-gateway";
    /** The subject of a visitor's token: visitors are anonymous. */
    public static final String VISITOR_SUBJECT = "visitor";

    private final JoinTokenKeys keys;
    private final SessionConfig config;
    private final Clock clock;

    @Inject
    public JoinTokens(JoinTokenKeys keys, SessionConfig config) {
        this(keys, config, Clock.systemUTC());
    }

    JoinTokens(JoinTokenKeys keys, SessionConfig config, Clock clock) {
        this.keys = keys;
        this.config = config;
        this.clock = clock;
    }

    /** A signed token and the moment it stops being accepted. */
    public record Issued(String token, Instant expiresAt) {

        @Override
        public String toString() {
            return "Issued[token=<redacted>, expiresAt=" + expiresAt + "]";
        }
    }

    /** A token for {@code role} (visitor or agent) in a live {@code session}, in the session's current mode. */
    public Issued issue(CobrowseSession session, Role role) {
        if (role != Role.VISITOR && role != Role.AGENT) {
            throw new IllegalArgumentException("this issues join tokens for visitors and agents, not " + role);
        }
        return sign(session, role, role == Role.AGENT ? session.agentId() : VISITOR_SUBJECT, session.mode());
    }

    /**
     * A token for an observer (a supervisor) in a live {@code session}: role {@code observer}, subject the
     * supervisor's id, and always mode {@code VIEW_ONLY}, whatever the session's mode: an observer never gets
     * control.
     */
    public Issued issueObserver(CobrowseSession session, String observerId) {
        if (observerId == null || observerId.isBlank()) {
            throw new IllegalArgumentException("an observer has an id");
        }
        return sign(session, Role.OBSERVER, observerId, Mode.VIEW_ONLY);
    }

    private Issued sign(CobrowseSession session, Role role, String subject, Mode mode) {
        if (!session.isLive()) {
            throw new IllegalStateException("no join token for an ended session");
        }
        // whole seconds, as in the token, so that expiresAt says exactly what exp says
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(config.joinToken().ttl());

        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setSubject(subject);
        claims.setGeneratedJwtId();
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setStringClaim("sid", session.id().toString());
        claims.setStringClaim("role", role.name().toLowerCase(Locale.ROOT));
        claims.setStringClaim("site", session.siteId());
        claims.setStringClaim("mode", mode.name());

        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(keys.signingKey());
        jws.setKeyIdHeaderValue(keys.keyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return new Issued(jws.getCompactSerialization(), expiresAt);
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a join token", e);
        }
    }
}
