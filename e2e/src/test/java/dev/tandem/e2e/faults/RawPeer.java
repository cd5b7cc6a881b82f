package dev.tandem.e2e.faults;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One side of a session without a browser: a WebSocket to the gateway with the join token in
 * {@code Sec-WebSocket-Protocol} (and, for an agent, its OIDC access token the way Quarkus reads it from a
 * browser), keeping every text frame it receives.
 */
public final class RawPeer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private RawPeer(URI uri, String origin, String joinToken, String accessToken) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .header("Origin", origin);
        if (accessToken == null) {
            builder.subprotocols("tandem.v1", "tandem.token." + joinToken);
        } else {
            builder.subprotocols("tandem.v1", "tandem.token." + joinToken, "quarkus-http-upgrade#Authorization#"
                    + URLEncoder.encode("Bearer " + accessToken, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        try {
            socket = builder.buildAsync(uri, new Listener()).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot connect to " + uri + ": " + e, e);
        }
    }

    public static RawPeer visitor(URI gateway, String demoOrigin, String joinToken) {
        return new RawPeer(ws(gateway, "/ws/visitor"), demoOrigin, joinToken, null);
    }

    public static RawPeer agent(URI gateway, String joinToken, String accessToken) {
        String origin = gateway.getScheme() + "://" + gateway.getRawAuthority();
        return new RawPeer(ws(gateway, "/ws/agent"), origin, joinToken, accessToken);
    }

    private static URI ws(URI gateway, String path) {
        return URI.create("ws://" + gateway.getRawAuthority() + path);
    }

    public void send(String json) {
        socket.sendText(json, true).join();
    }

    /** A small but complete snapshot of a page with one text, as the tag would send it. */
    public void sendSnapshot(int seq, String text) {
        send("{\"t\":\"snapshot\",\"seq\":" + seq + ",\"snapshotId\":\"s" + seq + "\",\"url\":\"http://localhost/soak\","
                + "\"title\":\"soak\",\"viewport\":{\"w\":800,\"h\":600},\"scroll\":{\"x\":0,\"y\":0},"
                + "\"root\":{\"id\":1,\"type\":9,\"children\":[{\"id\":2,\"type\":1,\"tag\":\"html\",\"attrs\":{},"
                + "\"children\":[{\"id\":3,\"type\":1,\"tag\":\"body\",\"attrs\":{},\"children\":[{\"id\":4,\"type\":3,"
                + "\"text\":\"" + text + "\"}]}]}]}}");
    }

    public boolean hasReceived(String fragment) {
        return received.stream().anyMatch(f -> f.contains(fragment));
    }

    public List<String> received() {
        return received;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
