package dev.tandem.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tandem.contracts.Mode;
import dev.tandem.contracts.SessionEvent;
import dev.tandem.gateway.config.GatewayConfig;
import dev.tandem.gateway.messaging.GatewayEventPublisher;
import dev.tandem.gateway.messaging.RelayBus;
import dev.tandem.gateway.relay.GatewayMetrics.Direction;
import dev.tandem.gateway.relay.MessagePolicy.Verdict;
import dev.tandem.gateway.relay.RelayEnvelope.From;
import dev.tandem.gateway.relay.RelayEnvelope.Kind;
import dev.tandem.gateway.security.JoinToken;
import dev.tandem.gateway.security.JoinToken.Role;
import dev.tandem.gateway.security.SiteOrigins;
import dev.tandem.gateway.websocket.JoinUpgradeCheck;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * The sessions this replica carries. For each: the local visitor, agent and observers, and what the
 * other replicas told it through {@code tandem.relay} (which roles they hold). A frame goes straight to
 * the local recipients and, only when another replica holds one, onto the relay topic, sealed and
 * numbered; a gap in a stream's numbers, or frames dropped for a slow reader, make the gateway ask the
 * visitor for a fresh snapshot. Nothing here outlives a restart: the clients reconnect and the visitor
 * sends a fresh snapshot.
 */
@ApplicationScoped
public class SessionHub {

    public static final int CLOSE_NORMAL = 1000;
    public static final int CLOSE_GOING_AWAY = 1001;
    public static final int CLOSE_UNSUPPORTED = 1003;
    public static final int CLOSE_MALFORMED = 1007;
    public static final int CLOSE_POLICY = 1008;
    public static final int CLOSE_TOO_BIG = 1009;

    public static final UserData.TypedKey<Link> LINK = new UserData.TypedKey<>("tandem.link");
    static final String RESYNC = "{\"t\":\"resync\"}";

    static final class Room {
        final String sessionId;
        volatile Mode mode;
        Link visitor;
        Link agent;
        final Set<Link> observers = new LinkedHashSet<>();
        /** Other replicas' connections in this session: role, replica, how many. */
        final Map<Role, Map<UUID, Integer>> remote = new EnumMap<>(Role.class);
        /** When each other replica last published anything of this session (System.nanoTime()). */
        final Map<UUID, Long> heardAt = new HashMap<>();
        /** This room's outgoing stream on the relay topic. */
        final long stream = ThreadLocalRandom.current().nextLong();
        long seq;
        /** The last number seen per incoming stream. */
        final Map<Long, Long> seen = new HashMap<>();
        long resyncAt;
        long activityAt;
        String pageUrl;
        long pageAt;
        final Map<String, Long> refusedAt = new HashMap<>();
        boolean gone;

        Room(String sessionId, Mode mode) {
            this.sessionId = sessionId;
            this.mode = mode;
        }

        int local(Role role) {
            return switch (role) {
                case VISITOR -> visitor == null ? 0 : 1;
                case AGENT -> agent == null ? 0 : 1;
                case OBSERVER -> observers.size();
            };
        }

        int remote(Role role) {
            return remote.getOrDefault(role, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
        }

        boolean present(Role role) {
            return local(role) > 0 || remote(role) > 0;
        }

        boolean empty() {
            return visitor == null && agent == null && observers.isEmpty();
        }

        /** The local connections that receive what {@code from} sends. */
        List<Link> recipients(From from) {
            List<Link> to = new ArrayList<>(2);
            if (from == From.VISITOR) {
                if (agent != null) {
                    to.add(agent);
                }
                to.addAll(observers);
            } else if (visitor != null) {
                to.add(visitor);
            }
            return to;
        }

        boolean remoteRecipients(From from) {
            return from == From.VISITOR ? remote(Role.AGENT) + remote(Role.OBSERVER) > 0 : remote(Role.VISITOR) > 0;
        }
    }

    private final ConcurrentMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final GatewayEventPublisher events;
    private final RelayBus relay;
    private final GatewayMetrics metrics;
    private final ObjectMapper json;
    private final GatewayConfig config;
    private final SiteOrigins origins;
    private final EndedSessions ended;
    private final int maxMessageSize;

