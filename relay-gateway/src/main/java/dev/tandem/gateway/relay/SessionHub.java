package dev.tandem.gateway.relay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.gateway.config.GatewayConfig;
import dev.tandem.gateway.messaging.GatewayEventPublisher;
import dev.tandem.gateway.relay.MessagePolicy.Verdict;
import dev.tandem.gateway.security.JoinToken;
import dev.tandem.gateway.security.JoinToken.Role;
import dev.tandem.gateway.websocket.JoinUpgradeCheck;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/**
 * The sessions this replica carries: for each, the visitor's and the agent's connection. It keeps
 * nothing a restart would lose; the clients reconnect and the visitor sends a fresh snapshot.
 */
@ApplicationScoped
public class SessionHub {

    public static final int CLOSE_NORMAL = 1000;
    public static final int CLOSE_UNSUPPORTED = 1003;
    public static final int CLOSE_MALFORMED = 1007;
    public static final int CLOSE_TOO_BIG = 1009;

    static final class Room {
        final String sessionId;
        volatile Mode mode;
        volatile WebSocketConnection visitor;
        volatile WebSocketConnection agent;

        Room(String sessionId, Mode mode) {
            this.sessionId = sessionId;
            this.mode = mode;
        }

        WebSocketConnection of(Role role) {
            return role == Role.VISITOR ? visitor : agent;
        }

        WebSocketConnection peerOf(Role role) {
            return role == Role.VISITOR ? agent : visitor;
        }

        void set(Role role, WebSocketConnection connection) {
            if (role == Role.VISITOR) {
                visitor = connection;
            } else {
                agent = connection;
            }
        }
    }

    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final GatewayEventPublisher events;
    private final ObjectMapper json;
    private final AtomicLong dropped = new AtomicLong();

    private final int maxMessageSize;

    public SessionHub(GatewayEventPublisher events, ObjectMapper json, GatewayConfig config) {
        this.events = events;
        this.json = json;
        this.maxMessageSize = config.maxMessageSize();
    }

    public Uni<Void> join(WebSocketConnection connection) {
        JoinToken token = connection.userData().get(JoinUpgradeCheck.JOIN);
        Room room = rooms.computeIfAbsent(token.sessionId(), id -> new Room(id, token.mode()));
        WebSocketConnection previous;
        synchronized (room) {
            previous = room.of(token.role());
            room.set(token.role(), connection);
        }
        if (previous != null && previous.isOpen()) {
            // A reconnect from the same side replaces the old socket.
            previous.close(new CloseReason(CLOSE_NORMAL, "replaced by a newer connection")).subscribe().with(x -> { });
        }
        events.connected(token.sessionId(), token.role());
        WebSocketConnection peer = room.peerOf(token.role());
        boolean peerConnected = peer != null && peer.isOpen();
        Uni<Void> hello = connection.sendText(write(Map.of("t", "hello", "role", token.role().wire(),
                "sessionId", token.sessionId(), "mode", room.mode.name(), "peerConnected", peerConnected)));
        if (peerConnected) {
            send(peer, write(Map.of("t", "peer", "role", token.role().wire(), "connected", true)));
        }
        return hello;
    }

    public Uni<Void> receive(WebSocketConnection connection, String frame) {
        JoinToken token = connection.userData().get(JoinUpgradeCheck.JOIN);
        Room room = rooms.get(token.sessionId());
        if (room == null || room.of(token.role()) != connection) {
            return connection.close(new CloseReason(CLOSE_NORMAL, "not part of a live session"));
        }
        if (frame.length() > maxMessageSize) {
            return connection.close(new CloseReason(CLOSE_TOO_BIG, "message too big"));
        }
        String type;
        try {
            type = FrameHeader.type(frame);
        } catch (FrameHeader.MalformedFrame e) {
            return connection.close(new CloseReason(CLOSE_MALFORMED, "malformed message: " + e.getMessage()));
        }
        Verdict verdict = MessagePolicy.decide(token.role(), room.mode, type);
        switch (verdict) {
            case RELAY -> {
                WebSocketConnection peer = room.peerOf(token.role());
                if (peer != null && peer.isOpen()) {
                    send(peer, frame);
                }
                return Uni.createFrom().voidItem();
            }
            case END -> {
                events.endRequested(token.sessionId(), token.role());
                return Uni.createFrom().voidItem();
            }
            case DROP -> {
                dropped.incrementAndGet();
                Log.infof("dropped a '%s' from the agent of a %s session", type, room.mode);
                return Uni.createFrom().voidItem();
            }
            default -> {
                return connection.close(new CloseReason(CLOSE_UNSUPPORTED,
                        "message type not allowed for the " + token.role().wire()));
            }
        }
    }

    public void leave(WebSocketConnection connection) {
        JoinToken token = connection.userData().get(JoinUpgradeCheck.JOIN);
        if (token == null) {
            return;
        }
        Room room = rooms.get(token.sessionId());
        if (room == null) {
            return;
        }
        WebSocketConnection peer;
        synchronized (room) {
            if (room.of(token.role()) != connection) {
                return; // already replaced by a reconnect
            }
            room.set(token.role(), null);
            peer = room.peerOf(token.role());
            if (room.visitor == null && room.agent == null) {
                rooms.remove(token.sessionId(), room);
            }
        }
        events.disconnected(token.sessionId(), token.role());
        if (peer != null && peer.isOpen()) {
            send(peer, write(Map.of("t", "peer", "role", token.role().wire(), "connected", false)));
        }
    }

    /** The session ended (from session-service): tell both sides why and close their sockets. */
    public void end(String sessionId, SessionEvent.EndReason reason) {
        Room room = rooms.remove(sessionId);
        if (room == null) {
            return;
        }
        String reasonText = reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String ended = write(Map.of("t", "ended", "reason", reasonText));
        for (WebSocketConnection connection : new WebSocketConnection[] { room.visitor, room.agent }) {
            if (connection != null && connection.isOpen()) {
                connection.sendText(ended)
                        .onTermination().call(() -> connection.close(new CloseReason(CLOSE_NORMAL, "session ended: " + reasonText)))
                        .subscribe().with(x -> { }, e -> Log.debugf("closing an ended session's socket: %s", e.toString()));
            }
        }
    }

    /** The session's mode changed: enforcement changes at once. */
    public void changeMode(String sessionId, Mode mode) {
        Room room = rooms.get(sessionId);
        if (room != null) {
            room.mode = mode;
        }
    }

    public long droppedMessages() {
        return dropped.get();
    }

    public int liveSessions() {
        return rooms.size();
    }

    private static void send(WebSocketConnection to, String frame) {
        to.sendText(frame).subscribe().with(x -> { }, e -> Log.debugf("relay to a closing socket failed: %s", e.toString()));
    }

    private String write(Map<String, Object> message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
