package dev.tandem.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The demo server as the demo pages use it. Keycloak's token endpoint and invite-service are played
 * by a small stub server here (only here: the e2e tests run the real ones).
 */
class DemoServerTest {

    private static final String CREDENTIAL = "c3VwZXItc2VjcmV0LXZpc2l0b3ItY3JlZGVudGlhbC0wMDAwMDA";
    private static final String CHAT = "demo-chat-0123456789ab";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Recorded> upstreamCalls = new CopyOnWriteArrayList<>();
    private volatile int inviteStatus = 201;
    private volatile String inviteContentType = "application/json";
    private volatile String inviteBody;
    private volatile int chatCredentialStatus = 201;
    private HttpServer stub;
    private DemoServer demo;
    private URI base;

    record Recorded(String path, String authorization, String body) {
    }

    @BeforeEach
    void start() throws IOException {
        inviteBody = """
                {"id":"0f9a1d7e-4a63-4a8e-9f3e-3c1b2d4e5f60","state":"PENDING","agentId":"agent1","chatId":"%s",
                 "siteId":"demo-insurer","mode":"VIEW_ONLY","message":"m","createdAt":"2026-01-01T00:00:00Z",
                 "expiresAt":"2026-01-01T00:02:00Z","visitor":{"credential":"%s"}}""".formatted(CHAT, CREDENTIAL);
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/realms/tandem/protocol/openid-connect/token", exchange -> {
            record(exchange);
            reply(exchange, 200, "application/json", "{\"access_token\":\"stub-token\",\"expires_in\":300}");
        });
        stub.createContext("/api/invites", exchange -> {
            record(exchange);
            reply(exchange, inviteStatus, inviteContentType, inviteBody);
        });
        stub.createContext("/api/chat-credentials", exchange -> {
            record(exchange);
            reply(exchange, chatCredentialStatus, chatCredentialStatus == 201 ? "application/json" : "application/problem+json",
                    chatCredentialStatus == 201
                            ? "{\"chatId\":\"" + CHAT + "\",\"siteId\":\"demo-insurer\",\"credential\":\"" + CREDENTIAL
                                    + "\",\"expiresAt\":\"2026-01-01T12:00:00Z\"}"
                            : "{\"type\":\"https://tandem.dev/problems/cobrowsing-disabled\",\"status\":409}");
        });
        stub.start();
        URI upstream = URI.create("http://127.0.0.1:" + stub.getAddress().getPort());
        demo = DemoServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new DemoServer.Endpoints(URI.create("http://localhost:7081"), URI.create("http://localhost:7082"),
                        URI.create("http://localhost:7083"), URI.create("http://localhost:7084")),
                new ChatPlatformClient.Settings(upstream.resolve("/realms/tandem/protocol/openid-connect/token"),
                        "demo-chat-platform", "local-demo-secret", upstream, "demo-insurer"));
        base = URI.create("http://127.0.0.1:" + demo.port());
    }

    @AfterEach
    void stop() {
        demo.close();
        stub.stop(0);
    }

    @Test
    void aBadChatIdIsRefusedWith400AndNothingIsAskedOfInviteService() throws Exception {
        for (String badId : List.of("bad%20id", "%3Cscript%3E", "x".repeat(129), "a%2Fb")) {
            HttpResponse<String> messages = get("/demo-chat/api/chats/" + badId + "/messages?after=0");
            assertProblem(messages, 400, "validation");
            assertEquals("chatId", json(messages).path("errors").get(0).path("field").asText());
            HttpResponse<String> invite = post("/demo-chat/api/chats/" + badId + "/invite",
                    "{\"agentId\":\"agent1\",\"mode\":\"VIEW_ONLY\"}");
            assertProblem(invite, 400, "validation");
        }
        assertTrue(upstreamCalls.isEmpty(), "invite-service was called: " + upstreamCalls);
        assertEquals("[]", get("/demo-chat/api/chats").body());
    }

    @Test
    void anInviteWithABadAgentOrModeIsRefusedNamingTheFields() throws Exception {
        HttpResponse<String> response = post("/demo-chat/api/chats/" + CHAT + "/invite",
                "{\"agentId\":\"agent one\",\"mode\":\"EVERYTHING\"}");
        assertProblem(response, 400, "validation");
        JsonNode errors = json(response).path("errors");
        assertEquals("agentId", errors.get(0).path("field").asText());
        assertEquals("mode", errors.get(1).path("field").asText());
        assertProblem(post("/demo-chat/api/chats/" + CHAT + "/invite", "not json"), 400, "malformed-request");
        assertProblem(post("/demo-chat/api/chats/" + CHAT + "/invite", "[1,2]"), 400, "malformed-request");
        assertTrue(upstreamCalls.isEmpty(), "invite-service was called: " + upstreamCalls);
    }

    @Test
    void anInviteGoesToInviteServiceAsTheChatPlatformAndItsCredentialOnlyIntoTheChat() throws Exception {
        assertEquals(201, post("/demo-chat/api/chats/" + CHAT + "/messages",
                "{\"from\":\"visitor\",\"text\":\"Which plan covers skiing?\"}").statusCode());

        HttpResponse<String> response = post("/demo-chat/api/chats/" + CHAT + "/invite",
                "{\"agentId\":\"agent1\",\"mode\":\"VIEW_ONLY\"}");

        assertEquals(201, response.statusCode(), response.body());
        assertFalse(response.body().contains(CREDENTIAL), "the credential reached the chat platform page");
        JsonNode invite = json(response);
        assertEquals("0f9a1d7e-4a63-4a8e-9f3e-3c1b2d4e5f60", invite.path("id").asText());
        assertTrue(invite.path("visitor").isMissingNode());

        assertEquals(2, upstreamCalls.size());
        Recorded token = upstreamCalls.get(0);
        assertEquals("/realms/tandem/protocol/openid-connect/token", token.path());
        assertEquals("Basic " + Base64.getEncoder().encodeToString(
                "demo-chat-platform:local-demo-secret".getBytes(StandardCharsets.UTF_8)), token.authorization());
        assertEquals("grant_type=client_credentials", token.body());
        Recorded call = upstreamCalls.get(1);
        assertEquals("Bearer stub-token", call.authorization());
        JsonNode sent = Json.MAPPER.readTree(call.body());
        assertEquals("agent1", sent.path("agentId").asText());
        assertEquals(CHAT, sent.path("chatId").asText());
        assertEquals("demo-insurer", sent.path("siteId").asText());
        assertEquals("VIEW_ONLY", sent.path("mode").asText());
        assertEquals("Your agent would like to see your screen to help you", sent.path("message").asText());

        JsonNode messages = json(get("/demo-chat/api/chats/" + CHAT + "/messages?after=0"));
        assertEquals(2, messages.size());
        assertEquals("visitor", messages.get(0).path("from").asText());
        JsonNode system = messages.get(1);
        assertEquals(2, system.path("n").asInt());
        assertEquals("system", system.path("from").asText());
        assertEquals(CREDENTIAL, system.path("invite").path("credential").asText());
        assertEquals(1, json(get("/demo-chat/api/chats/" + CHAT + "/messages?after=1")).size());
        assertEquals(0, json(get("/demo-chat/api/chats/" + CHAT + "/messages?after=2")).size());

        JsonNode chats = json(get("/demo-chat/api/chats"));
        assertEquals(CHAT, chats.get(0).path("chatId").asText());

        // The token is reused while it is valid.
        post("/demo-chat/api/chats/" + CHAT + "/invite", "{\"agentId\":\"agent2\",\"mode\":\"SHARED\"}");
        assertEquals(1, upstreamCalls.stream().filter(r -> r.path().contains("/token")).count());
    }

    @Test
    void askingForHelpGetsTheChatsCredentialFromInviteServiceAsTheChatPlatformAndPutsNothingIntoTheChat() throws Exception {
        HttpResponse<String> response = post("/demo-chat/api/chats/" + CHAT + "/chat-credential", "{}");

        assertEquals(201, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(CREDENTIAL, json(response).path("credential").asText());
        Recorded call = upstreamCalls.get(upstreamCalls.size() - 1);
        assertEquals("/api/chat-credentials", call.path());
        assertEquals("Bearer stub-token", call.authorization());
        JsonNode sent = Json.MAPPER.readTree(call.body());
        assertEquals(CHAT, sent.path("chatId").asText());
        assertEquals("demo-insurer", sent.path("siteId").asText());
        assertEquals(0, json(get("/demo-chat/api/chats/" + CHAT + "/messages")).size(), "the credential is not a chat message");

        chatCredentialStatus = 409;
        assertProblem(post("/demo-chat/api/chats/" + CHAT + "/chat-credential", "{}"), 409, "cobrowsing-disabled");
        assertEquals(405, get("/demo-chat/api/chats/" + CHAT + "/chat-credential").statusCode());
        assertProblem(post("/demo-chat/api/chats/bad%20id/chat-credential", "{}"), 400, "validation");
    }

    @Test
    void aRefusalOfInviteServiceIsPassedThroughAsProblemJsonAndNothingReachesTheChat() throws Exception {
        inviteStatus = 409;
        inviteContentType = "application/problem+json";
        inviteBody = "{\"type\":\"https://tandem.dev/problems/invite-pending\",\"title\":\"Invite pending\","
                + "\"status\":409,\"detail\":\"agent1 already has a pending invite\"}";

        HttpResponse<String> response = post("/demo-chat/api/chats/" + CHAT + "/invite",
                "{\"agentId\":\"agent1\",\"mode\":\"SHARED\"}");

        assertProblem(response, 409, "invite-pending");
        assertEquals("agent1 already has a pending invite", json(response).path("detail").asText());
        assertEquals(0, json(get("/demo-chat/api/chats/" + CHAT + "/messages")).size());
    }

    @Test
    void anUnreachableInviteServiceIsA502() throws Exception {
        stub.stop(0);
        assertProblem(post("/demo-chat/api/chats/" + CHAT + "/invite", "{\"agentId\":\"agent1\",\"mode\":\"SHARED\"}"),
                502, "upstream-unavailable");
    }

    @Test
    void messagesAreValidatedAndBounded() throws Exception {
        String path = "/demo-chat/api/chats/" + CHAT + "/messages";
        assertProblem(post(path, "{\"from\":\"system\",\"text\":\"forged invite\"}"), 400, "validation");
        assertProblem(post(path, "{\"from\":\"visitor\",\"text\":\"   \"}"), 400, "validation");
        assertProblem(post(path, "{\"from\":\"visitor\",\"text\":\"" + "x".repeat(1001) + "\"}"), 400, "validation");
        assertProblem(post(path, "{\"from\":\"visitor\",\"text\":\"" + "x".repeat(20_000) + "\"}"), 413, "too-large");
        assertProblem(get(path + "?after=-1"), 400, "validation");
        HttpResponse<String> wrongType = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(wrongType, 415, "unsupported-media-type");
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(base.resolve(path)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(delete, 405, "method-not-allowed");
        assertEquals(0, json(get(path)).size());
    }

    @Test
    void servesTheSiteAndTellsItsPagesWhereTandemIs() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("Harbour"));
        assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertEquals(200, get("/chat-platform.js").statusCode());

        HttpResponse<String> config = get("/demo-config.js");
        assertEquals(200, config.statusCode());
        String body = config.body();
        assertTrue(body.startsWith("window.TANDEM_DEMO = "), body);
        JsonNode demoConfig = Json.MAPPER.readTree(body.substring("window.TANDEM_DEMO = ".length(), body.lastIndexOf(';')));
        assertEquals("demo-insurer", demoConfig.path("siteId").asText());
        assertEquals("http://localhost:7081", demoConfig.path("endpoints").path("invites").asText());
        assertEquals("http://localhost:7082", demoConfig.path("endpoints").path("sessions").asText());
        assertEquals("http://localhost:7083", demoConfig.path("endpoints").path("config").asText());
        assertEquals("ws://localhost:7084", demoConfig.path("endpoints").path("gateway").asText());
        assertEquals("http://localhost:7084/tandem.js", demoConfig.path("tagUrl").asText());

        assertEquals(404, get("/..%2Fkeycloak%2Ftandem-realm.json").statusCode());
        assertEquals(404, get("/tandem-local.properties").statusCode());
        assertEquals(404, get("/nothing.html").statusCode());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        upstreamCalls.add(new Recorded(exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"), body));
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String slug) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode problem = Json.MAPPER.readTree(response.body());
        assertEquals("https://tandem.dev/problems/" + slug, problem.path("type").asText());
        assertEquals(status, problem.path("status").asInt());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }
}