    public SessionHub(GatewayEventPublisher events, RelayBus relay, GatewayMetrics metrics, ObjectMapper json,
            GatewayConfig config, SiteOrigins origins, EndedSessions ended) {
        this.events = events;
        this.ended = ended;
        this.origins = origins;
        this.relay = relay;
        this.metrics = metrics;
        this.json = json;
        this.config = config;
        this.maxMessageSize = config.maxMessageSize();
        metrics.gauges(rooms::size, role -> rooms.values().stream()
                .mapToInt(r -> r.local(Role.valueOf(role.toUpperCase(Locale.ROOT)))).sum());
    }

    // ---- joining and leaving ------------------------------------------------------------------

    public Uni<Void> join(WebSocketConnection connection) {
        JoinToken token = connection.userData().get(JoinUpgradeCheck.JOIN);
        Link link = new Link(connection, token, config.limits());
        connection.userData().put(LINK, link);
        Role role = token.role();
        Room room;
        Link replaced = null;
        boolean peerConnected;
        List<Link> tell;
        while (true) {
            if (ended.hasEnded(token.sessionId())) {
                // ended between the handshake check and now: no room comes back for it
                return connection.close(new CloseReason(CLOSE_NORMAL, "session ended"));
            }
            room = rooms.computeIfAbsent(token.sessionId(), id -> new Room(id, token.mode()));
            synchronized (room) {
                if (room.gone) {
                    continue;
                }
                if (ended.hasEnded(token.sessionId())) {
                    if (room.empty()) {
                        room.gone = true;
                        rooms.remove(room.sessionId, room);
                    }
                    continue;
                }
                switch (role) {
                    case VISITOR -> {
                        replaced = room.visitor;
                        room.visitor = link;
                    }
                    case AGENT -> {
                        replaced = room.agent;
                        room.agent = link;
                    }
                    case OBSERVER -> {
                        // one socket per observer (join token subject) on this replica: the newest
                        for (Link observer : room.observers) {
                            if (observer.token.subject().equals(token.subject())) {
                                replaced = observer;
                            }
                        }
                        if (replaced != null) {
                            room.observers.remove(replaced);
                        }
                        room.observers.add(link);
                    }
                }
                if (role != Role.OBSERVER) {
                    // one visitor and one agent per session: the newest connection wins everywhere
                    room.remote.remove(role);
                }
                peerConnected = role == Role.VISITOR ? room.present(Role.AGENT) : room.present(Role.VISITOR);
                tell = role == Role.VISITOR ? room.recipients(From.VISITOR) : room.recipients(From.AGENT);
                publishPresence(room, role, RelayEnvelope.FRESH_JOIN);
            }
            break;
        }
        if (replaced != null) {
            close(replaced, CLOSE_NORMAL, "replaced by a newer connection");
        }
        events.connected(token.sessionId(), role);
        for (Link peer : tell) {
            sendNotice(peer, Map.of("t", "peer", "role", role.wire(), "connected", true));
        }
        Map<String, Object> hello = new LinkedHashMap<>();
        hello.put("t", "hello");
        hello.put("role", role.wire());
        hello.put("sessionId", token.sessionId());
        hello.put("mode", room.mode.name());
        hello.put("peerConnected", peerConnected);
        if (role != Role.VISITOR) {
            // the viewer's sanitiser and CSP let the rebuilt page load only from these: the site's config, a
            // source the visitor cannot forge (a forged snapshot could name any page address)
            hello.put("origins", origins.of(token.siteId()).stream().sorted().toList());
        }
        return connection.sendText(write(hello));
    }

