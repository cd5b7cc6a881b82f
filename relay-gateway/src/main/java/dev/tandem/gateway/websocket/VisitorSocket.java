package dev.tandem.gateway.websocket;

import dev.tandem.gateway.relay.SessionHub;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * The visitor's tag: sends the page (snapshot, compressed snapshot chunks as binary frames, changes,
 * pointer), receives the agent's pointer and highlights.
 */
@WebSocket(path = "/ws/visitor")
public class VisitorSocket {

    private final SessionHub hub;

    public VisitorSocket(SessionHub hub) {
        this.hub = hub;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        return hub.join(connection);
    }

    @OnTextMessage
    public Uni<Void> message(WebSocketConnection connection, String frame) {
        return hub.receive(connection, frame);
    }

    @OnBinaryMessage
    public Uni<Void> binary(WebSocketConnection connection, Buffer frame) {
        return hub.receive(connection, frame);
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        hub.leave(connection);
    }
}
