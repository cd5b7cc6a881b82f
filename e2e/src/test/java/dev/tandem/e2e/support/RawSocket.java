package dev.tandem.e2e.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A WebSocket client that skips the tag and the viewer (java.net.http): it offers the join token (and for
 * agents the OIDC access token) the way the browser code does, keeps every text frame it receives, and sends
 * whatever a test forges.
 */
public final class RawSocket implements WebSocket.Listener {

    /** How a refused upgrade answered. */
    public record Refusal(int status, String body) {
    }

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<byte[]> binaryReceived = new CopyOnWriteArrayList<>();
    private final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile Consumer<String> onText = t -> { };
    private WebSocket socket;

    private RawSocket() {
    }

    /** Opens {@code path} with the join token (and, when not null, an agent's OIDC access token). */
    public static RawSocket open(URI gateway, String path, String origin, String joinToken, String accessToken,
            Consumer<String> onText) {
        RawSocket raw = new RawSocket();
        if (onText != null) {
            raw.onText = onText;
        }
        raw.socket = builder(origin, joinToken, accessToken)
                .buildAsync(ws(gateway, path), raw).orTimeout(15, TimeUnit.SECONDS).join();
        return raw;
    }

    /** Tries the upgrade and answers how it was refused; fails when the gateway accepts it. */
    public static Refusal refusal(URI gateway, String path, String origin, String joinToken, String accessToken) {
        RawSocket raw = new RawSocket();
        try {
            WebSocket accepted = builder(origin, joinToken, accessToken).buildAsync(ws(gateway, path), raw)
                    .orTimeout(15, TimeUnit.SECONDS).join();
            accepted.abort();
            throw new AssertionError("the gateway accepted the upgrade on " + path);
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                Object body = refused.getResponse().body();
                return new Refusal(refused.getResponse().statusCode(), body == null ? "" : String.valueOf(body));
            }
            throw e;
        }
    }

    private static WebSocket.Builder builder(String origin, String joinToken, String accessToken) {
        WebSocket.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .newWebSocketBuilder().header("Origin", origin);
        if (accessToken != null) {
            return builder.subprotocols("tandem.token." + joinToken,
                    "quarkus-http-upgrade#Authorization#Bearer%20" + accessToken, "tandem.v1");
        }
        return builder.subprotocols("tandem.v1", "tandem.token." + joinToken);
    }

    private static URI ws(URI gateway, String path) {
        return URI.create(gateway.toString().replaceFirst("^http", "ws") + path);
    }

    public synchronized void send(String text) {
        socket.sendText(text, true).orTimeout(15, TimeUnit.SECONDS).join();
    }

    public synchronized void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(15, TimeUnit.SECONDS).join();
    }

    public List<String> received() {
        return received;
    }

    /** The close code the gateway sent, once it closed. */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).join();
            } catch (RuntimeException e) {
                socket.abort();
            }
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            received.add(text);
            try {
                onText.accept(text);
            } catch (RuntimeException e) {
                received.add("listener failed: " + e);
            }
        }
        webSocket.request(1);
        return null;
    }

    /** Binary frames received (whole), e.g. snapshot chunks. */
    public List<byte[]> binaryReceived() {
        return binaryReceived;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partialBinary.writeBytes(bytes);
        if (last) {
            binaryReceived.add(partialBinary.toByteArray());
            partialBinary.reset();
        }
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
