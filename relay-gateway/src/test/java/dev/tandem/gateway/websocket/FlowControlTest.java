package dev.tandem.gateway.websocket;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import dev.tandem.gateway.relay.GatewayMetrics;
import dev.tandem.gateway.relay.SessionHub;
import dev.tandem.gateway.security.JoinToken.Role;
import dev.tandem.infra.test.TandemInfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;

/**
 * What a slow reader costs (a bounded queue, dropped frames, then a resync), pointer coalescing under load,
 * and the visitor's {@code page} messages becoming PageVisited events. Smaller queues and generous rate
 * limits than the defaults, so that a test can fill them in a moment.
 */
@QuarkusTest
@TestProfile(FlowControlTest.SmallQueues.class)
@WithTestResource(TandemInfraResource.class)
@WithTestResource(JwksTestResource.class)
@WithTestResource(OidcWiremockTestResource.class)
class FlowControlTest {

    static final long QUEUE = 4 * 1024 * 1024;
    static final long COALESCE = 64 * 1024;

    public static class SmallQueues implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tandem.gateway.limits.outgoing-queue-bytes", String.valueOf(QUEUE),
                    "tandem.gateway.limits.pointer-coalesce-bytes", String.valueOf(COALESCE),
                    "tandem.gateway.limits.messages-per-second", "100000",
                    "tandem.gateway.limits.message-burst", "100000",
                    "tandem.gateway.limits.bytes-per-second", "1073741824",
                    "tandem.gateway.limits.byte-burst", "1073741824",
                    "tandem.gateway.page-visited-interval", "1s");
        }
    }

    @TestHTTPResource("/ws/visitor")
    URI visitorUri;

    @TestHTTPResource("/ws/agent")
    URI agentUri;

    @Inject
    SessionHub hub;

    @Inject
    GatewayMetrics metrics;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    /** Text frames the gateway has read from clients (the gateway's own counter). */
    private final FramesIn framesIn = new FramesIn();

    private final class FramesIn {
        double count() {
            io.micrometer.core.instrument.Counter c = registry.find("tandem.gateway.frames").tag("direction", "in")
                    .tag("kind", "text").counter();
            return c == null ? 0 : c.count();
        }
    }

    URI ws(URI http) {
        return URI.create(http.toString().replaceFirst("^http", "ws"));
    }

    TestSocket visitor(String sessionId) {
        return TestSocket.open(ws(visitorUri), RelaySocketTest.SITE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(sessionId, "visitor", "VIEW_ONLY"));
    }

    /** An agent whose client reads nothing until {@link Stalled#resume}: its TCP window fills, then the gateway's queue. */
    Stalled stalledAgent(String sessionId) {
        Stalled listener = new Stalled();
        TestSocket.awaitReady(ws(agentUri));
        listener.socket = TestSocket.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .header("Origin", RelaySocketTest.CONSOLE)
                .subprotocols("tandem.v1", "tandem.token." + JwksTestResource.token(sessionId, "agent", "VIEW_ONLY"),
                        RelaySocketTest.bearer("agent1", "agent"))
                .buildAsync(ws(agentUri), listener).join();
        return listener;
    }

    static String frame(int seq, int size) {
        return "{\"t\":\"mutations\",\"seq\":" + seq + ",\"snapshotId\":1,\"texts\":[{\"id\":1,\"value\":\""
                + "x".repeat(size) + "\"}]}";
    }

    @Test
    void aSlowReaderLosesFramesInsteadOfGrowingTheQueueAndTheVisitorIsAskedForAFreshSnapshot() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        Stalled agent = stalledAgent(session);
        awaitHelloAndPeer(visitor);
        double dropsBefore = metrics.drops("slow-reader");

        // Up to 40 MB towards an agent that reads nothing: far more than its socket buffers and the 4 MiB queue.
        int sent = 0;
        long peak = 0;
        while (sent < 400 && metrics.drops("slow-reader") == dropsBefore) {
            visitor.send(frame(++sent, 100_000));
            peak = Math.max(peak, hub.queuedBytes(session, Role.AGENT));
        }
        for (int i = 0; i < 20; i++) {
            visitor.send(frame(++sent, 100_000));
            peak = Math.max(peak, hub.queuedBytes(session, Role.AGENT));
        }
        assertTrue(metrics.drops("slow-reader") > dropsBefore, "nothing was dropped after " + sent + " frames");
        assertTrue(peak <= QUEUE, "the queue grew to " + peak + " bytes");
        assertTrue(hub.queuedBytes(session, Role.AGENT) > QUEUE / 2, "the stalled reader's queue is full");
        assertFalse(visitor.closeCode.isDone(), "the visitor keeps its connection");
        assertNull(firstOfType(visitor, "resync", 300), "no resync while the reader cannot take a snapshot");

        // The reader catches up: once its queue has drained to half, the visitor is asked for a snapshot.
        agent.resume();
        assertTrue(firstOfType(visitor, "resync", 10_000) != null, "no resync for the visitor");
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.queuedBytes(session, Role.AGENT) == 0);
        int after = ++sent;
        visitor.send(frame(after, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> lastSeq(agent) == after);
        assertTrue(agent.count("\"t\":\"mutations\"") < sent, "the agent received every frame: nothing was dropped");
        assertFalse(agent.closed.isDone(), "a slow reader is not disconnected");
    }

    @Test
    void pointerMovesAreCoalescedWhileTheQueueIsLongAndTheLastOneAlwaysArrives() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        Stalled agent = stalledAgent(session);
        awaitHelloAndPeer(visitor);
        double coalescedBefore = metrics.drops("pointer-coalesced");

        // Fill the queue past the coalescing threshold, well below its limit. Each frame is waited for until the
        // gateway has read it: otherwise frames still in flight would go on filling the queue after the loop
        // stopped, past its limit, and be dropped as for a slow reader (which is right, but not this test).
        int sent = 0;
        double readBefore = framesIn.count();
        while (hub.queuedBytes(session, Role.AGENT) <= 2 * COALESCE && sent < 4000) {
            visitor.send(frame(++sent, 16_000));
            int expected = sent;
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> framesIn.count() - readBefore >= expected);
        }
        assertTrue(hub.queuedBytes(session, Role.AGENT) > COALESCE, "could not fill the queue");
        assertTrue(hub.queuedBytes(session, Role.AGENT) < QUEUE, "filled too far: frames were dropped");

        int pointers = 500;
        for (int x = 1; x <= pointers; x++) {
            visitor.send("{\"t\":\"pointer\",\"x\":" + x + ",\"y\":7}");
        }
        // The gateway reads them asynchronously: wait until it has handled them (the last one is held back).
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.drops("pointer-coalesced") - coalescedBefore >= pointers - 1);
        assertTrue(hub.queuedBytes(session, Role.AGENT) > COALESCE, "the queue drained while the reader was stalled");

        agent.resume();
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.has("{\"t\":\"pointer\",\"x\":" + pointers + ",\"y\":7}"));
        List<Integer> xs = new ArrayList<>();
        Pattern pointer = Pattern.compile("^\\{\"t\":\"pointer\",\"x\":(\\d+),\"y\":7}$");
        for (String m : agent.all()) {
            Matcher matcher = pointer.matcher(m);
            if (matcher.matches()) {
                xs.add(Integer.parseInt(matcher.group(1)));
            }
        }
        assertTrue(xs.size() < pointers / 10, "only a few of the " + pointers + " moves, got " + xs.size());
        assertEquals(pointers, xs.getLast(), "the latest move is the one that counts");
        for (int i = 1; i < xs.size(); i++) {
            assertTrue(xs.get(i) > xs.get(i - 1), "pointer moves out of order: " + xs);
        }
        assertEquals(sent, lastSeq(agent), "no page frame was lost: only pointers are coalesced");
        assertEquals(sent, agent.count("\"t\":\"mutations\""));
    }

    @Test
    void theVisitorsPagesArePublishedWithoutQueryOrFragmentOnceEachAndNeverRelayed() throws Exception {
        String session = UUID.randomUUID().toString();
        TestSocket visitor = visitor(session);
        TestSocket agent = TestSocket.open(ws(agentUri), RelaySocketTest.CONSOLE, "tandem.v1",
                "tandem.token." + JwksTestResource.token(session, "agent", "VIEW_ONLY"), RelaySocketTest.bearer("agent1", "agent"));
        assertTrue(agent.next().contains("\"t\":\"hello\""));

        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers",
                TandemInfraResource.bootstrapServers(), "group.id", "test-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("tandem.gateway-events"));
            visitor.send("{\"t\":\"page\",\"url\":\"https://jane:pw@shop.example/claims/new?email=jane@example.com#step2\"}");
            visitor.send("{\"t\":\"page\",\"url\":\"https://shop.example/claims/new?step=3\"}"); // the same page
            visitor.send("{\"t\":\"page\",\"url\":\"https://shop.example/too-soon\"}"); // within the interval
            visitor.send("{\"t\":\"page\",\"url\":\"javascript:alert(document.cookie)\"}");
            visitor.send("{\"t\":\"page\"}");
            visitor.send("{\"t\":\"viewport\",\"seq\":1,\"w\":800,\"h\":600}");
            assertEquals("{\"t\":\"viewport\",\"seq\":1,\"w\":800,\"h\":600}", agent.nextRelayed(),
                    "page messages are not relayed: the next thing the agent gets is the viewport");
            // After the interval, the next page is published again.
            long after = System.nanoTime() + Duration.ofMillis(1100).toNanos();
            await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() > after);
            visitor.send("{\"t\":\"page\",\"url\":\"https://shop.example/claims/done#thanks\"}");

            List<String> pages = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && pages.stream().noneMatch(p -> p.contains("/claims/done"))) {
                for (var record : consumer.poll(Duration.ofMillis(250))) {
                    if (session.equals(record.key()) && record.value().contains("\"PageVisited\"")) {
                        pages.add(record.value());
                    }
                }
            }
            List<String> urls = pages.stream().map(p -> p.replaceAll(".*\"url\":\"([^\"]*)\".*", "$1")).toList();
            assertEquals(List.of("https://shop.example/claims/new", "https://shop.example/claims/done"), urls,
                    "events: " + pages);
            for (String page : pages) {
                assertFalse(page.contains("jane") || page.contains("step") || page.contains("thanks"), page);
            }
        }
        assertFalse(visitor.closeCode.isDone(), "a bad page message costs the visitor nothing but the event");
        assertNull(agent.received.stream().filter(m -> m.contains("\"t\":\"page\"")).findAny().orElse(null));

        agent.send("{\"t\":\"page\",\"url\":\"https://shop.example/\"}");
        assertEquals(1003, agent.closeCode.get(10, TimeUnit.SECONDS), "only the visitor reports pages");
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** The visitor's hello and the notice that the agent came, in either order (they race). */
    static void awaitHelloAndPeer(TestSocket visitor) throws InterruptedException {
        String one = visitor.next();
        if (one.contains("\"t\":\"hello\"") && one.contains("\"peerConnected\":true")) {
            return; // the agent's join came first
        }
        List<String> first = List.of(one, visitor.next());
        assertTrue(first.stream().anyMatch(m -> m.contains("\"t\":\"hello\"")), first.toString());
        assertTrue(first.stream().anyMatch(m -> m.contains("\"t\":\"peer\"") && m.contains("\"connected\":true")),
                "the agent is there: " + first);
    }

    /** Waits up to {@code millis} for a message of type {@code t} (skipping others); null if none came. */
    static String firstOfType(TestSocket socket, String t, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            String m = socket.received.poll(left, TimeUnit.NANOSECONDS);
            if (m != null && m.contains("\"t\":\"" + t + "\"")) {
                return m;
            }
        }
    }

    static int lastSeq(Stalled agent) {
        int last = -1;
        Pattern seq = Pattern.compile("^\\{\"t\":\"mutations\",\"seq\":(\\d+),");
        for (String m : agent.all()) {
            Matcher matcher = seq.matcher(m);
            if (matcher.find()) {
                last = Integer.parseInt(matcher.group(1));
            }
        }
        return last;
    }

    /** A WebSocket client that asks for no message until {@link #resume}, then for all of them. */
    static final class Stalled implements WebSocket.Listener {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            // no request(1): nothing is read from the socket
        }

        void resume() {
            socket.request(Long.MAX_VALUE);
        }

        List<String> all() {
            return List.copyOf(received);
        }

        boolean has(String message) {
            return received.contains(message);
        }

        long count(String fragment) {
            return received.stream().filter(m -> m.contains(fragment)).count();
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
