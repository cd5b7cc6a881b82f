package dev.tandem.siteconfig.rest;

import static dev.tandem.siteconfig.rest.SiteConfigResourceTest.DOCUMENT;
import static dev.tandem.siteconfig.rest.SiteConfigResourceTest.admin;
import static dev.tandem.siteconfig.rest.SiteConfigResourceTest.site;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;

/** Selector and origin validation, optimistic concurrency, history and restore, the topic-fed cache. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "siteconfig"))
@WithTestResource(OidcWiremockTestResource.class)
class SiteConfigVersionsTest {

    static String withRule(String selector) {
        return DOCUMENT.replace("\"#chat-history\"", "\"" + selector.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    static void create(String siteId) {
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(200).header("ETag", "\"v1\"");
    }

    @Test
    void aSelectorTheBrowserWouldRefuseIsRefusedNamingTheRuleAndWhy() {
        String siteId = site();
        for (String[] bad : new String[][] {
                {"#123abc", "not a valid ID selector"}, {"svg|rect", "namespace"}, {"div,", "trailing comma"},
                {"", "empty"}, {"input::before", "pseudo-element"}, {"." + "a".repeat(600), "at most 512"}}) {
            given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body(withRule(bad[0]))
                    .when().put("/api/admin/sites/{id}", siteId)
                    .then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://tandem.dev/problems/invalid-site-config"))
                    .body("errors.field", contains("document.rules[1].selector"))
                    .body("errors[0].message", containsString("rule 1 (`"))
                    .body("errors[0].message", containsString(bad[1]))
                    .body("detail", containsString(bad[1]));
        }
        given().when().get("/api/sites/{id}/config", siteId).then().statusCode(404);
    }

    @Test
    void escapedSelectorsAreSavedAndAProbableMistakeComesBackAsAWarning() {
        String siteId = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON)
                .body(withRule("#id\\@123, #\\31 23abc, input[name=\\'secure\\']"))
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(200)
                .body("rules.selector", hasItem("#id\\@123, #\\31 23abc, input[name=\\'secure\\']"))
                .body("warnings", hasSize(1))
                .body("warnings[0].field", equalTo("document.rules[1].selector"))
                .body("warnings[0].message", containsString("literal quotes"));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).body("warnings", hasSize(0));
    }

    @Test
    void validateChecksWithoutSaving() {
        String siteId = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON)
                .body(withRule("a:hover").replace("\"https://shop.example.com\"", "\"https://shop.example.com/\""))
                .when().post("/api/admin/sites/{id}/validate", siteId)
                .then().statusCode(200)
                .body("valid", equalTo(false))
                .body("errors.field", contains("document.allowedOrigins[0]"))
                .body("errors[0].message", containsString("no path"))
                .body("warnings[0].message", containsString("pointer is over it"));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}", siteId).then().statusCode(404);
    }

    @Test
    void originsMustBeWhatABrowserSends() {
        for (String bad : List.of("https://shop.example.com/", "https://*.example.com", "https://Shop.example.com",
                "https://shop.example.com:443", "ftp://shop.example.com", "https://shop.example.com/path",
                "https://user@shop.example.com", "https://shop.example.com:99999")) {
            given().auth().oauth2(admin("acme")).contentType(ContentType.JSON)
                    .body(DOCUMENT.replace("https://shop.example.com", bad))
                    .when().put("/api/admin/sites/{id}", site())
                    .then().statusCode(400).body("errors.field", hasItem("document.allowedOrigins[0]"));
        }
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON)
                .body(DOCUMENT.replace("https://shop.example.com", "http://localhost:8090"))
                .when().put("/api/admin/sites/{id}", site()).then().statusCode(200);
    }

    @Test
    void aStaleSaveIsRefusedAndAMissingIfMatchToo() {
        String siteId = site();
        create(siteId);
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(428).contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/if-match-required"));
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-Match", "\"v1\"")
                .body(DOCUMENT.replace("#112233", "#222222"))
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(200).header("ETag", "\"v2\"");
        // A second admin who also edited version 1 loses: nothing of theirs is saved.
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-Match", "\"v1\"")
                .body(DOCUMENT.replace("#112233", "#333333"))
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(412).contentType("application/problem+json")
                .header("ETag", "\"v2\"")
                .body("type", equalTo("https://tandem.dev/problems/stale-version"))
                .body("detail", containsString("version 2"));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).header("ETag", "\"v2\"").body("appearance.borderColor", equalTo("#222222"));
        // If-Match on a site that does not exist yet is a precondition that fails.
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-Match", "\"v1\"").body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", site()).then().statusCode(412);
    }

    @Test
    void aCreateOnlySaveMakesANewSiteOnceAndNeverOverwritesOneOfAnyTenant() {
        String siteId = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-None-Match", "*").body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).header("ETag", "\"v1\"").body("version", equalTo(1)).body("tenant", equalTo("acme"));
        // The same tenant again, and another tenant: the same refusal, nothing saved, no owner named.
        for (String tenant : List.of("acme", "globex")) {
            given().auth().oauth2(admin(tenant)).contentType(ContentType.JSON).header("If-None-Match", "*")
                    .body(DOCUMENT.replace("#112233", "#999999"))
                    .when().put("/api/admin/sites/{id}", siteId)
                    .then().statusCode(412).contentType("application/problem+json")
                    .header("ETag", nullValue())
                    .body("type", equalTo("https://tandem.dev/problems/site-exists"))
                    .body("detail", org.hamcrest.Matchers.not(containsString("acme")));
        }
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}", siteId)
                .then().statusCode(200).header("ETag", "\"v1\"").body("appearance.borderColor", equalTo("#112233"));
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-None-Match", "*")
                .header("If-Match", "\"v1\"").body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", siteId)
                .then().statusCode(400).body("type", equalTo("https://tandem.dev/problems/conflicting-preconditions"));
        // A selector the browser would refuse is refused on create too, and no site is made.
        String refused = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-None-Match", "*")
                .body(withRule("#123abc"))
                .when().put("/api/admin/sites/{id}", refused)
                .then().statusCode(400).body("errors.field", contains("document.rules[1].selector"));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}", refused).then().statusCode(404);
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-None-Match", "*").body(DOCUMENT)
                .when().put("/api/admin/sites/{id}", "Not_A_Site_Id").then().statusCode(400);
    }

    @Test
    void historyListsEveryVersionAndRestoreSavesAnOldOneAsNew() {
        String siteId = site();
        create(siteId);
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON).header("If-Match", "\"v1\"")
                .body(DOCUMENT.replace("#112233", "#222222"))
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(200);

        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}/history", siteId)
                .then().statusCode(200)
                .body("version", contains(2, 1))
                .body("updatedBy", contains("admin-acme", "admin-acme"))
                .body("[0].updatedAt", org.hamcrest.Matchers.notNullValue())
                .body("[0].restoredFrom", nullValue());
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}/history/1", siteId)
                .then().statusCode(200).body("appearance.borderColor", equalTo("#112233"));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}/history/9", siteId)
                .then().statusCode(404).body("type", equalTo("https://tandem.dev/problems/version-not-found"));

        given().auth().oauth2(admin("acme")).when().post("/api/admin/sites/{id}/history/1/restore", siteId)
                .then().statusCode(428);
        given().auth().oauth2(admin("acme")).header("If-Match", "\"v1\"")
                .when().post("/api/admin/sites/{id}/history/1/restore", siteId).then().statusCode(412);
        given().auth().oauth2(admin("acme")).header("If-Match", "\"v2\"")
                .when().post("/api/admin/sites/{id}/history/1/restore", siteId)
                .then().statusCode(200).header("ETag", "\"v3\"")
                .body("version", equalTo(3)).body("appearance.borderColor", equalTo("#112233"));
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}/history", siteId)
                .then().body("version", contains(3, 2, 1)).body("[0].restoredFrom", equalTo(1));
        given().when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(200).header("ETag", "\"v3\"").body("appearance.borderColor", equalTo("#112233"));
    }

    @Test
    void aConfigPublishedByAnotherReplicaIsServedFromTheTopic() throws Exception {
        // No row in this replica's database: only the topic can tell it about this site.
        String siteId = "remote-" + UUID.randomUUID().toString().substring(0, 8);
        String config = """
                {"id":"%s","time":"2030-01-01T00:00:00Z","aggregateId":"%s","tenant":"acme","version":7,
                 "enabled":true,"allowedOrigins":["https://remote.example.com"],
                 "rules":[{"kind":"MASK","selector":"input[type=password]","note":"passwords","builtIn":true},
                          {"kind":"MASK","selector":".remote","note":null,"builtIn":false}],
                 "appearance":{"borderColor":"#010203","highlightColor":"#040506","matchViewport":false},
                 "modes":{"default":["VIEW_ONLY"]},"detectors":{"cardNumbers":true,"usSsn":true}}
                """.formatted(UUID.randomUUID(), siteId);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                "bootstrap.servers", TandemInfraResource.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("tandem.site-config", siteId, config)).get(10, TimeUnit.SECONDS);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .when().get("/api/sites/{id}/config", siteId)
                .then().statusCode(200).header("ETag", "\"v7\"").body("rules.selector", hasItem(".remote")));
    }
}
