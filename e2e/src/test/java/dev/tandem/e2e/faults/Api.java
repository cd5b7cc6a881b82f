package dev.tandem.e2e.faults;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.local.LocalStack;

/**
 * The stack's REST APIs as a chat platform, a visitor's tag and an agent's console call them, with real tokens
 * from Keycloak: client credentials for the chat platform, and for agents the console's own flow
 * (authorization code with PKCE, the login form posted like a browser does), without a browser.
 */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String SITE = "demo-insurer";
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final LocalStack stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    record Token(String value, Instant refreshAt) {
    }

    public record Answer(int status, String body, HttpResponse<String> response) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + header("Content-Type") + " " + body;
        }
    }

    /** A created invite: its id and the visitor's credential. */
    public record Invite(String id, String credential) {
    }

    /** What the visitor's tag gets for a session: id and join token. */
    public record Joining(String sessionId, String joinToken) {
    }

    /** Signs an agent in another way (a browser) and answers its access token; null: the HTTP form post below. */
    private final java.util.function.Function<String, String> signInElsewhere;

    public Api(LocalStack stack) {
        this(stack, null);
    }

    public Api(LocalStack stack, java.util.function.Function<String, String> signInElsewhere) {
        this.stack = stack;
        this.signInElsewhere = signInElsewhere;
    }

    // ---- tokens -------------------------------------------------------------------------------

    public String chatPlatformToken() {
        return tokens.compute("chat-platform", (k, old) -> old != null && Instant.now().isBefore(old.refreshAt())
                ? old : clientCredentials("demo-chat-platform", "local-demo-secret")).value();
    }

    /** An agent's access token through the console's client, as the console gets it after signing in. */
    public String agentToken(String agent) {
        return tokens.compute("agent:" + agent, (k, old) -> old != null && Instant.now().isBefore(old.refreshAt())
                ? old : signInElsewhere != null
                        // Keycloak's access tokens live 5 minutes in the local realm: renewed after 4
                        ? new Token(signInElsewhere.apply(agent), Instant.now().plusSeconds(240))
                        : signIn(agent, agent)).value();
    }

    private Token clientCredentials(String client, String secret) {
        Answer answer = form(tokenEndpoint(), "grant_type=client_credentials&client_id=" + client + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8));
        return token(answer);
    }

    private Token token(Answer answer) {
        if (answer.status() != 200) {
            throw new AssertionError("token: " + answer);
        }
        JsonNode json = answer.json();
        long life = json.path("expires_in").asLong(60);
        return new Token(json.path("access_token").asText(), Instant.now().plusSeconds(Math.max(10, life - 60)));
    }

    private Token signIn(String username, String password) {
        try {
            HttpClient browser = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
            String redirect = stack.gateway().resolve("/console/").toString();
            URI authorize = URI.create(stack.keycloak().resolve("/realms/tandem/protocol/openid-connect/auth")
                    + "?client_id=tandem-console&response_type=code&scope=openid&redirect_uri="
                    + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                    + "&code_challenge_method=S256&code_challenge=" + challenge + "&state=faults");
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(authorize).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(page.body());
            if (page.statusCode() != 200 || !action.find()) {
                throw new AssertionError("no login form (" + page.statusCode() + ")");
            }
            URI post = URI.create(action.group(1).replace("&amp;", "&"));
            // Keycloak's login cookies are Secure (a browser sends them to http://localhost, a secure
            // context; Java's cookie store does not): sent back by hand.
            String cookies = String.join("; ", page.headers().allValues("Set-Cookie").stream()
                    .map(c -> c.split(";", 2)[0]).filter(c -> c.contains("=") && !c.endsWith("=")).toList());
            HttpResponse<String> login = browser.send(HttpRequest.newBuilder(post).timeout(TIMEOUT)
                    .header("Cookie", cookies)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                            + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&credentialId="))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String location = login.headers().firstValue("Location").orElse("");
            Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
            if (login.statusCode() != 302 || !location.startsWith(redirect) || !code.find()) {
                throw new AssertionError("signing in as " + username + " did not redirect with a code ("
                        + login.statusCode() + ", cookies " + cookies.replaceAll("=[^;]*", "=…") + ")");
            }
            return token(form(tokenEndpoint(), "grant_type=authorization_code&client_id=tandem-console&code="
                    + URLEncoder.encode(URLDecoder.decode(code.group(1), StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                    + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
                    + "&code_verifier=" + verifier));
        } catch (java.io.IOException | java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("signing in as " + username + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private URI tokenEndpoint() {
        return stack.keycloak().resolve("/realms/tandem/protocol/openid-connect/token");
    }

    // ---- invite-service -----------------------------------------------------------------------

    public Answer postInvite(String agent, String chatId) {
        String body = "{\"agentId\":\"" + agent + "\",\"chatId\":\"" + chatId + "\",\"siteId\":\"" + SITE
                + "\",\"mode\":\"VIEW_ONLY\"}";
        return send(HttpRequest.newBuilder(stack.inviteService().resolve("/api/invites"))
                .header("Authorization", "Bearer " + chatPlatformToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Invite invite(String agent, String chatId) {
        Answer answer = postInvite(agent, chatId);
        if (answer.status() != 201) {
            throw new AssertionError("invite for " + agent + ": " + answer);
        }
        JsonNode json = answer.json();
        return new Invite(json.path("id").asText(), json.path("visitor").path("credential").asText());
    }

    public Answer accept(Invite invite) {
        return send(HttpRequest.newBuilder(stack.inviteService().resolve("/api/visitor/invite/accept"))
                .header("Tandem-Invite-Credential", invite.credential())
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    // ---- session-service ----------------------------------------------------------------------

    public Answer sessionToken(Invite invite) {
        return send(HttpRequest.newBuilder(stack.sessionService().resolve("/api/visitor/session-token"))
                .header("Tandem-Invite-Credential", invite.credential())
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The visitor's join token once session-service has made the session (404 session-not-ready until then). */
    public Joining visitorJoining(Invite invite, Duration within) {
        java.util.concurrent.atomic.AtomicReference<Answer> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            org.awaitility.Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        last.set(sessionToken(invite));
                        return last.get().status() == 200;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no session for invite " + invite.id() + " within " + within + ": " + last.get());
        }
        JsonNode json = last.get().json();
        return new Joining(json.path("sessionId").asText(), json.path("joinToken").asText());
    }

    public Answer agentJoinToken(String agent, String sessionId) {
        return send(HttpRequest.newBuilder(stack.sessionService().resolve("/api/sessions/" + sessionId + "/join-token"))
                .header("Authorization", "Bearer " + agentToken(agent))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer endSession(String agent, String sessionId) {
        return send(HttpRequest.newBuilder(stack.sessionService().resolve("/api/sessions/" + sessionId + "/end"))
                .header("Authorization", "Bearer " + agentToken(agent))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Answer mySession(String agent) {
        return send(HttpRequest.newBuilder(stack.sessionService().resolve("/api/agents/me/session"))
                .header("Authorization", "Bearer " + agentToken(agent)).GET());
    }

    public Answer get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    public Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (java.io.IOException e) {
            return new Answer(-1, e.toString(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private Answer form(URI uri, String form) {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }
}
