package dev.tandem.siteconfig.rest;

import static dev.tandem.siteconfig.rest.SiteConfigResourceTest.DOCUMENT;
import static dev.tandem.siteconfig.rest.SiteConfigResourceTest.admin;
import static dev.tandem.siteconfig.rest.SiteConfigResourceTest.site;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.http.ContentType;

/** The preview's page loader: only the site's own pages, HTML only, size-limited, no redirects, no credentials. */
@QuarkusTest
@WithTestResource(value = TandemInfraResource.class, initArgs = @ResourceArg(name = "database", value = "siteconfig"))
@WithTestResource(OidcWiremockTestResource.class)
class PreviewPageTest {

    static HttpServer server;
    static String origin;
    static final List<Headers> requests = new CopyOnWriteArrayList<>();
    static final String PAGE = "<!DOCTYPE html><title>Apply – Harbour</title><form><input id=full-name name=name>"
            + "<input type=password></form>";

    @BeforeAll
    static void startTheSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestHeaders());
            switch (exchange.getRequestURI().getPath()) {
                case "/apply.html" -> answer(exchange, 200, "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8));
                case "/latin1.html" -> answer(exchange, 200, "text/html; charset=ISO-8859-1",
                        "<p>Café</p>".getBytes(StandardCharsets.ISO_8859_1));
                case "/moved" -> {
                    exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
                    answer(exchange, 302, "text/html", new byte[0]);
                }
                case "/data.json" -> answer(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
                case "/big.html" -> answer(exchange, 200, "text/html", new byte[3 * 1024 * 1024]);
                default -> answer(exchange, 404, "text/html", "<p>no</p>".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        origin = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopTheSite() {
        server.stop(0);
    }

    static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static String siteOn(String origin) {
        String siteId = site();
        given().auth().oauth2(admin("acme")).contentType(ContentType.JSON)
                .body(DOCUMENT.replace("\"https://shop.example.com\"", "\"" + origin + "\""))
                .when().put("/api/admin/sites/{id}", siteId).then().statusCode(200);
        return siteId;
    }

    @Test
    void aPageOfTheSiteIsReadWithoutTheAdminsCredentials() {
        String siteId = siteOn(origin);
        requests.clear();
        given().auth().oauth2(admin("acme")).queryParam("url", origin + "/apply.html?step=1")
                .when().get("/api/admin/sites/{id}/preview-page", siteId)
                .then().statusCode(200)
                .body("url", equalTo(origin + "/apply.html?step=1"))
                .body("html", equalTo(PAGE));
        assertEquals(1, requests.size());
        assertNull(requests.get(0).getFirst("Authorization"), "the admin's token never leaves the service");
        assertNull(requests.get(0).getFirst("Cookie"));
        given().auth().oauth2(admin("acme")).queryParam("url", origin + "/latin1.html")
                .when().get("/api/admin/sites/{id}/preview-page", siteId)
                .then().statusCode(200).body("html", equalTo("<p>Café</p>"));
    }

    @Test
    void onlyTheSitesOwnOriginsAreRead() {
        String siteId = siteOn(origin);
        requests.clear();
        for (String url : List.of("http://127.0.0.1:1/apply.html", "https://other.example.com/", origin.replace("127.0.0.1", "localhost") + "/apply.html",
                "file:///etc/passwd", "http://user:pw@127.0.0.1:" + server.getAddress().getPort() + "/apply.html", "not a url")) {
            given().auth().oauth2(admin("acme")).queryParam("url", url)
                    .when().get("/api/admin/sites/{id}/preview-page", siteId)
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://tandem.dev/problems/url-not-allowed"));
        }
        assertEquals(List.of(), requests, "nothing was requested");
        given().auth().oauth2(admin("acme")).when().get("/api/admin/sites/{id}/preview-page", siteId)
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void redirectsOtherContentAndLargePagesAreNotPreviewed() {
        String siteId = siteOn(origin);
        requests.clear();
        given().auth().oauth2(admin("acme")).queryParam("url", origin + "/moved")
                .when().get("/api/admin/sites/{id}/preview-page", siteId)
                .then().statusCode(502).contentType("application/problem+json")
                .body("type", equalTo("https://tandem.dev/problems/preview-fetch-failed"))
                .body("detail", containsString("redirects are not followed"));
        assertEquals(1, requests.size(), "the redirect was not followed");
        for (String[] c : new String[][] {{"/data.json", "not HTML"}, {"/big.html", "larger than 2 MiB"}, {"/gone", "answered 404"}}) {
            given().auth().oauth2(admin("acme")).queryParam("url", origin + c[0])
                    .when().get("/api/admin/sites/{id}/preview-page", siteId)
                    .then().statusCode(502).body("detail", containsString(c[1]));
        }
    }

    @Test
    void onlyAnAdminOfTheSitesTenantMayPreviewItsPages() {
        String siteId = siteOn(origin);
        requests.clear();
        given().queryParam("url", origin + "/apply.html").when().get("/api/admin/sites/{id}/preview-page", siteId)
                .then().statusCode(401);
        given().auth().oauth2(OidcWiremockTestResource.getAccessToken("agent1", Set.of("agent")))
                .queryParam("url", origin + "/apply.html").when().get("/api/admin/sites/{id}/preview-page", siteId)
                .then().statusCode(403);
        given().auth().oauth2(admin("globex")).queryParam("url", origin + "/apply.html")
                .when().get("/api/admin/sites/{id}/preview-page", siteId)
                .then().statusCode(404).body("type", equalTo("https://tandem.dev/problems/site-not-found"));
        assertEquals(List.of(), requests, "nothing was requested for them");
    }
}
