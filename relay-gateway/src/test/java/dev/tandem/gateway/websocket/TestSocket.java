package dev.tandem.gateway.websocket;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that records what it receives and how it was closed. */
final class TestSocket implements WebSocket.Listener {

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binary = new LinkedBlockingQueue<>();
    private java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    WebSocket socket;

    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Gateways seen ready ({@code /q/health/ready}): they refuse upgrades with 503 until they read tandem.relay. */
    private static final java.util.Set<String> READY = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static void awaitReady(URI uri) {
        String base = "http://" + uri.getRawAuthority();
        if (READY.contains(base)) {
            return;
        }
        org.awaitility.Awaitility.await("the gateway at " + base + " ready").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/q/health/ready")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        READY.add(base);
    }

    static TestSocket open(URI uri, String origin, String... subprotocols) {
        awaitReady(uri);
        TestSocket listener = new TestSocket();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        listener.socket = builder.buildAsync(uri, listener).join();
        return listener;
    }

    /** The HTTP status the handshake was refused with, or 101 if it was accepted. */
    static int handshakeStatus(URI uri, String origin, String... subprotocols) {
        try {
            TestSocket s = open(uri, origin, subprotocols);
            s.socket.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    String next() throws InterruptedException {
        String message = received.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 10 s");
        }
        return message;
    }

    /** The next message whose type is not one of the gateway's own notices. */
    String nextRelayed() throws InterruptedException {
        while (true) {
            String message = next();
            if (!message.contains("\"t\":\"peer\"") && !message.contains("\"t\":\"hello\"")) {
                return message;
            }
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, java.nio.ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partialBinary.writeBytes(bytes);
        if (last) {
            binary.add(partialBinary.toByteArray());
            partialBinary = new java.io.ByteArrayOutputStream();
        }
        webSocket.request(1);
        return null;
    }

    void sendBinary(byte[] frame) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(frame), true).join();
    }

    byte[] nextBinary() throws InterruptedException {
        byte[] message = binary.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no binary message within 10 s");
        }
        return message;
    }

    /** A binary frame as docs/adr/0004 describes it: uint16 header length, JSON header, payload. */
    static byte[] binaryFrame(String header, byte[] payload) {
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(2 + h.length + payload.length).putShort((short) h.length).put(h)
                .put(payload).array();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }
}
