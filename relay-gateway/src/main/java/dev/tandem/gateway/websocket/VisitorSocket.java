package dev.tandem.gateway.websocket;

import dev.tandem.gateway.relay.SessionHub;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** The visitor's tag: sends the page (snapshot, changes, pointer), receives the agent's pointer and highlights. */
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

    @OnClose
    public void close(WebSocketConnection connection) {
        hub.leave(connection);
    }
}
