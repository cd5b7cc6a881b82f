package dev.tandem.gateway.websocket;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Plays session-service's key publishing for the gateway's tests: a real RSA key, a real JWKS over
 * HTTP, and real RS256 join tokens signed with it (and with a key the gateway does not know).
 */
public class JwksTestResource implements QuarkusTestResourceLifecycleManager {

    /** The gateways' shared secret in tests: generated per run, shared with the test's stand-in replica. */
    static final String RELAY_SECRET = java.util.UUID.randomUUID() + "-" + java.util.UUID.randomUUID();

    static RsaJsonWebKey key;
    static RsaJsonWebKey strangerKey;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("test-1");
            strangerKey = RsaJwkGenerator.generateJwk(2048);
            strangerKey.setKeyId("test-1");
            byte[] jwks = new JsonWebKeySet(key).toJson().getBytes(StandardCharsets.UTF_8);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/.well-known/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
            return Map.of("tandem.gateway.jwks-url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/.well-known/jwks.json",
                    "tandem.gateway.relay.secret", RELAY_SECRET);
        } catch (JoseException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    public static String token(String sessionId, String role, String mode) {
        return sign(key, sessionId, role, mode, Instant.now().plusSeconds(300), "tandem-session-service");
    }

    public static String sign(RsaJsonWebKey with, String sessionId, String role, String mode, Instant expires,
            String issuer) {
        return sign(with, sessionId, role, role.equals("visitor") ? "visitor" : "agent1", mode, expires, issuer);
    }

    public static String token(String sessionId, String role, String subject, String mode) {
        return sign(key, sessionId, role, subject, mode, Instant.now().plusSeconds(300), "tandem-session-service");
    }

    public static String visitorForSite(String sessionId, String site) {
        return sign(key, sessionId, "visitor", "visitor", "VIEW_ONLY", site, Instant.now().plusSeconds(300),
                "tandem-session-service");
    }

    public static String sign(RsaJsonWebKey with, String sessionId, String role, String subject, String mode,
            Instant expires, String issuer) {
        return sign(with, sessionId, role, subject, mode, "demo-insurer", expires, issuer);
    }

    public static String sign(RsaJsonWebKey with, String sessionId, String role, String subject, String mode,
            String site, Instant expires, String issuer) {
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(issuer);
            claims.setAudience("tandem-gateway");
            claims.setSubject(subject);
            claims.setIssuedAtToNow();
            claims.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
            claims.setClaim("sid", sessionId);
            claims.setClaim("role", role);
            claims.setClaim("site", site);
            claims.setClaim("mode", mode);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(with.getPrivateKey());
            jws.setKeyIdHeaderValue(with.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
