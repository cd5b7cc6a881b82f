package dev.tandem.local;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An OAuth2 client-credentials token from Keycloak, cached until shortly before it expires. The
 * secret and the token are never logged.
 */
final class ClientCredentials {

    /** Keycloak could not be reached or refused; the message names which and why, never a secret. */
    static final class TokenException extends Exception {
        private static final long serialVersionUID = 1L;

        TokenException(String message) {
            super(message);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant expires = Instant.EPOCH;

    ClientCredentials(URI tokenEndpoint, String clientId, String clientSecret, HttpClient http, Clock clock) {
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.http = http;
        this.clock = clock;
    }

    synchronized String token() throws TokenException {
        if (token != null && clock.instant().isBefore(expires)) {
            return token;
        }
        String basic = Base64.getEncoder().encodeToString((urlEncode(clientId) + ":" + urlEncode(clientSecret))
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TokenException("Keycloak could not be reached at " + tokenEndpoint.resolve("/") + " ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while asking Keycloak for a token");
        }
        if (response.statusCode() != 200) {
            throw new TokenException("Keycloak refused the client credentials of " + clientId + " (HTTP "
                    + response.statusCode() + ")");
        }
        try {
            JsonNode answer = Json.MAPPER.readTree(response.body());
            String accessToken = answer.path("access_token").asText("");
            if (accessToken.isEmpty()) {
                throw new TokenException("Keycloak's token answer for " + clientId + " has no access_token");
            }
            token = accessToken;
            expires = clock.instant().plusSeconds(Math.max(5, answer.path("expires_in").asLong(60) - 30));
            return token;
        } catch (IOException e) {
            throw new TokenException("Keycloak's token answer for " + clientId + " is not JSON");
        }
    }

    /** Drops the cached token (after a 401: revoked, or Keycloak was restarted). */
    synchronized void forget() {
        token = null;
        expires = Instant.EPOCH;
    }

    private static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ClientCredentials[" + clientId + " at " + tokenEndpoint + "]";
    }
}
