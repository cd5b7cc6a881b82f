package dev.tandem.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The demo brand site ("Harbour Insurance", files under {@code demo-site/} on the class path),
 * {@code /demo-config.js} for its pages, and a stand-in chat platform:
 *
 * <pre>
 * GET  /demo-chat/api/chats                        [{chatId, lastSeen}]
 * GET  /demo-chat/api/chats/{chatId}/messages?after=n   [{n, from, text, at, invite?: {id, mode, credential}}]
 * POST /demo-chat/api/chats/{chatId}/messages      {from: "visitor"|"agent", text}  → 201 message
 * POST /demo-chat/api/chats/{chatId}/invite        {agentId, mode}  → invite-service's invite without the
 *                                                  credential; the credential goes into the chat
 * </pre>
 *
 * Errors are application/problem+json. Bodies, texts, chats and messages are bounded.
 */
final class DemoServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DemoServer.class.getName());

    static final String SITE_ID = "demo-insurer";
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    static final Set<String> MODES = Set.of("VIEW_ONLY", "SHARED");
    static final Set<String> SENDERS = Set.of("visitor", "agent");
    static final int MAX_BODY = 16 * 1024;
    static final int MAX_TEXT = 1000;
    private static final String API = "/demo-chat/api/chats";
    private static final Pattern STATIC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,100}");
    private static final Pattern AFTER = Pattern.compile("[0-9]{1,15}");

    /** Where the demo pages find Tandem: the services as the browser reaches them. */
    record Endpoints(URI invites, URI sessions, URI config, URI gateway) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    /** Site files read from the class path on first request (names without '/', so nothing outside demo-site/). */
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final byte[] demoConfig;
    private final DemoChats chats;
    private final ChatPlatformClient platform;

    private DemoServer(HttpServer server, Endpoints endpoints, ChatPlatformClient platform, Clock clock) {
        this.server = server;
        this.platform = platform;
        this.chats = new DemoChats(clock);
        if (siteFile("index.html") == null) {
            throw new IllegalStateException("demo-site/index.html is missing from the class path");
        }
        this.demoConfig = demoConfig(endpoints);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    static DemoServer start(InetSocketAddress address, Endpoints endpoints, ChatPlatformClient.Settings platform) {
        try {
            HttpServer http = HttpServer.create(address, 64);
            DemoServer demo = new DemoServer(http, endpoints, new ChatPlatformClient(platform, Clock.systemUTC()),
                    Clock.systemUTC());
            http.start();
            return demo;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the demo site on " + address, e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- routing ------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        try {
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals(API) || path.startsWith(API + "/")) {
                api(exchange, path.substring(API.length()));
            } else if (path.equals("/demo-config.js")) {
                requireRead(exchange);
                send(exchange, 200, "text/javascript; charset=utf-8", demoConfig, "no-store");
            } else {
                requireRead(exchange);
                String name = path.equals("/") ? "index.html" : path.substring(1);
                byte[] file = STATIC_NAME.matcher(name).matches() ? siteFile(name) : null;
                if (file == null) {
                    throw new Problem(404, "not-found", "Not found", "There is no page " + path + " on the demo site.");
                }
                send(exchange, 200, contentType(name), file, "no-cache");
            }
        } catch (Problem problem) {
            sendProblem(exchange, problem);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "demo site: " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getRawPath() + " failed: " + e);
            sendProblem(exchange, new Problem(500, "internal", "Internal error", "The demo server failed; see its log."));
        } finally {
            exchange.close();
        }
    }

    private void api(HttpExchange exchange, String rest) throws IOException {
        if (rest.isEmpty() || rest.equals("/")) {
            requireMethod(exchange, "GET");
            ArrayNode list = Json.MAPPER.createArrayNode();
            for (DemoChats.ChatSummary chat : chats.list()) {
                list.addObject().put("chatId", chat.chatId()).put("lastSeen", chat.lastSeen().toString());
            }
            sendJson(exchange, 200, list);
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        if (parts.length != 2 || !(parts[1].equals("messages") || parts[1].equals("invite")
                || parts[1].equals("chat-credential"))) {
            throw new Problem(404, "not-found", "Not found", "The demo chat API has no " + API + rest + ".");
        }
        String chatId = chatId(parts[0]);
        if (parts[1].equals("messages")) {
            if (exchange.getRequestMethod().equals("GET")) {
                long after = after(exchange.getRequestURI().getRawQuery());
                ArrayNode list = Json.MAPPER.createArrayNode();
                chats.messagesAfter(chatId, after).forEach(m -> list.add(toJson(m)));
                sendJson(exchange, 200, list);
            } else {
                requireMethod(exchange, "GET", "POST");
                postMessage(exchange, chatId);
            }
        } else if (parts[1].equals("chat-credential")) {
            requireMethod(exchange, "POST");
            chatCredential(exchange, chatId);
        } else {
            requireMethod(exchange, "POST");
            invite(exchange, chatId);
        }
    }

    /**
     * The chat widget's "Ask for co-browsing help": as a chat platform would, the demo asks invite-service for
     * the chat's credential and hands it to the widget (and only to it), which gives it to the tag.
     */
    private void chatCredential(HttpExchange exchange, String chatId) throws IOException {
        ChatPlatformClient.Outcome outcome;
        try {
            outcome = platform.createChatCredential(chatId);
        } catch (ChatPlatformClient.UpstreamException e) {
            LOG.log(Level.WARNING, "demo chat: chat credential for chat {0} failed: {1}", chatId, e.getMessage());
            throw new Problem(502, "upstream-unavailable", "Help cannot be asked for now", e.getMessage());
        }
        switch (outcome) {
            case ChatPlatformClient.Outcome.Refused refused -> {
                if (refused.contentType().startsWith("application/problem+json")) {
                    send(exchange, refused.status(), refused.contentType(), refused.body(), "no-store");
                } else {
                    throw new Problem(refused.status(), "chat-credential-failed", "Help cannot be asked for now",
                            "invite-service answered HTTP " + refused.status());
                }
            }
            case ChatPlatformClient.Outcome.Created created -> {
                ObjectNode answer = Json.MAPPER.createObjectNode()
                        .put("credential", created.credential())
                        .put("expiresAt", created.inviteWithoutCredential().path("expiresAt").asText(""));
                send(exchange, 201, "application/json", Json.MAPPER.writeValueAsBytes(answer), "no-store");
            }
        }
    }

    // ---- the chat -----------------------------------------------------------------------------

    private void postMessage(HttpExchange exchange, String chatId) throws IOException {
        JsonNode body = jsonBody(exchange);
        List<FieldError> errors = new ArrayList<>();
        String from = text(body, "from");
        if (from == null || !SENDERS.contains(from)) {
            errors.add(new FieldError("from", "must be visitor or agent"));
        }
        String text = text(body, "text");
        if (text == null || text.isBlank()) {
            errors.add(new FieldError("text", "is required"));
        } else if (text.length() > MAX_TEXT) {
            errors.add(new FieldError("text", "must be at most " + MAX_TEXT + " characters"));
        }
        requireValid(errors);
        DemoChats.Message message = chats.post(chatId, from, text.strip(), null);
        sendJson(exchange, 201, toJson(message));
    }

    private void invite(HttpExchange exchange, String chatId) throws IOException {
        JsonNode body = jsonBody(exchange);
        List<FieldError> errors = new ArrayList<>();
        String agentId = text(body, "agentId");
        if (agentId == null || !ID.matcher(agentId).matches()) {
            errors.add(new FieldError("agentId", "must be 1 to 128 characters among A-Z a-z 0-9 . _ : @ -"));
        }
        String mode = text(body, "mode");
        if (mode == null || !MODES.contains(mode)) {
            errors.add(new FieldError("mode", "must be VIEW_ONLY or SHARED"));
        }
        requireValid(errors);
        ChatPlatformClient.Outcome outcome;
        try {
            outcome = platform.createInvite(agentId, chatId, mode);
        } catch (ChatPlatformClient.UpstreamException e) {
            LOG.log(Level.WARNING, "demo chat: invite for chat {0} failed: {1}", chatId, e.getMessage());
            throw new Problem(502, "upstream-unavailable", "Invite could not be sent", e.getMessage());
        }
        switch (outcome) {
            case ChatPlatformClient.Outcome.Refused refused -> {
                LOG.log(Level.INFO, "demo chat: invite-service refused the invite for chat {0}: HTTP {1}", chatId,
                        refused.status());
                if (refused.contentType().startsWith("application/problem+json")) {
                    send(exchange, refused.status(), refused.contentType(), refused.body(), "no-store");
                } else {
                    throw new Problem(refused.status(), "invite-failed", "Invite could not be sent",
                            "invite-service answered HTTP " + refused.status());
                }
            }
            case ChatPlatformClient.Outcome.Created created -> {
                ObjectNode invite = created.inviteWithoutCredential();
                String inviteId = invite.path("id").asText("");
                String modeText = "SHARED".equals(mode) ? "shared control" : "view only";
                chats.post(chatId, "system", agentId + " would like to see your screen to help you (" + modeText + ").",
                        new DemoChats.Invite(inviteId, mode, created.credential()));
                LOG.log(Level.INFO, "demo chat: invite {0} for chat {1} sent into the chat", inviteId, chatId);
                sendJson(exchange, created.status(), invite);
            }
        }
    }

    private static ObjectNode toJson(DemoChats.Message message) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("n", message.n())
                .put("from", message.from())
                .put("text", message.text())
                .put("at", message.at().toString());
        if (message.invite() != null) {
            node.putObject("invite")
                    .put("id", message.invite().id())
                    .put("mode", message.invite().mode())
                    .put("credential", message.invite().credential());
        }
        return node;
    }

    // ---- input --------------------------------------------------------------------------------

    private static String chatId(String rawSegment) {
        String chatId;
        try {
            chatId = URLDecoder.decode(rawSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            chatId = null;
        }
        if (chatId == null || !ID.matcher(chatId).matches()) {
            throw new Problem(400, "validation", "Invalid request", "chatId: must be 1 to 128 characters among "
                    + "A-Z a-z 0-9 . _ : @ -", List.of(new FieldError("chatId", "must be 1 to 128 characters among "
                    + "A-Z a-z 0-9 . _ : @ -")));
        }
        return chatId;
    }

    private static long after(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return 0;
        }
        long after = 0;
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("after=")) {
                String value = pair.substring("after=".length());
                if (!AFTER.matcher(value).matches()) {
                    throw new Problem(400, "validation", "Invalid request", "after: must be a message number",
                            List.of(new FieldError("after", "must be a message number")));
                }
                after = Long.parseLong(value);
            }
        }
        return after;
    }

    private static JsonNode jsonBody(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Problem(415, "unsupported-media-type", "Unsupported media type", "Send application/json.");
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new Problem(413, "too-large", "Request too large", "The body must be at most " + MAX_BODY + " bytes.");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new Problem(400, "malformed-request", "Malformed request", "The body must be a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Problem(400, "malformed-request", "Malformed request", "The body is not valid JSON.");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static void requireValid(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            String detail = String.join("; ", errors.stream().map(e -> e.field() + ": " + e.message()).toList());
            throw new Problem(400, "validation", "Invalid request", detail, errors);
        }
    }

    private static void requireRead(HttpExchange exchange) {
        requireMethod(exchange, "GET", "HEAD");
    }

    private static void requireMethod(HttpExchange exchange, String... allowed) {
        String method = exchange.getRequestMethod();
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
        throw new Problem(405, "method-not-allowed", "Method not allowed", method + " is not allowed here.");
    }

    // ---- output -------------------------------------------------------------------------------

    record FieldError(String field, String message) {
    }

    /** An error answer; thrown inside a handler, sent as application/problem+json. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String slug;
        final String title;
        final transient List<FieldError> errors;

        Problem(int status, String slug, String title, String detail) {
            this(status, slug, title, detail, List.of());
        }

        Problem(int status, String slug, String title, String detail, List<FieldError> errors) {
            super(detail, null, false, false);
            this.status = status;
            this.slug = slug;
            this.title = title;
            this.errors = errors;
        }
    }

    private static void sendProblem(HttpExchange exchange, Problem problem) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("type", "https://tandem.dev/problems/" + problem.slug)
                .put("title", problem.title)
                .put("status", problem.status)
                .put("detail", problem.getMessage());
        if (!problem.errors.isEmpty()) {
            ArrayNode errors = node.putArray("errors");
            problem.errors.forEach(e -> errors.addObject().put("field", e.field()).put("message", e.message()));
        }
        try {
            send(exchange, problem.status, "application/problem+json",
                    node.toString().getBytes(StandardCharsets.UTF_8), "no-store");
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8), "no-store");
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, String cache)
            throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("Cache-Control", cache);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    // ---- the site -----------------------------------------------------------------------------

    private byte[] siteFile(String name) {
        byte[] cached = files.get(name);
        if (cached != null) {
            return cached;
        }
        try (InputStream in = DemoServer.class.getClassLoader().getResourceAsStream("demo-site/" + name)) {
            if (in == null) {
                return null;
            }
            byte[] content = in.readAllBytes();
            files.put(name, content);
            return content;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] demoConfig(Endpoints endpoints) {
        ObjectNode config = Json.MAPPER.createObjectNode().put("siteId", SITE_ID);
        config.putObject("endpoints")
                .put("invites", origin(endpoints.invites()))
                .put("sessions", origin(endpoints.sessions()))
                .put("config", origin(endpoints.config()))
                .put("gateway", webSocketOrigin(endpoints.gateway()));
        config.put("tagUrl", origin(endpoints.gateway()) + "/tandem.js");
        return ("window.TANDEM_DEMO = " + config + ";\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static String webSocketOrigin(URI httpUri) {
        return ("https".equals(httpUri.getScheme()) ? "wss" : "ws") + "://" + httpUri.getRawAuthority();
    }

    private static String contentType(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".json")) {
            return "application/json";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (name.endsWith(".png")) {
            return "image/png";
        }
        if (name.endsWith(".ico")) {
            return "image/x-icon";
        }
        return "application/octet-stream";
    }
}
