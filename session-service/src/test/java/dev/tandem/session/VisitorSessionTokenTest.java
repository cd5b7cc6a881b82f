package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;

/** The visitor's tag trades its invite credential for a join token. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class VisitorSessionTokenTest {

    static final String PROBLEM = "application/problem+json";

    @Test
    void theRightCredentialGetsAJoinTokenThatVerifiesAgainstTheServedKeys() throws Exception {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        JsonPath session = TestSessions.openSession(accepted);

        JsonPath answer = given().header("Tandem-Invite-Credential", accepted.credential())
                .when().post("/api/visitor/session-token")
                .then().statusCode(200)
                .header("Cache-Control", equalTo("no-store"))
                .body("sessionId", equalTo(session.getString("sessionId")))
                .body("code", equalTo(session.getString("code")))
                .body("mode", equalTo("VIEW_ONLY"))
                .body("siteId", equalTo("demo-insurer"))
                .extract().jsonPath();

        String jwt = answer.getString("joinToken");
        JwtClaims claims = verifier().processToClaims(jwt);
        assertEquals("tandem-session-service", claims.getIssuer());
        assertEquals(java.util.List.of("tandem-gateway"), claims.getAudience());
        assertEquals("visitor", claims.getSubject());
        assertEquals(session.getString("sessionId"), claims.getStringClaimValue("sid"));
        assertEquals("visitor", claims.getStringClaimValue("role"));
        assertEquals("demo-insurer", claims.getStringClaimValue("site"));
        assertEquals("VIEW_ONLY", claims.getStringClaimValue("mode"));
        long now = Instant.now().getEpochSecond();
        long iat = claims.getIssuedAt().getValue();
        long exp = claims.getExpirationTime().getValue();
        assertEquals(true, Math.abs(now - iat) < 60, "issued now");
        assertEquals(600, exp - iat, "valid for the default ten minutes");
        assertEquals(Instant.ofEpochSecond(exp), Instant.parse(answer.getString("expiresAt")));

        JsonWebStructure jws = JsonWebStructure.fromCompactSerialization(jwt);
        assertEquals("RS256", jws.getAlgorithmHeaderValue());
        assertEquals(given().when().get("/.well-known/jwks.json").then().extract().path("keys[0].kid"),
                jws.getKeyIdHeaderValue());
    }

    @Test
    void aTamperedTokenDoesNotVerify() throws Exception {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        TestSessions.openSession(accepted);
        String jwt = given().header("Tandem-Invite-Credential", accepted.credential())
                .when().post("/api/visitor/session-token").then().statusCode(200).extract().path("joinToken");

        String[] parts = jwt.split("\\.");
        String forgedClaims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("\"visitor\"", "\"agent\"")
                        .getBytes());
        String forged = parts[0] + "." + forgedClaims + "." + parts[2];
        assertThrows(InvalidJwtException.class, () -> verifier().processToClaims(forged));
    }

    @Test
    void aWrongCredentialFindsNoSession() {
        TestSessions.openSession(TestEvents.accepted(TestEvents.newAgent()));
        given().header("Tandem-Invite-Credential", UUID.randomUUID().toString())
                .when().post("/api/visitor/session-token")
                .then().statusCode(404)
                .contentType(PROBLEM)
                .body("type", equalTo("https://tandem.dev/problems/session-not-ready"))
                .body("status", equalTo(404))
                .body("joinToken", nullValue());
    }

    @Test
    void noCredentialIsABadRequest() {
        given().when().post("/api/visitor/session-token")
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("type", equalTo("https://tandem.dev/problems/missing-credential"));
    }

    @Test
    void afterTheEndTheVisitorIsToldTheSessionEnded() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String sessionId = TestSessions.openSession(accepted).getString("sessionId");
        TestKafka.send(TestKafka.GATEWAY_EVENTS, sessionId, TestEvents.gateway("EndRequested", sessionId, "VISITOR"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .header("Tandem-Invite-Credential", accepted.credential())
                .when().post("/api/visitor/session-token")
                .then().statusCode(410)
                .contentType(PROBLEM)
                .body("type", equalTo("https://tandem.dev/problems/session-ended"))
                .body("joinToken", nullValue()));
    }

    @Test
    void theBrandSiteMayCallWithTheCredentialHeader() {
        given().header("Origin", "http://localhost:8090")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "tandem-invite-credential")
                .when().options("/api/visitor/session-token")
                .then().statusCode(200)
                .header("Access-Control-Allow-Origin", equalTo("http://localhost:8090"))
                .header("Access-Control-Allow-Headers", containsStringIgnoringCase("Tandem-Invite-Credential"))
                .header("Access-Control-Allow-Methods", containsStringIgnoringCase("POST"));

        given().header("Origin", "http://localhost:8090")
                .header("Tandem-Invite-Credential", UUID.randomUUID().toString())
                .when().post("/api/visitor/session-token")
                .then().statusCode(404)
                .header("Access-Control-Allow-Origin", equalTo("http://localhost:8090"));
    }

    @Test
    void anotherSiteMayNot() {
        given().header("Origin", "https://attacker.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "tandem-invite-credential")
                .when().options("/api/visitor/session-token")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }

    @Test
    void theKeysAreServedToAnyoneAndHoldNoPrivatePart() {
        given().when().get("/.well-known/jwks.json")
                .then().statusCode(200)
                .contentType(startsWith("application/json"))
                .body("keys.size()", equalTo(1))
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].use", equalTo("sig"))
                .body("keys[0].d", nullValue())
                .body("keys[0].p", nullValue());
    }

    /** How a gateway verifies a join token: the JWKS served by session-service, issuer, audience, expiry. */
    static JwtConsumer verifier() throws Exception {
        String jwks = given().when().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        return new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer("tandem-session-service")
                .setExpectedAudience("tandem-gateway")
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setJwsAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
                .build();
    }
}
