package dev.tandem.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a chat platform does to invite a visitor: a client-credentials token from Keycloak, then
 * {@code POST /api/invites} on invite-service. Neither the token nor the visitor's credential is
 * ever logged or kept beyond the answer.
 */
final class ChatPlatformClient {

    static final String INVITE_MESSAGE = "Your agent would like to see your screen to help you";
    /** A first call to a just-started, busy invite-service (a cold connection pool on a loaded laptop) can take many seconds. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_UPSTREAM_BODY = 64 * 1024;

    record Settings(URI tokenEndpoint, String clientId, String clientSecret, URI inviteService, String siteId) {
        @Override
        public String toString() {
            return "Settings[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", clientSecret=hidden, "
                    + "inviteService=" + inviteService + ", siteId=" + siteId + "]";
        }
    }

    /** invite-service's answer: a created invite (and the credential taken out of it) or its refusal, as is. */
    sealed interface Outcome {
        record Created(int status, ObjectNode inviteWithoutCredential, String credential) implements Outcome {
            @Override
            public String toString() {
                return "Created[status=" + status + ", invite=" + inviteWithoutCredential + ", credential=hidden]";
            }
        }

        record Refused(int status, String contentType, byte[] body) implements Outcome {
        }
    }

    /** Keycloak or invite-service could not be reached or answered nonsense. */
    static final class UpstreamException extends Exception {
        private static final long serialVersionUID = 1L;

        UpstreamException(String message) {
            super(message);
        }
    }

    private final Settings settings;
    private final HttpClient http;
    private final ClientCredentials credentials;

    ChatPlatformClient(Settings settings, Clock clock) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.credentials = new ClientCredentials(settings.tokenEndpoint(), settings.clientId(), settings.clientSecret(),
                http, clock);
    }

    Outcome createInvite(String agentId, String chatId, String mode) throws UpstreamException {
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("agentId", agentId)
                .put("chatId", chatId)
                .put("siteId", settings.siteId())
                .put("mode", mode)
                .put("message", INVITE_MESSAGE);
        HttpResponse<byte[]> response = postInvite(body, token());
        if (response.statusCode() == 401) {
            // The cached token may have been revoked or Keycloak restarted: one fresh try.
            credentials.forget();
            response = postInvite(body, token());
        }
        byte[] answer = response.body();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            return new Outcome.Refused(response.statusCode(), contentType, answer);
        }
        JsonNode invite;
        try {
            invite = Json.MAPPER.readTree(answer);
        } catch (IOException e) {
            throw new UpstreamException("invite-service answered " + response.statusCode() + " without a JSON body");
        }
        JsonNode credential = invite == null ? null : invite.path("visitor").path("credential");
        if (!(invite instanceof ObjectNode object) || credential == null || !credential.isTextual()) {
            throw new UpstreamException("invite-service answered " + response.statusCode()
                    + " without visitor.credential (a replayed invite has none)");
        }
        object.remove("visitor");
        return new Outcome.Created(response.statusCode(), object, credential.asText());
    }

    /**
     * A chat credential for the chat (invite-service {@code POST /api/chat-credentials}): what the chat widget
     * hands the tag so that the visitor can ask for help. {@link Outcome.Created} carries the answer without it.
     */
    Outcome createChatCredential(String chatId) throws UpstreamException {
        ObjectNode body = Json.MAPPER.createObjectNode().put("chatId", chatId).put("siteId", settings.siteId());
        HttpResponse<byte[]> response = post("/api/chat-credentials", body, token());
        if (response.statusCode() == 401) {
            credentials.forget();
            response = post("/api/chat-credentials", body, token());
        }
        byte[] answer = response.body();
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 201) {
            return new Outcome.Refused(response.statusCode(), contentType, answer);
        }
        JsonNode issued;
        try {
            issued = Json.MAPPER.readTree(answer);
        } catch (IOException e) {
            throw new UpstreamException("invite-service answered 201 without a JSON body");
        }
        JsonNode credential = issued == null ? null : issued.path("credential");
        if (!(issued instanceof ObjectNode object) || credential == null || !credential.isTextual()) {
            throw new UpstreamException("invite-service answered 201 without a credential");
        }
        object.remove("credential");
        return new Outcome.Created(response.statusCode(), object, credential.asText());
    }

    private HttpResponse<byte[]> postInvite(ObjectNode body, String bearer) throws UpstreamException {
        return post("/api/invites", body, bearer);
    }

    private HttpResponse<byte[]> post(String path, ObjectNode body, String bearer) throws UpstreamException {
        HttpRequest request = HttpRequest.newBuilder(settings.inviteService().resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return send(request, "invite-service");
    }

    private String token() throws UpstreamException {
        try {
            return credentials.token();
        } catch (ClientCredentials.TokenException e) {
            throw new UpstreamException(e.getMessage());
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request, String upstream) throws UpstreamException {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.body().length > MAX_UPSTREAM_BODY) {
                throw new UpstreamException(upstream + " answered with an oversized body");
            }
            return response;
        } catch (IOException e) {
            throw new UpstreamException(upstream + " could not be reached at " + request.uri().resolve("/") + " ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("interrupted while calling " + upstream);
        }
    }
}
