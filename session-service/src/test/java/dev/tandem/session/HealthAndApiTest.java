package dev.tandem.session;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "sessions"))
@WithTestResource(OidcWiremockTestResource.class)
class HealthAndApiTest {

    @Test
    void readinessReportsTheDatabaseAndKafka() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(Matchers.containsStringIgnoringCase("Reactive PostgreSQL")))
                .body("checks.name", hasItem(Matchers.containsStringIgnoringCase("Database connections")))
                .body("checks.findAll { it.status != 'UP' }", Matchers.empty())
                .body("checks.name", hasItem(Matchers.containsStringIgnoringCase("Kafka connection")))
                .body("checks.name", hasItem(Matchers.containsStringIgnoringCase("Reactive Messaging")));
    }

    @Test
    void theApiIsDescribedWithSummaries() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.'/api/visitor/session-token'.post.summary", notNullValue())
                .body("paths.'/api/agents/me/session'.get.summary", notNullValue())
                .body("paths.'/api/sessions/{id}/join-token'.post.summary", notNullValue())
                .body("paths.'/api/sessions/{id}/end'.post.summary", notNullValue())
                .body("paths.'/.well-known/jwks.json'.get.summary", notNullValue())
                .body("paths.'/api/sessions'.get.summary", notNullValue())
                .body("paths.'/api/sessions/{id}'.get.summary", notNullValue())
                .body("paths.'/api/sessions/by-code/{code}'.get.summary", notNullValue())
                .body("paths.'/api/sessions/{id}/mode'.post.summary", notNullValue())
                .body("paths.'/api/sessions/{id}/observer-token'.post.summary", notNullValue())
                .body("paths.'/api/sessions/{id}/audit'.get.summary", notNullValue())
                .body("paths.'/api/chats/{chatId}/ended'.post.summary", notNullValue())
                .body("paths.'/api/sessions/{id}/mode'.post.responses.'409'.content.'application/problem+json'"
                        + ".examples.'consent-required'.value.type",
                        equalTo("https://tandem.dev/problems/consent-required"));
    }
}
