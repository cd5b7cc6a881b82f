package dev.tandem.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The demo site's configuration goes through the admin API; Keycloak and the service are a stub here. */
class DemoSiteSeedTest {

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile String savedBody;
    private volatile String savedIfMatch;
    private volatile int getStatus = 404;
    private volatile String getBody = "{}";
    private HttpServer stub;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/token", exchange -> {
            calls.add("token");
            reply(exchange, 200, "{\"access_token\":\"admin-token\",\"expires_in\":300}");
        });
        stub.createContext("/api/admin/sites/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + auth);
            if (exchange.getRequestMethod().equals("PUT")) {
                savedBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                savedIfMatch = exchange.getRequestHeaders().getFirst("If-Match");
                reply(exchange, 200, "{}");
            } else {
                if (getStatus == 200) {
                    exchange.getResponseHeaders().set("ETag", "\"3\"");
                }
                reply(exchange, getStatus, getBody);
            }
        });
        stub.start();
        base = URI.create("http://127.0.0.1:" + stub.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        stub.stop(0);
    }

    @Test
    void aMissingSiteIsSavedWithThisStacksDemoOriginAsTheDemoTenantsAdmin() throws Exception {
        assertTrue(DemoSiteSeed.ensure(base, base.resolve("/token"), "demo-insurer", "http://localhost:20090"));

        assertEquals(List.of("token", "GET /api/admin/sites/demo-insurer Bearer admin-token",
                "PUT /api/admin/sites/demo-insurer Bearer admin-token"), calls);
        JsonNode saved = Json.MAPPER.readTree(savedBody);
        assertEquals(null, savedIfMatch, "a new site is created without If-Match");
        assertTrue(saved.path("enabled").asBoolean());
        JsonNode document = saved.path("document");
        assertEquals("http://localhost:20090", document.path("allowedOrigins").get(0).asText());
        assertEquals(1, document.path("allowedOrigins").size());
        assertEquals(".secret", document.path("rules").get(0).path("selector").asText());
        assertEquals("MASK", document.path("rules").get(0).path("kind").asText());
        assertEquals("#f5a623", document.path("appearance").path("borderColor").asText());
        assertTrue(document.path("detectors").path("cardNumbers").asBoolean());
    }

    @Test
    void aSiteThatAllowsTheOriginIsLeftAsItIs() {
        getStatus = 200;
        getBody = "{\"enabled\":true,\"allowedOrigins\":[\"http://localhost:20090\"]}";
        assertFalse(DemoSiteSeed.ensure(base, base.resolve("/token"), "demo-insurer", "http://localhost:20090"));
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("PUT")), calls.toString());

        getBody = "{\"enabled\":true,\"allowedOrigins\":[\"http://localhost:8090\"]}";
        assertTrue(DemoSiteSeed.ensure(base, base.resolve("/token"), "demo-insurer", "http://localhost:20090"));
        assertEquals("\"3\"", savedIfMatch, "an existing site is replaced only at the version just read");
    }

    @Test
    void aRefusalIsAClearError() {
        getStatus = 403;
        getBody = "{\"type\":\"https://tandem.dev/problems/no-tenant\"}";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DemoSiteSeed.ensure(base, base.resolve("/token"), "demo-insurer", "http://localhost:20090"));
        assertTrue(e.getMessage().contains("403"), e.getMessage());
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
