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
 * The agent's (or an observer's) viewer: receives the page, sends pointer, highlights and (agents, in
 * shared mode) control. Binary frames from this side are refused with 1003.
 */
@WebSocket(path = "/ws/agent")
public class AgentSocket {

    private final SessionHub hub;

    public AgentSocket(SessionHub hub) {
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
