package dev.tandem.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Gives the demo site ({@code demo-insurer}, tenant {@code demo}) its configuration in
 * masking-config-service, through the admin API like an admin would, so that the save is versioned and
 * published on {@code tandem.site-config}. The launcher's own Keycloak client
 * ({@code tandem-local-launcher}: role {@code tandem-admin}, claim {@code tenant=demo}) signs the call.
 *
 * <p>Done on every start, but only saved when the site is missing or does not allow this stack's demo
 * origin. (A Flyway seed cannot do it for the packaged service: {@code quarkus.flyway.locations} is
 * fixed when the jar is built, and the origin depends on the ports.)
 */
final class DemoSiteSeed {

    static final String CLIENT_ID = "tandem-local-launcher";
    /** A local-demo value, public in this repository; the client exists only in the local realm. */
    static final String CLIENT_SECRET = "local-demo-launcher-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private DemoSiteSeed() {
    }

    /** The demo site's document: the Harbour pages' private reference numbers carry the class {@code secret}. */
    static ObjectNode document(String demoOrigin) {
        ObjectNode document = Json.MAPPER.createObjectNode();
        document.putArray("allowedOrigins").add(demoOrigin);
        document.putArray("rules").addObject()
                .put("kind", "MASK").put("selector", ".secret").put("note", "internal reference numbers");
        document.putObject("appearance")
                .put("borderColor", "#f5a623").put("highlightColor", "#ffd400").put("matchViewport", true);
        document.putObject("modes").putArray("default").add("VIEW_ONLY").add("SHARED");
        document.putObject("detectors").put("cardNumbers", true).put("usSsn", true);
        return document;
    }

    /** @return true when it saved a new version, false when the site was already right */
    static boolean ensure(URI configService, URI tokenEndpoint, String siteId, String demoOrigin) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ClientCredentials credentials = new ClientCredentials(tokenEndpoint, CLIENT_ID, CLIENT_SECRET, http,
                Clock.systemUTC());
        URI site = configService.resolve("/api/admin/sites/" + siteId);
        try {
            String token = credentials.token();
            HttpResponse<String> current = http.send(HttpRequest.newBuilder(site).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (current.statusCode() == 200 && allows(Json.MAPPER.readTree(current.body()), demoOrigin)) {
                return false;
            }
            if (current.statusCode() != 200 && current.statusCode() != 404) {
                throw new IllegalStateException("masking-config-service answered " + current.statusCode()
                        + " to GET " + site + ": " + current.body());
            }
            ObjectNode body = Json.MAPPER.createObjectNode().put("enabled", true);
            body.set("document", document(demoOrigin));
            HttpRequest.Builder put = HttpRequest.newBuilder(site).timeout(TIMEOUT)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json");
            if (current.statusCode() == 200) {
                // An existing site (kept state, other ports) is replaced only at the version just read.
                put.header("If-Match", current.headers().firstValue("ETag").orElseThrow(
                        () -> new IllegalStateException("masking-config-service sent no ETag for " + site)));
            }
            HttpResponse<String> saved = http.send(put.PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (saved.statusCode() != 200) {
                throw new IllegalStateException("masking-config-service refused the demo site's configuration: "
                        + saved.statusCode() + " " + saved.body());
            }
            return true;
        } catch (ClientCredentials.TokenException e) {
            throw new IllegalStateException("could not configure the demo site: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("could not configure the demo site at " + site + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while configuring the demo site", e);
        }
    }

    /**
     * Waits until invite-service has read the site from {@code tandem.site-config} (it learns it a moment after
     * the save), so that the first invite after "ready" is not refused with 404 site-not-found. The probe is an
     * invite for an agent group the site does not name: 404 {@code site-not-found} while the site is unknown,
     * 403 {@code mode-not-allowed} once it is known; neither stores anything.
     */
    static void awaitKnownByInvites(URI inviteService, URI tokenEndpoint, String clientId, String clientSecret,
            String siteId, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ClientCredentials credentials = new ClientCredentials(tokenEndpoint, clientId, clientSecret, http,
                Clock.systemUTC());
        ObjectNode probe = Json.MAPPER.createObjectNode().put("agentId", "tandem-launcher-probe")
                .put("agentGroup", "tandem-launcher-probe").put("chatId", "tandem-launcher-probe")
                .put("siteId", siteId).put("mode", "VIEW_ONLY");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            String token = credentials.token();
            while (true) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(inviteService.resolve("/api/invites"))
                        .timeout(TIMEOUT).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json").header("Accept", "application/json, application/problem+json")
                        .POST(HttpRequest.BodyPublishers.ofString(probe.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 403 && answer.body().contains("mode-not-allowed")) {
                    return;
                }
                boolean unknown = answer.statusCode() == 404 && answer.body().contains("site-not-found");
                if (!unknown || System.nanoTime() > deadline) {
                    throw new IllegalStateException("invite-service does not know the demo site " + siteId
                            + " (probe answered " + answer.statusCode() + ": " + answer.body() + ")");
                }
                Thread.sleep(200);
            }
        } catch (ClientCredentials.TokenException e) {
            throw new IllegalStateException("could not probe invite-service: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("could not probe invite-service at " + inviteService + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for invite-service", e);
        }
    }

    private static boolean allows(JsonNode config, String origin) {
        JsonNode origins = config.path("allowedOrigins");
        List<String> all = new java.util.ArrayList<>();
        origins.forEach(o -> all.add(o.asText()));
        return config.path("enabled").asBoolean(false) && all.contains(origin);
    }
}
