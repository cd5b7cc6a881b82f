package dev.tandem.siteconfig.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "siteconfig"))
@WithTestResource(OidcWiremockTestResource.class)
class SiteConfigResourceTest {

    static String admin(String tenant) {
        return OidcWiremockTestResource.generateJwtToken("admin-" + tenant, Set.of("tandem-admin"), "admin-" + tenant,
                "Bearer", Set.of("https://service.example.com"), Map.of("tenant", tenant));
    }

    static String site() {
        return "site-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static final String DOCUMENT = """
            {"enabled": true, "document": {
              "allowedOrigins": ["https://shop.example.com"],
              "rules": [{"kind": "MASK", "selector": ".account-number", "note": "bank details"},
                        {"kind": "BLOCK", "selector": "#chat-history"}],
              "appearance": {"borderColor": "#112233", "highlightColor": "#ffd400", "matchViewport": true},
              "modes": {"default": ["VIEW_ONLY"], "senior": ["VIEW_ONLY", "SHARED"]},
              "detectors": {"cardNumbers": true, "usSsn": false}}}
            """;

    @Test
    void savedConfigIsServedToTheTagWithBuiltInRulesAndAnETag() {
        String siteId = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).body("version", equalTo(1));

        String etag = given().when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(200)
                .body("siteId", equalTo(siteId))
                .body("tenant", nullValue())
                .body("rules.selector", hasItems("input[type=password]", "[autocomplete=cc-number]", ".account-number"))
                .body("rules.find { it.selector == '.account-number' }.builtIn", equalTo(false))
                .body("appearance.borderColor", equalTo("#112233"))
                .extract().header("ETag");
        assertEquals("\"v1\"", etag);

        given().header("If-None-Match", etag).when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(304);

        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-Match", "\"v1\"")
                .body(DOCUMENT.replace("#112233", "#445566"))
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).body("version", equalTo(2)).header("ETag", "\"v2\"");
        given().header("If-None-Match", etag).when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(200).header("ETag", "\"v2\"").body("appearance.borderColor", equalTo("#445566"));
    }

    @Test
    void canvasCaptureIsOffUnlessTheAdminTurnsItOnAndThenTheTagIsTold() {
        String siteId = site();
        // A document without "capture" (every client before it existed): nothing beyond the DOM.
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).body("capture.canvas", equalTo(false));
        given().when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(200).body("capture.canvas", equalTo(false));

        String withCanvas = DOCUMENT.replace("\"detectors\":", "\"capture\": {\"canvas\": true}, \"detectors\":");
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-Match", "\"v1\"")
                .body(withCanvas)
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).body("version", equalTo(2)).body("capture.canvas", equalTo(true));
        given().when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(200).body("capture.canvas", equalTo(true));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).body("capture.canvas", equalTo(true));

        // Not a boolean: refused, and version 2 stays.
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-Match", "\"v2\"")
                .body(withCanvas.replace("\"canvas\": true", "\"canvas\": \"yes please\""))
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(400).contentType("application/problem+json");
        given().when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(200).header("ETag", "\"v2\"").body("capture.canvas", equalTo(true));
    }

    @Test
    void eachSaveIsPublishedWholeOnTheSiteConfigTopic() {
        String siteId = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(200);

        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                "bootstrap.servers", TandemInfraResource.bootstrapServers(),
                "group.id", "test-" + UUID.randomUUID(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tandem.site-config"));
            String value = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (value == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (siteId.equals(record.key())) {
                        value = record.value();
                    }
                }
            }
            assertTrue(value != null, "no record for " + siteId + " on tandem.site-config");
            assertTrue(value.contains("\"version\":1") && value.contains(".account-number"), value);
        }
    }

    @Test
    void anUnknownSiteIsAProblemNotAnEmptyConfig() {
        given().when().get("/api/sites/{id}/config", "demo-insurer")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/site-not-found"));
    }

    @Test
    void invalidDocumentsAreRefusedNamingTheFieldAndChangeNothing() {
        String siteId = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON)
                .body(DOCUMENT.replace("#112233", "red"))
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("document.appearance.borderColor"));
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON)
                .body(DOCUMENT.replace("\"MASK\"", "\"HIDE\""))
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body("{not json")
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(400).contentType("application/problem+json");
        given().when().get("/api/sites/{id}/config", siteId).then().statusCode(404);
    }

    @Test
    void onlyAdminsOfTheSitesTenantMayReadOrChangeIt() {
        String siteId = site();
        given().contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(401)
                .contentType("application/problem+json");
        given().auth().oauth2("not-a-token").contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(401);
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("agent1", Set.of("agent")))
                .contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/forbidden"));
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(200);

        given().auth().oauth2(admin("globex")).when().get("/api/admin/sites/{id}", siteId)
                .then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(admin("globex")).contentType(ContentType.JSON).body(DOCUMENT.replace("#112233", "#000000"))
                .header("If-Match", "\"v1\"")
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(404);
        given().auth().oauth2(admin("globex")).contentType(ContentType.JSON).body(DOCUMENT.replace("#112233", "#000000"))
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(404);
        given().auth().oauth2(admin("globex")).when().get("/api/admin/sites/{id}/history", siteId)
                .then().statusCode(404);
        given().auth().oauth2(admin("globex")).when().get("/api/admin/sites/{id}/history/1", siteId)
                .then().statusCode(404).body("type", equalTo("https://tandem.dev/problems/site-not-found"));
        given().auth().oauth2(admin("globex")).header("If-Match", "\"v1\"")
                .when().post("/api/admin/sites/{id}/history/1/restore", siteId).then().statusCode(404);
        given().auth().oauth2(admin("globex")).header("If-Match", "*")
                .when().post("/api/admin/sites/{id}/history/1/restore", siteId).then().statusCode(404);
        given().auth().oauth2(admin("globex")).contentType(ContentType.JSON).header("If-Match", "*")
                .body(DOCUMENT.replace("#112233", "#000000"))
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(404);
        given().auth().oauth2(admin("globex")).when().get("/api/admin/sites")
                .then().statusCode(200).body("siteId", not(hasItem(siteId)));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites")
                .then().statusCode(200).body("siteId", hasItem(siteId));
        String noTenant = OidcWiremockTestResource.getAccessToken("admin-x", Set.of("tandem-admin"));
        given().auth().oauth2(noTenant).when().get("/api/admin/sites")
                .then().statusCode(403).body("type", equalTo("https://tandem.dev/problems/no-tenant"));
        given().auth().oauth2(noTenant).when().get("/api/admin/sites/{id}", siteId).then().statusCode(403);
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).body("version", equalTo(1)).body("appearance.borderColor", not(equalTo("#000000")));
    }

    @Test
    void everyAdminEndpointNeedsAToken() {
        String agent = OidcWiremockTestResource.getAccessToken("agent1", Set.of("agent"));
        for (String[] call : new String[][] {
                {"GET", "/api/admin/sites"}, {"GET", "/api/admin/sites/x"}, {"PUT", "/api/admin/sites/x"},
                {"POST", "/api/admin/sites/x/validate"}, {"GET", "/api/admin/sites/x/history"},
                {"GET", "/api/admin/sites/x/history/1"}, {"POST", "/api/admin/sites/x/history/1/restore"},
                {"GET", "/api/admin/sites/x/preview-page?url=https://x.example.com/"}}) {
            given().contentType(ContentType.JSON).body(DOCUMENT).when().request(call[0], call[1])
                    .then().statusCode(401);
            given().auth().oauth2(agent).contentType(ContentType.JSON).body(DOCUMENT).when().request(call[0], call[1])
                    .then().statusCode(403);
        }
    }

    @Test
    void theOpenApiDocumentDescribesTheAdminApiAndItsSecurity() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.keySet()", hasItems("/api/sites/{siteId}/config", "/api/admin/sites",
                        "/api/admin/sites/{siteId}", "/api/admin/sites/{siteId}/validate",
                        "/api/admin/sites/{siteId}/history", "/api/admin/sites/{siteId}/history/{version}",
                        "/api/admin/sites/{siteId}/history/{version}/restore", "/api/admin/sites/{siteId}/preview-page"))
                .body("paths.'/api/admin/sites/{siteId}'.put.parameters.name", hasItems("If-Match", "If-None-Match"))
                .body("paths.'/api/admin/sites'.get.security", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/api/sites/{siteId}/config'.get.security", nullValue());
    }

    @Test
    void healthReportsDatabaseAndKafka() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check",
                        "SmallRye Reactive Messaging - readiness check"));
    }
}