    public void leave(WebSocketConnection connection) {
        Link link = connection.userData().get(LINK);
        if (link == null) {
            return;
        }
        Role role = link.token.role();
        Room room = rooms.get(link.token.sessionId());
        if (room == null) {
            return;
        }
        List<Link> tell = List.of();
        synchronized (room) {
            boolean removed = switch (role) {
                case VISITOR -> room.visitor == link && (room.visitor = null) == null;
                case AGENT -> room.agent == link && (room.agent = null) == null;
                case OBSERVER -> room.observers.remove(link);
            };
            if (!removed) {
                return; // replaced by a reconnect, or the session ended
            }
            publishPresence(room, role, 0);
            if (!room.present(role)) {
                tell = role == Role.VISITOR ? room.recipients(From.VISITOR) : room.recipients(From.AGENT);
            }
            if (room.empty()) {
                room.gone = true;
                rooms.remove(room.sessionId, room);
                relay.forget(room.sessionId);
            }
        }
        events.disconnected(link.token.sessionId(), role);
        for (Link peer : tell) {
            sendNotice(peer, Map.of("t", "peer", "role", role.wire(), "connected", false));
        }
    }

    // ---- frames from clients ------------------------------------------------------------------

    public Uni<Void> receive(WebSocketConnection connection, String frame) {
        Link link = connection.userData().get(LINK);
        Room room = live(link);
        if (room == null) {
            return connection.close(new CloseReason(CLOSE_NORMAL, "not part of a live session"));
        }
        if (frame.length() > maxMessageSize) {
            metrics.drop("too-big");
            return connection.close(new CloseReason(CLOSE_TOO_BIG, "message too big"));
        }
        if (!link.admit(frame.length())) {
            metrics.drop("rate");
            return connection.close(new CloseReason(CLOSE_POLICY, "rate limit exceeded"));
        }
        String type;
        try {
            type = FrameHeader.type(frame);
        } catch (FrameHeader.MalformedFrame e) {
            metrics.drop("malformed");
            return connection.close(new CloseReason(CLOSE_MALFORMED, "malformed message: " + e.getMessage()));
        }
        return act(room, link, MessagePolicy.decide(link.token.role(), room.mode, type), Frame.text(type, frame));
    }

    public Uni<Void> receive(WebSocketConnection connection, Buffer frame) {
        Link link = connection.userData().get(LINK);
        Room room = live(link);
        if (room == null) {
            return connection.close(new CloseReason(CLOSE_NORMAL, "not part of a live session"));
        }
        if (frame.length() > maxMessageSize) {
            metrics.drop("too-big");
            return connection.close(new CloseReason(CLOSE_TOO_BIG, "message too big"));
        }
        if (!link.admit(frame.length())) {
            metrics.drop("rate");
            return connection.close(new CloseReason(CLOSE_POLICY, "rate limit exceeded"));
        }
        String type;
        try {
            type = FrameHeader.binaryType(frame.getByteBuf().nioBuffer());
        } catch (FrameHeader.MalformedFrame e) {
            metrics.drop("malformed");
            return connection.close(new CloseReason(CLOSE_MALFORMED, "malformed message: " + e.getMessage()));
        }
        return act(room, link, MessagePolicy.decideBinary(link.token.role(), type), Frame.binary(type, frame));
    }

    private Room live(Link link) {
        if (link == null) {
            return null;
        }
        Room room = rooms.get(link.token.sessionId());
        if (room == null) {
            return null;
        }
        synchronized (room) {
            return room.visitor == link || room.agent == link || room.observers.contains(link) ? room : null;
        }
    }

    private Uni<Void> act(Room room, Link link, Verdict verdict, Frame frame) {
        Role role = link.token.role();
        metrics.frame(Direction.IN, frame);
        switch (verdict) {
            case RELAY -> {
                route(room, from(role), frame);
                if (!MessagePolicy.isHeartbeat(frame.type())) {
                    activity(room);
                }
                if (role == Role.VISITOR && MessagePolicy.REFUSED.equals(frame.type())) {
                    tagRefused(room, frame.text());
                }
                return Uni.createFrom().voidItem();
            }
            case END -> {
                events.endRequested(room.sessionId, role);
                return Uni.createFrom().voidItem();
            }
            case DROP -> {
                refused(room, role, frame.type(), MessagePolicy.dropReason(role));
                return Uni.createFrom().voidItem();
            }
            case AUDIT -> {
                pageVisited(room, frame.text());
                return Uni.createFrom().voidItem();
            }
            default -> {
                metrics.drop("type-not-allowed");
                return link.connection.close(new CloseReason(CLOSE_UNSUPPORTED,
                        "message type not allowed for the " + role.wire()));
            }
        }
    }

