package dev.tandem.siteconfig.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/** The admin page is served at /admin/ with its CSP; it is the only part of the web bundle served here. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "siteconfig"))
@WithTestResource(OidcWiremockTestResource.class)
class AdminPageTest {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self' http://localhost:8180; frame-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

    @Test
    void thePageIsServedAnonymouslyWithAStrictContentSecurityPolicy() {
        given().when().get("/admin/")
                .then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", equalTo(CSP))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .header("Referrer-Policy", equalTo("no-referrer"))
                .body(containsString("<title>Tandem admin</title>"))
                .body(containsString("src=\"./admin.js\""));
        given().when().get("/admin/admin.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .header("Content-Security-Policy", equalTo(CSP));
        given().when().get("/admin/admin.css")
                .then().statusCode(200)
                .header("Content-Security-Policy", equalTo(CSP));
    }

    @Test
    void thePageFindsKeycloakInItsConfig() {
        given().when().get("/admin/config.json")
                .then().statusCode(200)
                .header("Content-Security-Policy", equalTo(CSP))
                .body("keycloakUrl", equalTo("http://localhost:8180"))
                .body("realm", equalTo("tandem"))
                .body("clientId", equalTo("tandem-admin"));
    }

    @Test
    void theGatewaysFilesAreNotServedHere() {
        given().when().get("/tandem.js").then().statusCode(404);
        given().when().get("/console/").then().statusCode(404);
        given().when().get("/viewer.js").then().statusCode(404);
    }

    @Test
    void theApiKeepsItsOwnAnswersWithoutThePagesPolicy() {
        given().when().get("/api/admin/sites")
                .then().statusCode(401)
                .header("Content-Security-Policy", org.hamcrest.Matchers.nullValue());
    }
}
