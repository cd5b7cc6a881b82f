package dev.tandem.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;

import dev.tandem.e2e.faults.Api;
import dev.tandem.e2e.faults.GatewayMetricsProbe;
import dev.tandem.e2e.faults.Processes;
import dev.tandem.e2e.faults.RawPeer;
import dev.tandem.e2e.faults.Soak;
import dev.tandem.e2e.faults.Stores;
import dev.tandem.e2e.support.SignIn;
import dev.tandem.local.LocalStack;

/**
 * Faults during live sessions, on one stack (base port 27000), in order: Kafka stopped for 30 s, PostgreSQL
 * restarted, session-service killed during a timeout wait, the visitor's connection cut halfway through a large
 * snapshot, then a bounded soak. Each case says what must hold and fails when it does not.
 *
 * <p>session-service runs with a 20 s join window here (a {@code config/application.properties} in its working
 * directory, which Quarkus reads in the prod profile), so that a timeout comes due during the test.
 *
 * <p>The soak runs {@code tandem.soak.duration} (default 60 s, the CI mode) with {@code tandem.soak.agents}
 * agents (default 6); the long run is e.g. {@code -Dtandem.soak.duration=10m} or {@code 1h}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsTest {

    static final int BASE_PORT = 27000;
    static final Duration JOIN_WINDOW = Duration.ofSeconds(20);
    static final LocatorAssertions.IsVisibleOptions LONG = new LocatorAssertions.IsVisibleOptions().setTimeout(30_000);

    static LocalStack stack;
    static Api api;
    static Stores stores;
    /** The browser contexts a case opened and has not closed yet. */
    static final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();
    static BrowserStack stage;
    static Browser browser;

    @BeforeAll
    static void startTheStack() throws Exception {
        Path state = BrowserStack.stateDir("faults");
        Path sessionConfig = state.resolve("work/session-service/config/application.properties");
        Files.createDirectories(sessionConfig.getParent());
        Files.writeString(sessionConfig, "session.timeouts.join-window=" + JOIN_WINDOW.toSeconds() + "s\n");
        // A new, empty state directory: nothing to forget, and the file above stays.
        stage = BrowserStack.start(state, BASE_PORT, false);
        stack = stage.stack();
        browser = stage.browser();
        api = new Api(stack, agent -> SignIn.userToken(browser, stack.gateway(), stack.keycloak(), agent));
        stores = new Stores(stack);
    }

    @AfterAll
    static void stopTheStack() {
        if (stage != null) {
            stage.close();
        }
    }

    /**
     * Whatever a case leaves behind (a failed case leaves its browsers and live sessions) is closed and ended
     * here, so that the next case starts from an idle stack: a failure is reported once, where it happened.
     */
    @AfterEach
    void leaveTheStackIdle() {
        for (BrowserContext context : contexts) {
            try {
                context.close();
            } catch (RuntimeException e) {
                System.out.println("[faults] closing a browser context: " + e);
            }
        }
        contexts.clear();
        for (String agent : List.of("agent1", "agent2")) {
            Api.Answer mine = api.mySession(agent);
            if (mine.status() == 200) {
                String sessionId = mine.json().path("sessionId").asText();
                System.out.println("[faults] ending " + agent + "'s session " + sessionId + " left by the case: "
                        + api.endSession(agent, sessionId).status());
            }
        }
    }

    // ---- 1. Kafka ---------------------------------------------------------------------------------

    @Test
    @Order(1)
    void kafkaAwayFor30sTheLiveSessionGoesOnNewInvitesGet503AndNoEventIsLostOrAppliedTwice() {
        // The live session in Chromium. If it cannot be set up, the service-level checks below still run
        // and the case fails at the end with the reason.
        Live live = null;
        RuntimeException browserProblem = null;
        try {
            live = browserSession("agent1");
            typeAndSee(live, "before the outage ");
        } catch (RuntimeException | AssertionError e) {
            browserProblem = new IllegalStateException("the browser session could not be set up", e);
        }

        // An invite made just before the stop; its visitor accepts while Kafka is away.
        Api.Invite before = api.invite("agent2", "faults-kafka-" + UUID.randomUUID());
        stack.stopService("kafka");
        Instant stopped = Instant.now();
        assertEquals(200, api.accept(before).status(), "accepting needs only the database");

        // New invites: 503 problem+json with Retry-After, once invite-service has seen the broker go.
        String probeAgent = "faults-kafka-probe";
        Api.Answer refused = awaitAnswer(Duration.ofSeconds(15), () -> api.postInvite(probeAgent, "faults-probe"),
                a -> a.status() == 503);
        assertProblem(refused, 503, "events-unavailable");
        assertTrue(refused.header("Retry-After").matches("\\d+"), "Retry-After: " + refused.header("Retry-After"));

        // The live session goes on for the whole 30 s: every round of typing reaches the agent's view.
        int rounds = 0;
        while (Duration.between(stopped, Instant.now()).compareTo(Duration.ofSeconds(30)) < 0) {
            if (live != null) {
                typeAndSee(live, "during " + rounds + " ");
            } else {
                Awaitility.await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
            }
            rounds++;
            assertEquals(503, api.postInvite(probeAgent, "faults-probe").status(), "Kafka is still away");
        }
        assertTrue(live == null || rounds >= 3, "typed " + rounds + " times during the outage");
        // Nothing was published, so no session exists yet for the invite accepted during the outage.
        assertEquals(404, api.sessionToken(before).status(), "no session before the event is out");
        stack.startService("kafka");

        // Once Kafka is back: the accepted invite becomes a session, exactly once.
        Api.Joining joining = api.visitorJoining(before, Duration.ofSeconds(90));
        assertEquals(1, stores.count("sessions", "SELECT count(*) FROM cobrowse_session WHERE invite_id = ?", before.id()));
        // invite-service learns of the session from SessionCreated, a moment after session-service made it.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stores.count("invites",
                "SELECT count(*) FROM tracked_session WHERE session_id = ? AND live", joining.sessionId()) >= 1);
        assertEquals(1, stores.count("invites", "SELECT count(*) FROM tracked_session WHERE session_id = ? AND live",
                joining.sessionId()), "invite-service applied SessionCreated once");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> stores.countRecords("tandem.invite-events",
                before.id(), "InviteAccepted") >= 1);
        long accepted = stores.countRecords("tandem.invite-events", before.id(), "InviteAccepted");
        long created = stores.countRecords("tandem.session-events", joining.sessionId(), "SessionCreated");
        assertEquals(1, accepted, "InviteAccepted records of the invite");
        assertEquals(1, created, "SessionCreated records of its session");

        // New invites are accepted again, and the browser session still runs.
        // (An agent of its own per attempt: an attempt whose answer timed out may still have made its invite,
        // and the same agent would then get 409 invite-pending.)
        awaitAnswer(Duration.ofSeconds(30), () -> api.postInvite(probeAgent + "-" + UUID.randomUUID(), "faults-probe"),
                a -> a.status() == 201);
        assertEquals(204, api.endSession("agent2", joining.sessionId()).status());
        if (browserProblem != null) {
            throw browserProblem;
        }
        typeAndSee(live, "after ");
        live.end();
    }

    // ---- 2. PostgreSQL ----------------------------------------------------------------------------

    @Test
    @Order(2)
    void postgresRestartedBrief503sAtMostNoServiceNeedsARestartNoAgentStaysBusy() {
        // A session of agent1 that ends as the database goes away.
        Api.Invite invite = awaitInvite("agent1", "faults-pg-" + UUID.randomUUID());
        assertEquals(200, api.accept(invite).status());
        Api.Joining joining = api.visitorJoining(invite, Duration.ofSeconds(30));
        relayOnce("agent1", joining);
        assertEquals(204, api.endSession("agent1", joining.sessionId()).status());
        stack.stopService("postgres");
        Instant stopped = Instant.now();

        // While it is away (20 s, longer than a consumer's retries used to last): what callers get.
        List<String> inviteAnswers = new ArrayList<>();
        List<String> sessionAnswers = new ArrayList<>();
        while (Duration.between(stopped, Instant.now()).compareTo(Duration.ofSeconds(20)) < 0) {
            Api.Answer answer = api.postInvite("faults-pg-probe", "faults-pg-probe");
            inviteAnswers.add(String.valueOf(answer.status()));
            if (answer.status() >= 500) {
                assertProblem(answer, 503, "database-unavailable");
                assertNotNull(answer.header("Retry-After"), "Retry-After");
            }
            Api.Answer sessionAnswer = api.mySession("agent2");
            sessionAnswers.add(String.valueOf(sessionAnswer.status()));
            if (sessionAnswer.status() >= 500) {
                assertProblem(sessionAnswer, 503, "database-unavailable");
                assertNotNull(sessionAnswer.header("Retry-After"), "Retry-After");
            }
            Awaitility.await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        }
        System.out.println("[faults] PostgreSQL away: invite-service answered " + inviteAnswers
                + "; session-service GET /api/agents/me/session answered " + sessionAnswers);
        assertTrue(inviteAnswers.contains("503"), "invite-service answered " + inviteAnswers);
        assertTrue(sessionAnswers.contains("503"), "session-service answered " + sessionAnswers);
        stack.startService("postgres");
        Instant started = Instant.now();

        // No service restarted: agent1 (whose session ended around the outage) can be invited again, and
        // invite -> accept -> session -> both joined works.
        Api.Answer again = awaitAnswer(Duration.ofSeconds(60), () -> api.postInvite("agent1", "faults-pg-after"),
                a -> a.status() == 201);
        System.out.println("[faults] agent1 invitable again " + Duration.between(started, Instant.now()).toMillis()
                + " ms after PostgreSQL was back");
        JsonNode created = again.json();
        Api.Invite next = new Api.Invite(created.path("id").asText(), created.path("visitor").path("credential").asText());
        assertEquals(200, api.accept(next).status());
        Api.Joining nextJoining = api.visitorJoining(next, Duration.ofSeconds(60));
        relayOnce("agent1", nextJoining);
        assertEquals("ENDED", stores.strings("sessions", "SELECT state FROM cobrowse_session WHERE id = ?",
                UUID.fromString(joining.sessionId())).getFirst());
        assertEquals(204, api.endSession("agent1", nextJoining.sessionId()).status());
        // The probe's invite from the outage (if any was made after the restart) stays harmless.
    }

    // ---- 3. session-service killed during a timeout wait ----------------------------------------

    @Test
    @Order(3)
    void sessionServiceKilledDuringAJoinTimeoutTheTimeoutStillFiresAfterItComesBack() {
        Api.Invite invite = awaitInvite("agent2", "faults-kill-" + UUID.randomUUID());
        assertEquals(200, api.accept(invite).status());
        Api.Joining joining = api.visitorJoining(invite, Duration.ofSeconds(30));
        UUID id = UUID.fromString(joining.sessionId());
        // Nobody joins: the join deadline is JOIN_WINDOW after creation, still ahead when the service dies.
        assertEquals(JOIN_WINDOW.toSeconds(), stores.count("sessions",
                "SELECT round(extract(epoch FROM join_deadline - created_at)) FROM cobrowse_session WHERE id = ?", id),
                "the stack's join window");
        assertEquals(1, stores.count("sessions",
                "SELECT count(*) FROM cobrowse_session WHERE id = ? AND join_deadline > now() + interval '5 seconds'", id),
                "the deadline is still ahead");
        Processes.killHard("session-service");
        Instant killed = Instant.now();
        assertEquals(1, stores.count("sessions",
                "SELECT count(*) FROM cobrowse_session WHERE id = ? AND state <> 'ENDED'", id), "not ended before");
        stack.startService("session-service");
        System.out.println("[faults] session-service ready again after " + Duration.between(killed, Instant.now()).toSeconds() + " s");

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> stores.count("sessions", "SELECT count(*) FROM cobrowse_session WHERE id = ? AND "
                        + "state = 'ENDED' AND end_reason = 'JOIN_TIMEOUT'", id) == 1);
        assertEquals(410, api.sessionToken(invite).status(), "the visitor is told it ended");
        // SessionEnded went out: agent2 is free again.
        awaitAnswer(Duration.ofSeconds(30), () -> api.postInvite("agent2", "faults-kill-after"), a -> a.status() == 201);
    }

    // ---- 4. the visitor's connection cut halfway through a large snapshot ------------------------

    @Test
    @Order(4)
    void aConnectionCutHalfwayThroughALargeSnapshotNeverLeavesAHalfBuiltPageOnTheAgentsScreen() {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean cut = new AtomicBoolean();
        AtomicBoolean holding = new AtomicBoolean();
        AtomicInteger chunksBeforeCut = new AtomicInteger();
        List<Route> held = new CopyOnWriteArrayList<>();
        List<String> chunksSeen = new CopyOnWriteArrayList<>();

        Live live = browserSession("agent1", page -> {
            // The tag asks for a fresh join token before it reconnects: held while the visitor is "away".
            page.route("**/api/visitor/session-token", route -> {
                if (holding.get()) {
                    held.add(route);
                } else {
                    route.resume();
                }
            });
            page.routeWebSocket(Pattern.compile(".*/ws/visitor(\\?.*)?$"), ws -> {
                WebSocketRoute server = ws.connectToServer();
                ws.onMessage(frame -> {
                    byte[] binary = frame.binary();
                    if (binary == null) {
                        server.send(frame.text());
                        return;
                    }
                    if (armed.get() && !cut.get()) {
                        JsonNode header = chunkHeader(binary);
                        chunksSeen.add(header.path("snapshotId").asText() + "/" + header.path("part").asInt()
                                + (header.path("last").asBoolean(true) ? " last" : ""));
                        if (header.path("part").asInt() >= 2 && !header.path("last").asBoolean(true)) {
                            chunksBeforeCut.set(header.path("part").asInt());
                            cut.set(true);
                            holding.set(true);
                            ws.close(new WebSocketRoute.CloseOptions().setCode(4000).setReason("cut"));
                            server.close(new WebSocketRoute.CloseOptions().setCode(4000).setReason("cut"));
                            return;
                        }
                    }
                    server.send(binary);
                });
            });
        });
        FrameLocator mirrored = live.mirrored();
        // The previous complete page.
        assertThat(mirrored.locator("h1")).hasText("Apply for travel insurance",
                new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(30_000));

        armed.set(true);
        live.visitor().navigate(stack.demoSite().resolve("/faults-large.html").toString());
        try {
            live.visitor().waitForCondition(cut::get, new Page.WaitForConditionOptions().setTimeout(60_000));
        } catch (com.microsoft.playwright.TimeoutError e) {
            throw new AssertionError("the large page's snapshot was never cut; chunks the visitor sent since it was "
                    + "armed: " + chunksSeen + "; the agent's viewer: "
                    + live.agent().locator("tandem-viewer").getAttribute("data-status"), e);
        }
        Instant cutAt = Instant.now();

        // While the visitor is away (5 s): once the agent's viewer knows it (status waiting), it shows the
        // previous page or nothing, never the large page without its end or some of its rows. (Before that, the parts that had
        // arrived are on screen: the viewer rebuilds a snapshot as it arrives, viewport first.)
        List<String> halfBuilt = new ArrayList<>();
        int samples = 0;
        int told = 0;
        while (Duration.between(cutAt, Instant.now()).compareTo(Duration.ofSeconds(5)) < 0) {
            String status = live.agent().locator("tandem-viewer").getAttribute("data-status");
            boolean top = mirrored.locator("#claims-top").isVisible();
            int ends = mirrored.locator("#claims-end").count();
            int rows = mirrored.locator("tr[data-claim]").count();
            samples++;
            if ("waiting".equals(status)) {
                told++;
            }
            if ("waiting".equals(status) && top && (ends == 0 || rows != 6000)) {
                halfBuilt.add(Duration.between(cutAt, Instant.now()).toMillis() + " ms: status " + status + ", "
                        + rows + " of 6000 rows");
            }
            live.agent().waitForTimeout(150);
        }
        holding.set(false);
        held.forEach(Route::resume);
        System.out.println("[faults] snapshot cut after part " + chunksBeforeCut.get() + "; " + samples
                + " samples while away; half-built: " + halfBuilt);

        // After the reconnect: the full page, all of it.
        assertThat(mirrored.locator("#claims-end")).isAttached(
                new LocatorAssertions.IsAttachedOptions().setTimeout(60_000));
        assertThat(mirrored.locator("tr[data-claim]")).hasCount(6000,
                new LocatorAssertions.HasCountOptions().setTimeout(30_000));
        assertTrue(told > 0, "the agent's viewer was never told that the visitor had gone");
        assertEquals(List.of(), halfBuilt, "the agent's viewer showed a half-built page while the visitor was away");
        live.end();
    }

    // ---- 5. soak ------------------------------------------------------------------------------------

    @Test
    @Order(5)
    void soakManySessionsStartAndEndAndTheStackReturnsToItsBaseline() throws Exception {
        Duration duration = Duration.parse("PT" + System.getProperty("tandem.soak.duration", "60s").toUpperCase());
        int agentCount = Integer.getInteger("tandem.soak.agents", 6);
        Soak soak = new Soak(stack, api);
        List<String> agents = soak.agents(agentCount);
        agents.forEach(api::agentToken);

        // The baseline: no live session, nobody connected, after a warm-up round per agent.
        soak.run(agents, Duration.ofSeconds(1));
        GatewayMetricsProbe gateway = new GatewayMetricsProbe(stack, api);
        var baseline = gateway.settled(Duration.ofSeconds(30));
        long liveBefore = liveSessions();
        System.out.println("[soak] baseline: " + baseline + ", live sessions " + liveBefore);

        Soak.Result result = soak.run(agents, duration);
        System.out.println("[soak] " + result.sessions() + " sessions in " + result.took().toSeconds() + " s with "
                + agents.size() + " agents, " + result.failures() + " failed " + result.firstFailures());

        var after = gateway.settled(Duration.ofSeconds(60));
        System.out.println("[soak] after: " + after + ", live sessions " + liveSessions());
        assertEquals(0, result.failures(), "failed rounds: " + result.firstFailures());
        assertTrue(result.sessions() >= agents.size() * 2L, result.sessions() + " sessions");
        assertEquals(0, after.visitorConnections(), "visitor connections left open");
        assertEquals(0, after.agentConnections(), "agent connections left open");
        assertEquals(0, after.sessions(), "sessions the gateway still holds");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> liveSessions() == liveBefore);
        assertTrue(after.liveThreads() <= baseline.liveThreads() + 10,
                "threads " + baseline.liveThreads() + " -> " + after.liveThreads());
        // Heap used is read without a forced GC (the gateway has no endpoint for one): young garbage is
        // allowed for; a leak of the sessions' state grows past it in the long runs.
        assertTrue(after.heapUsedBytes() <= baseline.heapUsedBytes() + 96 * 1024 * 1024,
                "heap used " + baseline.heapUsedBytes() / 1_048_576 + " MB -> " + after.heapUsedBytes() / 1_048_576 + " MB");
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private long liveSessions() {
        return stores.count("sessions", "SELECT count(*) FROM cobrowse_session WHERE state <> 'ENDED'");
    }

    /** A visitor in Chromium on the demo site's form and an agent in the console, co-browsing (view only). */
    record Live(BrowserContext visitorContext, Page visitor, BrowserContext agentContext, Page agent) {
        FrameLocator mirrored() {
            return agent.frameLocator("tandem-viewer iframe");
        }

        void end() {
            visitor.getByTestId("tandem-end").click();
            assertThat(agent.getByTestId("waiting")).isVisible(LONG);
            visitorContext.close();
            agentContext.close();
            contexts.remove(visitorContext);
            contexts.remove(agentContext);
        }
    }

    private Live browserSession(String agentId) {
        return browserSession(agentId, page -> {
        });
    }

    private Live browserSession(String agentId, java.util.function.Consumer<Page> beforeLoad) {
        BrowserContext visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        contexts.add(visitorContext);
        Page visitor = visitorContext.newPage();
        beforeLoad.accept(visitor);
        visitor.navigate(stack.demoSite().resolve("/apply.html").toString());
        visitor.getByTestId("chat-toggle").click();
        String chatId = visitor.getByTestId("chat-id").textContent().strip();

        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1024, 768));
        contexts.add(agentContext);
        Page agent = agentContext.newPage();
        SignIn.throughPage(agent, stack.gateway().resolve("/console/"), agentId);
        assertThat(agent.getByTestId("waiting")).isVisible(LONG);

        Api.Answer invited = awaitAnswer(Duration.ofSeconds(30), () -> api.send(java.net.http.HttpRequest.newBuilder(
                stack.demoSite().resolve("/demo-chat/api/chats/" + chatId + "/invite"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"agentId\":\"" + agentId + "\",\"mode\":\"VIEW_ONLY\"}"))), a -> a.status() == 201);
        assertEquals(201, invited.status());
        assertThat(visitor.getByTestId("tandem-consent")).isVisible(LONG);
        visitor.getByTestId("tandem-accept").click();
        Live live = new Live(visitorContext, visitor, agentContext, agent);
        assertThat(live.mirrored().locator("h1")).hasText("Apply for travel insurance",
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        return live;
    }

    private static void typeAndSee(Live live, String text) {
        Page visitor = live.visitor();
        visitor.locator("#full-name").click();
        visitor.locator("#full-name").press("End");
        visitor.keyboard().type(text);
        String value = visitor.locator("#full-name").inputValue();
        assertThat(live.mirrored().locator("#full-name")).hasValue(value,
                new LocatorAssertions.HasValueOptions().setTimeout(10_000));
    }

    /** Both sides of a session join over raw WebSockets and the visitor's snapshot reaches the agent. */
    private void relayOnce(String agent, Api.Joining joining) {
        Api.Answer agentJoin = api.agentJoinToken(agent, joining.sessionId());
        assertEquals(200, agentJoin.status(), agentJoin.toString());
        String demoOrigin = stack.demoSite().getScheme() + "://" + stack.demoSite().getRawAuthority();
        String marker = "faults-page-" + UUID.randomUUID();
        try (RawPeer visitor = RawPeer.visitor(stack.gateway(), demoOrigin, joining.joinToken());
                RawPeer agentPeer = RawPeer.agent(stack.gateway(), agentJoin.json().path("joinToken").asText(),
                        api.agentToken(agent))) {
            Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> agentPeer.hasReceived("\"t\":\"hello\"") && visitor.hasReceived("\"t\":\"hello\""));
            visitor.sendSnapshot(1, marker);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> agentPeer.hasReceived(marker));
        }
    }

    private Api.Invite awaitInvite(String agent, String chat) {
        JsonNode json = awaitAnswer(Duration.ofSeconds(30), () -> api.postInvite(agent, chat), a -> a.status() == 201)
                .json();
        return new Api.Invite(json.path("id").asText(), json.path("visitor").path("credential").asText());
    }

    private static Api.Answer awaitAnswer(Duration within, java.util.function.Supplier<Api.Answer> call,
            java.util.function.Predicate<Api.Answer> wanted) {
        java.util.concurrent.atomic.AtomicReference<Api.Answer> last = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> {
                last.set(call.get());
                return wanted.test(last.get());
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not within " + within + "; last answer: " + last.get(), e);
        }
        return last.get();
    }

    private static void assertProblem(Api.Answer answer, int status, String type) {
        assertEquals(status, answer.status(), answer.toString());
        assertTrue(String.valueOf(answer.header("Content-Type")).startsWith("application/problem+json"), answer.toString());
        assertTrue(answer.json().path("type").asText().endsWith("/" + type), answer.toString());
    }

    private static JsonNode chunkHeader(byte[] frame) {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        int length = Short.toUnsignedInt(buffer.getShort());
        try {
            return Api.JSON.readTree(new String(frame, 2, length, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("not a chunk header", e);
        }
    }
}