    /** Dropped, counted, and published for the audit trail at most once per interval per type (the reason follows from the role). */
    private void refused(Room room, Role role, String type, String reason) {
        metrics.drop(reason);
        if (firstRefusalInInterval(room, type)) {
            events.actionRefused(room.sessionId, role, type, reason);
        }
        Log.debugf("refused a '%s' of the %s in a %s session (%s)", type, role.wire(), room.mode, reason);
    }

    /**
     * The visitor's tag refused an agent's action (relayed to the agent already): published as the agent's
     * ActionRefused with the tag's reason, like the gateway's own drops, at most once per interval per action
     * and reason.
     */
    private void tagRefused(Room room, String frame) {
        TagRefusal refusal = TagRefusal.fromRefusedMessage(frame, json);
        if (refusal == null) {
            metrics.drop("refused-unaudited");
            return;
        }
        if (firstRefusalInInterval(room, "tag:" + refusal.action() + ":" + refusal.reason())) {
            events.actionRefused(room.sessionId, Role.AGENT, refusal.action(), refusal.reason());
        }
    }

    private boolean firstRefusalInInterval(Room room, String key) {
        long now = System.nanoTime();
        synchronized (room) {
            Long last = room.refusedAt.get(key);
            if (last != null && now - last < config.refusedEventInterval().toNanos()) {
                return false;
            }
            room.refusedAt.put(key, now);
            return true;
        }
    }

    /**
     * The visitor's {@code page}: its {@code url}, cut to scheme, host, port and path, published as
     * PageVisited unless it is the session's last page again or comes too soon after the last one.
     */
    private void pageVisited(Room room, String frame) {
        String url = PageAddress.fromPageMessage(frame, json);
        if (url == null) {
            metrics.drop("page-malformed");
            return;
        }
        long now = System.nanoTime();
        synchronized (room) {
            if (url.equals(room.pageUrl)) {
                return;
            }
            if (room.pageUrl != null && now - room.pageAt < config.pageVisitedInterval().toNanos()) {
                metrics.drop("page-throttled");
                return;
            }
            room.pageUrl = url;
            room.pageAt = now;
        }
        events.pageVisited(room.sessionId, url);
        activity(room);
    }

    private void activity(Room room) {
        long now = System.nanoTime();
        synchronized (room) {
            if (room.activityAt != 0 && now - room.activityAt < config.activityInterval().toNanos()) {
                return;
            }
            room.activityAt = now;
        }
        events.activity(room.sessionId);
    }

    private static From from(Role role) {
        return switch (role) {
            case VISITOR -> From.VISITOR;
            case AGENT -> From.AGENT;
            case OBSERVER -> From.OBSERVER;
        };
    }

    /** To the local recipients directly, and onto the relay topic when another replica holds one. */
    private void route(Room room, From from, Frame frame) {
        List<Link> to;
        synchronized (room) {
            to = room.recipients(from);
            if (room.remoteRecipients(from)) {
                byte[] body = frame.isBinary() ? frame.binary().getBytes() : frame.text().getBytes(StandardCharsets.UTF_8);
                publish(room, frame.isBinary() ? Kind.BINARY : Kind.TEXT, from, 0, body);
                metrics.frame(Direction.RELAY_OUT, frame);
            }
        }
        for (Link link : to) {
            deliver(room, link, frame);
        }
    }

    // ---- frames to clients: the bounded queue ------------------------------------------------

    private void deliver(Room room, Link to, Frame frame) {
        if (!to.connection.isOpen()) {
            return;
        }
        long size = frame.size();
        if (frame.isPointer() && to.queued.get() > config.limits().pointerCoalesceBytes()) {
            if (to.pendingPointer.getAndSet(frame) != null) {
                metrics.drop("pointer-coalesced");
            }
            return;
        }
        if (to.queued.get() + size > config.limits().outgoingQueueBytes()) {
            metrics.drop("slow-reader");
            to.overflowed.set(true);
            return;
        }
        to.queued.addAndGet(size);
        Uni<Void> send = frame.isBinary() ? to.connection.sendBinary(frame.binary()) : to.connection.sendText(frame.text());
        send.subscribe().with(x -> written(room, to, size), e -> written(room, to, size));
        metrics.frame(Direction.OUT, frame);
    }

