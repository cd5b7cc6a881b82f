package dev.tandem.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;

import dev.tandem.e2e.support.SignIn;
import dev.tandem.local.LocalStack;

/**
 * Two relay-gateway replicas at once (two processes, one Kafka): the visitor's tag on replica A (the
 * stack's gateway), the agent's viewer on replica B ({@link LocalStack#startGatewayReplica}). Both
 * clients get the list of both replicas, in a different order: the tag's {@code endpoints.gateway}
 * is {@code "ws://A,ws://B"} and the console's {@code gatewayUrl} {@code "ws://B,ws://A"} (this test
 * rewrites demo-config.js and the console's config.json on their way to the browser); each starts with
 * the first of its list and, when that replica goes away, reconnects to the next.
 *
 * Each case is a session of its own: frames cross replicas; then a replica dies (SIGKILL: its
 * clients see 1006) or shuts down (SIGTERM: 1001), and the side that was on it comes back on the other
 * replica with a fresh snapshot within 5 s, in the same session and mode, without being asked for
 * consent again. A rolling restart (one replica after the other, gracefully) moves both sides. And
 * SessionEnded closes both sides, each on its own replica.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayFailoverTest {

    static final int BASE_PORT = 25000;
    static final Duration FAILOVER_BUDGET = Duration.ofSeconds(5);
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final LocatorAssertions.IsVisibleOptions LONG = new LocatorAssertions.IsVisibleOptions().setTimeout(30_000);

    static LocalStack stack;
    static BrowserStack stage;
    static Browser browser;
    static URI replicaA;
    static URI replicaB;
    static BrowserContext agentContext;
    static Page agent;
    /** The URLs of every WebSocket the agent's page opened, in order. */
    static final List<String> agentSockets = new CopyOnWriteArrayList<>();

    BrowserContext visitorContext;
    Page visitor;
    final List<String> visitorSockets = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTheStackWithTwoGateways() throws Exception {
        stage = BrowserStack.start("failover", BASE_PORT);
        stack = stage.stack();
        browser = stage.browser();
        replicaA = stack.gateway();
        replicaB = stack.startGatewayReplica();
        assertEquals(BASE_PORT + 184, replicaB.getPort());

        // The agent signs in once; the console mounts a viewer for each new session.
        agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1024, 768));
        agentContext.route("**/console/config.json", route -> rewrite(route, "\"gatewayUrl\"\\s*:\\s*\"[^\"]*\"",
                "\"gatewayUrl\":\"" + ws(replicaB) + "," + ws(replicaA) + "\""));
        agent = agentContext.newPage();
        agent.onWebSocket(ws -> agentSockets.add(ws.url()));
        SignIn.throughPage(agent, replicaA.resolve("/console/"), "agent1");
        assertThat(agent.getByTestId("signed-in-as")).containsText("agent1");
    }

    @AfterAll
    static void stopEverything() {
        if (agentContext != null) {
            agentContext.close();
        }
        if (stage != null) {
            stage.close();
        }
    }

    @BeforeEach
    void bothReplicasRunAndTheVisitorOpensTheSite() {
        stack.startService("relay-gateway");
        stack.startGatewayReplica();
        assertThat(agent.getByTestId("waiting")).isVisible(LONG);
        visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        visitorContext.route("**/demo-config.js", route -> rewrite(route, "\"gateway\"\\s*:\\s*\"[^\"]*\"",
                "\"gateway\":\"" + ws(replicaA) + "," + ws(replicaB) + "\""));
        visitor = visitorContext.newPage();
        visitor.onWebSocket(ws -> visitorSockets.add(ws.url()));
        visitor.navigate(stack.demoSite().resolve("/apply.html").toString());
    }

    @AfterEach
    void theVisitorEndsTheSession() {
        if (visitor != null && visitor.getByTestId("tandem-end").isVisible()) {
            visitor.getByTestId("tandem-end").click();
            assertThat(agent.getByTestId("waiting")).isVisible(LONG);
        }
        if (visitorContext != null) {
            visitorContext.close();
        }
    }

    @Test
    @Order(1)
    void theAgentsReplicaIsKilledAndTheViewerComesBackOnTheOtherWithAFreshSnapshot() throws Exception {
        FrameLocator mirrored = startSessionAcrossReplicas();
        Duration took = failover(mirrored, () -> stack.killService("relay-gateway-2"), this::agentNoticed,
                "Changed while the agent's replica was dead");
        System.out.printf("failover after SIGKILL of the agent's replica: viewer live again in %d ms%n", took.toMillis());
        assertAgentNowOn(replicaA);
        assertSameSessionAndMode();
    }

    @Test
    @Order(2)
    void theAgentsReplicaShutsDownGracefullyAndTheViewerComesBackOnTheOther() throws Exception {
        FrameLocator mirrored = startSessionAcrossReplicas();
        Duration took = failover(mirrored, () -> stack.stopService("relay-gateway-2"), this::agentNoticed,
                "Changed while the agent's replica shut down");
        System.out.printf("failover after SIGTERM (1001) of the agent's replica: viewer live again in %d ms%n",
                took.toMillis());
        assertAgentNowOn(replicaA);
        assertSameSessionAndMode();
    }

    @Test
    @Order(3)
    void theVisitorsReplicaIsKilledAndTheTagReconnectsToTheOtherWithAFreshSnapshot() throws Exception {
        FrameLocator mirrored = startSessionAcrossReplicas();
        int visitorSocketsBefore = visitorSockets.size();
        Duration took = failover(mirrored, () -> stack.killService("relay-gateway"),
                () -> visitor.waitForCondition(() -> visitorSockets.size() > visitorSocketsBefore,
                        new Page.WaitForConditionOptions().setTimeout(30_000)),
                "Changed while the visitor's replica was dead");
        System.out.printf("failover after SIGKILL of the visitor's replica: a fresh snapshot on the viewer in %d ms%n",
                took.toMillis());
        assertTrue(visitorSockets.size() > visitorSocketsBefore, "the tag opened no new socket");
        assertTrue(visitorSockets.getLast().startsWith(ws(replicaB) + "/ws/visitor"),
                "the tag reconnected to " + visitorSockets.getLast());
        assertEquals(ws(replicaB) + "/ws/agent", agentSockets.getLast().replaceAll("\\?.*", ""),
                "the agent stayed where it was");
        assertSameSessionAndMode();
        // Co-browsing goes on, now on one replica.
        visitor.locator("#email").click();
        visitor.keyboard().type("after@example.test");
        assertThat(mirrored.locator("#email")).hasValue("after@example.test",
                new LocatorAssertions.HasValueOptions().setTimeout(10_000));
    }

    @Test
    @Order(4)
    void aRollingRestartMovesBothSidesWithTheirSessionIntact() throws Exception {
        FrameLocator mirrored = startSessionAcrossReplicas();
        // the visitor's replica shuts down (1001): the tag comes back on the agent's replica
        int visitorSocketsBefore = visitorSockets.size();
        Duration first = failover(mirrored, () -> stack.stopService("relay-gateway"),
                () -> visitorReconnected(visitorSocketsBefore), "Changed while the visitor's replica shut down");
        System.out.printf("rolling restart, step 1 (SIGTERM of the visitor's replica): fresh snapshot on the viewer in %d ms%n",
                first.toMillis());
        assertTrue(visitorSockets.getLast().startsWith(ws(replicaB) + "/ws/visitor"), visitorSockets.getLast());
        assertSameSessionAndMode();

        // it is back; now the replica that carries both sides shuts down (1001): both come back on the first
        stack.startService("relay-gateway");
        int visitorSocketsMiddle = visitorSockets.size();
        Duration second = failover(mirrored, () -> stack.stopService("relay-gateway-2"), () -> {
            agentNoticed();
            visitorReconnected(visitorSocketsMiddle);
        }, "Changed while the replica of both sides shut down");
        System.out.printf("rolling restart, step 2 (SIGTERM of the replica of both sides): both back, fresh snapshot in %d ms%n",
                second.toMillis());
        assertTrue(visitorSockets.getLast().startsWith(ws(replicaA) + "/ws/visitor"), visitorSockets.getLast());
        assertAgentNowOn(replicaA);
        assertSameSessionAndMode();
        // co-browsing goes on, both ways: the visitor's typing reaches the agent, the agent's click the visitor
        visitor.locator("#email").click();
        visitor.keyboard().type("rolled@example.test");
        assertThat(mirrored.locator("#email")).hasValue("rolled@example.test",
                new LocatorAssertions.HasValueOptions().setTimeout(10_000));
    }

    @Test
    @Order(5)
    void sessionEndedClosesBothSidesOnBothReplicas() throws Exception {
        startSessionAcrossReplicas();
        // the agent (on replica B) ends it: session-service publishes SessionEnded, and each replica closes its side
        agent.getByTestId("end-session").click();
        assertThat(visitor.getByTestId("tandem-frame")).isHidden(
                new LocatorAssertions.IsHiddenOptions().setTimeout(10_000));
        assertThat(agent.getByTestId("session-ended")).isVisible(LONG);
        assertThat(agent.locator("tandem-viewer")).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(30_000));
        assertThat(agent.getByTestId("waiting")).isVisible(LONG);
        Object stored = agent.evaluate("() => sessionStorage.getItem('tandem.console.tokens')");
        String token = JSON.readTree(stored.toString()).path("accessToken").asText();
        HttpResponse<String> current = HTTP.send(HttpRequest.newBuilder(
                stack.sessionService().resolve("/api/agents/me/session"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, current.statusCode(), current.body());
    }

    // ---- steps ----------------------------------------------------------------------------------

    /** A new shared-mode session: the visitor on replica A, the agent on replica B, frames crossing. */
    private FrameLocator startSessionAcrossReplicas() throws Exception {
        visitor.getByTestId("chat-toggle").click();
        String chatId = visitor.getByTestId("chat-id").textContent().strip();
        int agentSocketsBefore = agentSockets.size();
        HttpResponse<String> invited = post(stack.demoSite().resolve("/demo-chat/api/chats/" + chatId + "/invite"),
                "{\"agentId\":\"agent1\",\"mode\":\"SHARED\"}");
        assertEquals(201, invited.statusCode(), invited.body());
        assertThat(visitor.getByTestId("tandem-consent")).isVisible(LONG);
        visitor.getByTestId("tandem-accept").click();
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);
        assertThat(agent.getByTestId("session-mode")).hasText("Shared control",
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));

        FrameLocator mirrored = agent.frameLocator("tandem-viewer iframe");
        assertThat(mirrored.locator("h1")).hasText("Apply for travel insurance",
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        assertTrue(visitorSockets.getLast().startsWith(ws(replicaA) + "/ws/visitor"), visitorSockets.getLast());
        assertTrue(agentSockets.size() > agentSocketsBefore, "the viewer opened no socket");
        assertTrue(agentSockets.getLast().startsWith(ws(replicaB) + "/ws/agent"), agentSockets.getLast());

        // Frames cross from A to B through tandem.relay: typing shows up on the agent's side.
        visitor.locator("#full-name").click();
        visitor.keyboard().type("Cross Replica");
        assertThat(mirrored.locator("#full-name")).hasValue("Cross Replica",
                new LocatorAssertions.HasValueOptions().setTimeout(10_000));
        return mirrored;
    }

    /**
     * Marks the viewer's current iframe and element, starts the fault (on another thread: a graceful stop
     * waits for the process to exit), waits until the side on the failing replica noticed, changes the
     * visitor's page, and waits until the agent sees the change in a new iframe (the viewer builds one per
     * snapshot, so only a fresh snapshot replaces it) in the same viewer (the console did not remount it).
     * Returns the time from the fault's start until then; fails beyond the 5 s budget.
     */
    private Duration failover(FrameLocator mirrored, Runnable fault, Runnable noticed, String change)
            throws InterruptedException {
        agent.locator("tandem-viewer").evaluate("v => { v.setAttribute('data-e2e-viewer', 'before'); "
                + "v.shadowRoot.querySelector('iframe').setAttribute('data-e2e-frame', 'before'); "
                + "window.__e2eStatuses = []; "
                + "v.addEventListener('status', e => window.__e2eStatuses.push(e.detail.status)); }");
        long begin = System.nanoTime();
        Thread faulting = Thread.ofPlatform().name("failover-fault").start(fault);
        noticed.run();
        visitor.evaluate("text => { document.querySelector('h1').textContent = text; }", change);
        assertThat(agent.locator("tandem-viewer iframe[data-e2e-frame]")).hasCount(0,
                new LocatorAssertions.HasCountOptions().setTimeout(FAILOVER_BUDGET.toMillis() + 10_000));
        assertThat(mirrored.locator("h1")).hasText(change,
                new LocatorAssertions.HasTextOptions().setTimeout(FAILOVER_BUDGET.toMillis() + 10_000));
        assertThat(agent.getByTestId("viewer-status")).hasText("live");
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        faulting.join(Duration.ofSeconds(60));
        assertFalse(faulting.isAlive(), "the fault did not finish");
        assertEquals(1, agent.locator("tandem-viewer[data-e2e-viewer]").count(),
                "the console mounted a new viewer instead of the viewer reconnecting");
        assertTrue(took.compareTo(FAILOVER_BUDGET) <= 0, "failover took " + took.toMillis() + " ms");
        return took;
    }

    /** The tag opened a socket after the {@code before}-th. */
    private void visitorReconnected(int before) {
        visitor.waitForCondition(() -> visitorSockets.size() > before, new Page.WaitForConditionOptions().setTimeout(30_000));
    }

    /** The viewer reported that its socket dropped (it reconnects). */
    private void agentNoticed() {
        agent.waitForFunction("() => (window.__e2eStatuses || []).includes('connecting')", null,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
    }

    private void assertAgentNowOn(URI replica) {
        assertEquals(ws(replica) + "/ws/agent", agentSockets.getLast().replaceAll("\\?.*", ""));
    }

    /** The session goes on: not ended, still shared, for the agent and the visitor. */
    private void assertSameSessionAndMode() throws Exception {
        assertThat(agent.getByTestId("session-mode")).hasText("Shared control");
        assertTrue(visitor.getByTestId("tandem-frame").isVisible());
        assertTrue(visitor.getByTestId("tandem-consent").isHidden(), "the visitor was asked for consent again");
        Object stored = agent.evaluate("() => sessionStorage.getItem('tandem.console.tokens')");
        String token = JSON.readTree(stored.toString()).path("accessToken").asText();
        HttpResponse<String> current = HTTP.send(HttpRequest.newBuilder(
                stack.sessionService().resolve("/api/agents/me/session"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, current.statusCode(), current.body());
        JsonNode session = JSON.readTree(current.body());
        assertEquals("SHARED", session.path("mode").asText(), current.body());
        assertFalse("ENDED".equals(session.path("state").asText()), current.body());
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String ws(URI http) {
        return "ws://" + http.getRawAuthority();
    }

    private static void rewrite(Route route, String pattern, String replacement) {
        var response = route.fetch();
        String body = response.text();
        String changed = body.replaceFirst(pattern, java.util.regex.Matcher.quoteReplacement(replacement));
        if (changed.equals(body)) {
            throw new AssertionError("nothing to rewrite in " + route.request().url());
        }
        route.fulfill(new Route.FulfillOptions().setResponse(response).setBody(changed));
    }

    private static HttpResponse<String> post(URI uri, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
