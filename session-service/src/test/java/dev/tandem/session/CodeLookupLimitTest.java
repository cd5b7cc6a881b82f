package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * An agent guessing display codes is stopped after {@code session.code-lookups.per-window} lookups (20 by
 * default): from then on every code, its own live session's included, answers the same 429, so the limit
 * reveals nothing; other agents are not affected.
 */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class CodeLookupLimitTest {

    static final String CODE_NOT_YOURS = "https://tandem.dev/problems/code-not-yours";
    static final String TOO_MANY = "https://tandem.dev/problems/too-many-lookups";

    @Test
    void aGuessingAgentIsLimitedAndTheLimitSaysNothingAboutCodes() {
        TestEvents.Accepted accepted = TestEvents.accepted(TestEvents.newAgent());
        String code = TestSessions.openSession(accepted).getString("code");
        String owner = TestSessions.agentToken(accepted.agentId());
        String guesser = TestSessions.agentToken(TestEvents.newAgent());

        for (int i = 0; i < 20; i++) {
            ExtractableResponse<Response> r = lookup(guesser, String.format("%09d", 100_000_000 + i));
            assertEquals(403, r.statusCode(), "guess " + i + ": " + r.asString());
            assertEquals(CODE_NOT_YOURS, r.path("type"));
        }
        ExtractableResponse<Response> miss = lookup(guesser, "999999999");
        ExtractableResponse<Response> hit = lookup(guesser, code);
        for (ExtractableResponse<Response> r : java.util.List.of(miss, hit)) {
            assertEquals(429, r.statusCode(), r.asString());
            assertEquals(TOO_MANY, r.path("type"));
            long retryAfter = Long.parseLong(r.header("Retry-After"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        }
        assertEquals(miss.<String>path("detail").replaceAll("\\d+ s", "N s"),
                hit.<String>path("detail").replaceAll("\\d+ s", "N s"));

        // The session's own agent has its own budget.
        assertEquals(200, lookup(owner, code).statusCode());
    }

    private static ExtractableResponse<Response> lookup(String token, String code) {
        return given().auth().oauth2(token).when().get("/api/sessions/by-code/" + code).then().extract();
    }
}