    private void written(Room room, Link to, long size) {
        long left = to.queued.addAndGet(-size);
        if (left <= config.limits().pointerCoalesceBytes()) {
            Frame pointer = to.pendingPointer.getAndSet(null);
            if (pointer != null) {
                deliver(room, to, pointer);
            }
        }
        if (left <= config.limits().outgoingQueueBytes() / 2 && to.overflowed.compareAndSet(true, false)) {
            // the reader missed frames: it needs a fresh snapshot now that it can take one
            requestResync(room);
        }
    }

    /** Asks the session's visitor, here or on another replica, for a fresh snapshot (at most once per interval). */
    void requestResync(Room room) {
        long now = System.nanoTime();
        Link visitor;
        synchronized (room) {
            if (room.resyncAt != 0 && now - room.resyncAt < config.relay().resyncInterval().toNanos()) {
                return;
            }
            room.resyncAt = now;
            visitor = room.visitor;
            if (visitor == null && room.remote(Role.VISITOR) > 0) {
                publish(room, Kind.TEXT, From.GATEWAY, 0, RESYNC.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (visitor != null) {
            deliver(room, visitor, Frame.text("resync", RESYNC));
        }
    }

    // ---- the relay topic ------------------------------------------------------------------------

    /** Call holding the room's lock: numbers and publishes in one step, so the numbers arrive in order. */
    private void publish(Room room, Kind kind, From from, int flags, byte[] body) {
        room.seq++;
        relay.publish(new RelayEnvelope(kind, from, flags, relay.replica(), room.stream, room.seq,
                System.currentTimeMillis(), room.sessionId, body));
    }

    private void publishPresence(Room room, Role role, int flags) {
        publish(room, Kind.PRESENCE, from(role), flags, RelayEnvelope.count(room.local(role)));
    }

    /** A record from the relay topic (another replica's, ours are skipped). */
    public void fromRelay(byte[] record) {
        RelayEnvelope envelope;
        try {
            envelope = RelayEnvelope.peek(record);
        } catch (RelayEnvelope.Malformed e) {
            metrics.drop("relay-malformed");
            return;
        }
        if (envelope.replica().equals(relay.replica())) {
            return;
        }
        Room room = rooms.get(envelope.sessionId());
        if (room == null) {
            return; // no one of this session here
        }
        try {
            envelope = envelope.open(record, relay.key(envelope.sessionId()));
        } catch (RelayEnvelope.Malformed e) {
            metrics.drop("relay-unreadable");
            return;
        }
        boolean gap;
        synchronized (room) {
            room.heardAt.put(envelope.replica(), System.nanoTime());
            Long last = room.seen.put(envelope.stream(), envelope.seq());
            gap = last != null && envelope.seq() > last + 1;
        }
        if (gap) {
            metrics.drop("relay-gap");
            requestResync(room);
        }
        if (envelope.kind() == Kind.PRESENCE) {
            presence(room, envelope);
            return;
        }
        metrics.relayLatency(envelope.sentAtMillis());
        Frame frame;
        if (envelope.kind() == Kind.BINARY) {
            frame = Frame.binary(MessagePolicy.SNAPSHOT_CHUNK, Buffer.buffer(envelope.body()));
        } else {
            String text = new String(envelope.body(), StandardCharsets.UTF_8);
            frame = Frame.text(text.length() < 256 ? typeOf(text) : "", text);
        }
        metrics.frame(Direction.RELAY_IN, frame);
        List<Link> to;
        synchronized (room) {
            to = room.recipients(envelope.from());
        }
        for (Link link : to) {
            deliver(room, link, frame);
        }
    }

    private static String typeOf(String text) {
        try {
            return FrameHeader.type(text);
        } catch (FrameHeader.MalformedFrame e) {
            return "";
        }
    }

    private void presence(Room room, RelayEnvelope envelope) {
        if (envelope.from() == From.GATEWAY) {
            return;
        }
        Role role = Role.valueOf(envelope.from().name());
        boolean fresh = (envelope.flags() & RelayEnvelope.FRESH_JOIN) != 0;
        Link replaced = null;
        List<Link> tell = List.of();
        boolean before;
        boolean after;
        synchronized (room) {
            if (room.gone) {
                return;
            }
            before = room.present(role);
            if (fresh && role != Role.OBSERVER) {
                // one visitor and one agent per session: the newest connection, there, wins
                room.remote.remove(role);
                replaced = role == Role.VISITOR ? room.visitor : room.agent;
                if (role == Role.VISITOR) {
                    room.visitor = null;
                } else {
                    room.agent = null;
                }
            }
            Map<UUID, Integer> replicas = room.remote.computeIfAbsent(role, r -> new HashMap<>());
            if (envelope.count() > 0) {
                replicas.put(envelope.replica(), envelope.count());
            } else {
                replicas.remove(envelope.replica());
            }
            after = room.present(role);
            if (before != after) {
                tell = role == Role.VISITOR ? room.recipients(From.VISITOR) : room.recipients(From.AGENT);
            }
            if (fresh) {
                for (Role mine : Role.values()) {
                    if (room.local(mine) > 0) {
                        publishPresence(room, mine, 0);
                    }
                }
            }
            if (room.empty()) {
                room.gone = true;
                rooms.remove(room.sessionId, room);
                relay.forget(room.sessionId);
            }
        }
        if (replaced != null) {
            close(replaced, CLOSE_NORMAL, "replaced by a newer connection");
        }
        for (Link peer : tell) {
            sendNotice(peer, Map.of("t", "peer", "role", role.wire(), "connected", after));
        }
    }

    /**
     * The presence lease, run every {@code relay.presence-interval}: this replica renews what it holds of
     * each session (a presence record per role it has here), and forgets what another replica claimed of
     * a session when that replica has published nothing of it for {@code relay.presence-ttl} (it died
     * without saying so: a crash, a partition). The local sides are told that the peer is gone ({@code
     * peer}, connected false), and frames stop going onto the topic for it. A replica that was only slow
     * comes back with its next renewal (and the peer is told it is there again).
     */
    public void renewPresence() {
        long now = System.nanoTime();
        long ttl = config.relay().presenceTtl().toNanos();
        for (Room room : rooms.values()) {
            List<Role> gone = new ArrayList<>(0);
            Map<Role, List<Link>> tell = new EnumMap<>(Role.class);
            synchronized (room) {
                if (room.gone) {
                    continue;
                }
                for (Role mine : Role.values()) {
                    if (room.local(mine) > 0) {
                        publishPresence(room, mine, 0);
                    }
                }
                Set<UUID> silent = new java.util.HashSet<>();
                room.heardAt.entrySet().removeIf(heard -> {
                    boolean expired = now - heard.getValue() > ttl;
                    if (expired) {
                        silent.add(heard.getKey());
                    }
                    return expired;
                });
                if (silent.isEmpty()) {
                    continue;
                }
                for (Role role : Role.values()) {
                    Map<UUID, Integer> replicas = room.remote.get(role);
                    if (replicas == null) {
                        continue;
                    }
                    boolean before = room.present(role);
                    replicas.keySet().removeAll(silent);
                    if (before && !room.present(role)) {
                        gone.add(role);
                        tell.put(role, role == Role.VISITOR ? room.recipients(From.VISITOR) : room.recipients(From.AGENT));
                    }
                }
            }
            for (Role role : gone) {
                metrics.drop("presence-expired");
                Log.debugf("the %s of a session went silent on another replica", role.wire());
                for (Link peer : tell.get(role)) {
                    sendNotice(peer, Map.of("t", "peer", "role", role.wire(), "connected", false));
                }
            }
        }
    }

    // ---- session lifecycle --------------------------------------------------------------------

    /** The session ended (from session-service): tell every local side why and close its socket. */
    public void end(String sessionId, SessionEvent.EndReason reason) {
        // first, so that no join that starts from now on recreates the room
        ended.remember(sessionId);
        Room room = rooms.remove(sessionId);
        if (room == null) {
            return;
        }
        List<Link> all;
        synchronized (room) {
            room.gone = true;
            all = locals(room);
            room.visitor = null;
            room.agent = null;
            room.observers.clear();
        }
        relay.forget(sessionId);
        String reasonText = reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
        String ended = write(Map.of("t", "ended", "reason", reasonText));
        for (Link link : all) {
            WebSocketConnection connection = link.connection;
            if (connection.isOpen()) {
                connection.sendText(ended)
                        .onTermination().call(() -> connection.close(new CloseReason(CLOSE_NORMAL, "session ended: " + reasonText)))
                        .subscribe().with(x -> { }, e -> Log.debugf("closing an ended session's socket: %s", e.toString()));
            }
        }
    }

    /** The session's mode changed: enforcement changes at once, and every local side is told ({@code mode}). */
    public void changeMode(String sessionId, Mode mode) {
        Room room = rooms.get(sessionId);
        if (room == null) {
            return;
        }
        List<Link> all;
        synchronized (room) {
            if (room.mode == mode) {
                return;
            }
            room.mode = mode;
            all = locals(room);
        }
        for (Link link : all) {
            sendNotice(link, Map.of("t", "mode", "mode", mode.name()));
        }
    }

    /**
     * Shutting down: every socket closes with 1001 so that its client reconnects to another replica. This
     * runs at the start of the shutdown delay ({@code quarkus.shutdown.delay}), while the HTTP server still
     * runs: by the time of the ShutdownEvent, the transport may already have closed the sockets its own way
     * (not with 1001, so the clients would take it for the end of the session).
     */
    void onShutdownStarts(@Observes ShutdownDelayInitiatedEvent event) {
        goingAway();
    }

    /** Whatever is still open at the ShutdownEvent (no shutdown delay configured) closes with 1001 too. */
    void onStop(@Observes ShutdownEvent event) {
        goingAway();
    }

    public void goingAway() {
        List<Uni<Void>> closing = new ArrayList<>();
        for (Room room : rooms.values()) {
            List<Link> all;
            synchronized (room) {
                all = locals(room);
            }
            for (Link link : all) {
                if (link.connection.isOpen()) {
                    closing.add(link.connection.close(new CloseReason(CLOSE_GOING_AWAY, "gateway going away"))
                            .onFailure().recoverWithNull());
                }
            }
        }
        if (!closing.isEmpty()) {
            try {
                Uni.join().all(closing).andCollectFailures().await().atMost(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                Log.debugf("not every socket closed in time on shutdown: %s", e.toString());
            }
        }
    }

    private static List<Link> locals(Room room) {
        List<Link> all = new ArrayList<>();
        if (room.visitor != null) {
            all.add(room.visitor);
        }
        if (room.agent != null) {
            all.add(room.agent);
        }
        all.addAll(room.observers);
        return all;
    }

    /**
     * Bytes handed to the transport towards the local visitor or agent of a session and not yet written
     * (0 when there is none here): never above {@code limits.outgoing-queue-bytes}.
     */
    public long queuedBytes(String sessionId, Role role) {
        Room room = rooms.get(sessionId);
        if (room == null) {
            return 0;
        }
        Link link;
        synchronized (room) {
            link = role == Role.VISITOR ? room.visitor : role == Role.AGENT ? room.agent : null;
        }
        return link == null ? 0 : link.queued.get();
    }

    public int liveSessions() {
        return rooms.size();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void sendNotice(Link to, Map<String, Object> notice) {
        if (to.connection.isOpen()) {
            to.connection.sendText(write(notice)).subscribe().with(x -> { },
                    e -> Log.debugf("notice to a closing socket failed: %s", e.toString()));
        }
    }

    private static void close(Link link, int code, String reason) {
        if (link.connection.isOpen()) {
            link.connection.close(new CloseReason(code, reason)).subscribe().with(x -> { }, e -> { });
        }
    }

    private String write(Map<String, Object> message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
