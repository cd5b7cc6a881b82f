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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.BoundingBox;

import dev.tandem.e2e.support.RawSocket;
import dev.tandem.e2e.support.SignIn;
import dev.tandem.local.LocalStack;

/**
 * Together on the page (issue 4), end to end in Chromium with two contexts of different sizes: the
 * agent's pointer lands on the same element, the highlight circle and the wiggle show, the agent asks for
 * shared control and the visitor consents, shared typing reaches a React-style controlled input, every
 * way to submit is refused for the agent and works for the visitor, navigation keeps the session, the X
 * ends it for both; text selection shows both ways; a view-only session refuses forged control sent straight
 * to the gateway; the audit trail lists the refused actions (the tag's and the gateway's); the latency
 * indicator shows the round trip; the agent sees "visitor is away" while the visitor's tab is hidden, and a
 * tab opened from the session tab does not take the session over.
 */
class TogetherTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final LocatorAssertions.IsVisibleOptions LONG = new LocatorAssertions.IsVisibleOptions().setTimeout(30_000);
    static final LocatorAssertions.HasTextOptions LONG_TEXT = new LocatorAssertions.HasTextOptions().setTimeout(30_000);
    static final Set<String> CONTROL = Set.of("click", "type", "navigate", "key", "select", "check", "scroll-to");

    static LocalStack stack;
    static BrowserStack stage;
    static Browser browser;

    @BeforeAll
    static void startTheStack() throws Exception {
        stage = BrowserStack.start("together", 22000);
        stack = stage.stack();
        browser = stage.browser();
    }

    @AfterAll
    static void stopTheStack() {
        if (stage != null) {
            stage.close();
        }
    }

    @Test
    void pointersHighlightsSharedControlSubmitGuardsNavigationAndTheX() throws Exception {
        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1024, 768));
        Page agent = agentContext.newPage();
        SignIn.throughPage(agent, stack.gateway().resolve("/console/"), "agent1");
        assertThat(agent.getByTestId("signed-in-as")).containsText("agent1");

        BrowserContext visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        Page visitor = visitorContext.newPage();
        String page = stack.demoSite().resolve("/together.html").toString();
        visitor.navigate(page);
        invite(visitor, "VIEW_ONLY");
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);
        assertThat(agent.getByTestId("session-code")).hasText(Pattern.compile("^\\d{9}$"), LONG_TEXT);
        String code = agent.getByTestId("session-code").textContent();
        assertThat(agent.getByTestId("session-mode")).hasText("View only");
        FrameLocator mirrored = agent.frameLocator("tandem-viewer iframe");
        assertThat(mirrored.locator("h1")).hasText("Your details", LONG_TEXT);

        // The latency indicator: the viewer's ping went through the gateway to the tag and its pong came back.
        Locator latency = agent.locator("tandem-viewer [data-testid=viewer-latency]");
        assertThat(latency).hasText(Pattern.compile("^\\d+ ms$"), LONG_TEXT);
        assertThat(latency).hasAttribute("data-quality", Pattern.compile("^(good|fair|poor)$"));

        // The agent's pointer lands on the same place of the same element, although the windows differ.
        BoundingBox onAgent = mirrored.locator("#save").boundingBox();
        agent.mouse().move(onAgent.x + onAgent.width * 0.3, onAgent.y + onAgent.height * 0.6);
        agent.mouse().move(onAgent.x + onAgent.width * 0.25, onAgent.y + onAgent.height * 0.5);
        Locator agentPointer = visitor.getByTestId("tandem-agent-pointer");
        assertThat(agentPointer).isVisible(LONG);
        assertThat(visitor.getByTestId("tandem-agent-name")).hasText("agent1", LONG_TEXT);
        BoundingBox onVisitor = visitor.locator("#save").boundingBox();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            double[] at = pointerPosition(visitor);
            assertTrue(Math.abs(at[0] - (onVisitor.x + onVisitor.width * 0.25)) < 3
                    && Math.abs(at[1] - (onVisitor.y + onVisitor.height * 0.5)) < 3,
                    "pointer at " + at[0] + "," + at[1] + " for the button at " + onVisitor.x + "," + onVisitor.y);
        });

        // A click shows the yellow circle; Ctrl+click wiggles the element under it.
        BoundingBox intro = mirrored.locator("#intro").boundingBox();
        agent.mouse().click(intro.x + 20, intro.y + intro.height / 2);
        Locator circle = visitor.getByTestId("tandem-highlight");
        assertThat(circle.first()).isAttached(new LocatorAssertions.IsAttachedOptions().setTimeout(10_000));
        assertEquals("rgb(255, 212, 0)", circle.first().evaluate("el => getComputedStyle(el).backgroundColor"));
        agent.keyboard().down("Control");
        agent.mouse().click(onAgent.x + onAgent.width / 2, onAgent.y + onAgent.height / 2);
        agent.keyboard().up("Control");
        visitor.waitForFunction("() => document.getElementById('save').getAnimations().length > 0", null,
                new Page.WaitForFunctionOptions().setTimeout(10_000));
        assertEquals("", visitor.locator("#details-result").textContent(), "a click in view-only mode is only a highlight");

        // Text selection both ways (view-only too): the visitor's shows in the agent's view, and what the
        // agent selects by dragging over the view is marked on the visitor's page.
        visitor.evaluate("() => { const r = document.createRange(); r.selectNodeContents(document.getElementById('intro'));"
                + " getSelection().removeAllRanges(); getSelection().addRange(r); }");
        assertThat(agent.locator("tandem-viewer [data-testid=viewer-visitor-selection]").first()).isVisible(LONG);
        BoundingBox introBox = mirrored.locator("#intro").boundingBox();
        double firstLine = introBox.y + Math.min(6, introBox.height / 2);
        agent.mouse().move(introBox.x + 2, firstLine);
        agent.mouse().down();
        agent.mouse().move(introBox.x + introBox.width * 0.2, firstLine, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(4));
        agent.mouse().move(introBox.x + introBox.width * 0.4, firstLine, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(4));
        agent.mouse().up();
        assertThat(visitor.getByTestId("tandem-agent-selection").first()).isVisible(LONG);

        // The pen (view-only too): the agent's stroke across the mirrored #save is drawn across the same button on
        // the visitor's page, although the windows differ; the laser's fades by itself; Erase takes the pen's away.
        Locator pen = agent.locator("tandem-viewer [data-testid=viewer-pen]");
        Locator laserTool = agent.locator("tandem-viewer [data-testid=viewer-laser]");
        pen.click();
        assertThat(pen).hasAttribute("aria-pressed", "true");
        BoundingBox saveOnAgent = mirrored.locator("#save").boundingBox();
        drag(agent, saveOnAgent.x + saveOnAgent.width * 0.1, saveOnAgent.x + saveOnAgent.width * 0.9,
                saveOnAgent.y + saveOnAgent.height / 2);
        Locator stroke = visitor.getByTestId("tandem-drawing");
        assertThat(stroke).hasCount(1, new LocatorAssertions.HasCountOptions().setTimeout(15_000));
        BoundingBox drawn = stroke.boundingBox();
        BoundingBox saveOnVisitor = visitor.locator("#save").boundingBox();
        String where = "stroke " + drawn.x + "," + drawn.y + " " + drawn.width + "x" + drawn.height + " for the button at "
                + saveOnVisitor.x + "," + saveOnVisitor.y + " " + saveOnVisitor.width + "x" + saveOnVisitor.height;
        assertTrue(Math.abs(drawn.y + drawn.height / 2 - (saveOnVisitor.y + saveOnVisitor.height / 2)) < 8, where);
        assertTrue(drawn.x > saveOnVisitor.x && drawn.x + drawn.width < saveOnVisitor.x + saveOnVisitor.width, where);
        assertEquals("", visitor.locator("#details-result").textContent(), "a stroke is not a click");
        laserTool.click();
        drag(agent, saveOnAgent.x + saveOnAgent.width * 0.2, saveOnAgent.x + saveOnAgent.width * 0.8,
                saveOnAgent.y + saveOnAgent.height / 2);
        Locator laser = visitor.getByTestId("tandem-laser");
        assertThat(laser.first()).isAttached(new LocatorAssertions.IsAttachedOptions().setTimeout(15_000));
        assertThat(laser).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(15_000));
        laserTool.click();
        assertThat(laserTool).hasAttribute("aria-pressed", "false");
        assertThat(stroke).hasCount(1);
        agent.locator("tandem-viewer [data-testid=viewer-erase]").click();
        assertThat(stroke).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(15_000));

        // The agent asks for shared control; the visitor's consent prompt; the mode changes on both sides.
        agent.getByTestId("request-shared").click();
        Locator consent = visitor.getByTestId("tandem-consent");
        assertThat(consent).isVisible(LONG);
        assertThat(consent).containsText("click and type");
        visitor.getByTestId("tandem-accept").press("Enter");
        assertThat(agent.getByTestId("session-mode")).hasText("Shared control", LONG_TEXT);
        assertThat(visitor.getByTestId("tandem-mode")).hasText("Shared control", LONG_TEXT);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> "SHARED".equals(agent.evaluate("() => document.querySelector('tandem-viewer').mode")));

        // Shared typing reaches the React-style controlled input (its state echoes it).
        clickMirrored(agent, mirrored, "#nickname");
        agent.keyboard().type("Jane");
        assertThat(visitor.locator("#nickname-echo")).hasText("Jane", LONG_TEXT);
        assertThat(mirrored.locator("#nickname")).hasValue("Jane", new LocatorAssertions.HasValueOptions().setTimeout(10_000));

        // Every way to submit is refused for the agent; so is typing a password.
        agent.keyboard().press("Enter");
        for (String selector : List.of("#save", "#save-untyped", "#save-untyped-label", "#save-image", "#save-label")) {
            clickMirrored(agent, mirrored, selector);
        }
        clickMirrored(agent, mirrored, "#details-password");
        agent.keyboard().type("hunter2");
        assertThat(agent.locator("tandem-viewer [data-testid=viewer-notice]")).isVisible(LONG);
        // A last allowed action: once it shows, every refused one before it was handled.
        clickMirrored(agent, mirrored, "#town");
        agent.keyboard().type("Leeds");
        assertThat(visitor.locator("#town")).hasValue("Leeds", new LocatorAssertions.HasValueOptions().setTimeout(15_000));
        assertEquals("", visitor.locator("#details-result").textContent(), "nothing was submitted by the agent");
        assertEquals("", visitor.locator("#details-password").inputValue());
        assertEquals(page, visitor.url());

        // The visitor still can, each way.
        visitor.locator("#save").click();
        assertThat(visitor.locator("#details-result")).hasText("Saved 1 (save)");
        visitor.locator("#save-untyped-label").click();
        assertThat(visitor.locator("#details-result")).hasText("Saved 2 (save-untyped)");
        visitor.locator("#save-image").click();
        assertThat(visitor.locator("#details-result")).hasText("Saved 3 (save-image)");
        visitor.locator("#save-label").click();
        assertThat(visitor.locator("#details-result")).hasText("Saved 4 (save-hidden-submit)");
        visitor.locator("#town").press("Enter");
        assertThat(visitor.locator("#details-result")).containsText("Saved 5");

        // Navigation by the agent: the session survives the page load, and Back returns.
        clickMirrored(agent, mirrored, "#travel-link");
        visitor.waitForURL("**/travel.html", new Page.WaitForURLOptions().setTimeout(15_000));
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);
        assertThat(mirrored.locator("h1")).hasText("Travel insurance", LONG_TEXT);
        assertEquals(code, agent.getByTestId("session-code").textContent(), "the same session");
        agent.locator("tandem-viewer [data-testid=viewer-back]").click();
        visitor.waitForURL("**/together.html", new Page.WaitForURLOptions().setTimeout(15_000));
        assertThat(mirrored.locator("h1")).hasText("Your details", LONG_TEXT);

        // The visitor switches to another tab: the agent sees "visitor is away", and the page again on return.
        // (Headless Chromium never hides a tab, so the page's visibility is set the way a tab switch sets it.)
        Locator viewer = agent.locator("tandem-viewer");
        LocatorAssertions.HasAttributeOptions longAttr = new LocatorAssertions.HasAttributeOptions().setTimeout(30_000);
        setHidden(visitor, true);
        assertThat(viewer).hasAttribute("data-status", "away", longAttr);
        assertThat(agent.locator("tandem-viewer [data-testid=viewer-message]")).containsText("visitor is away");
        setHidden(visitor, false);
        assertThat(viewer).hasAttribute("data-status", "live", longAttr);
        assertThat(agent.locator("tandem-viewer [data-testid=viewer-message]")).isHidden();

        // Another tab of the same site, opened from the session tab (so with a copy of its sessionStorage),
        // does not join: it forgets the copied credential, and the session stays with the first tab.
        Page copy = visitor.waitForPopup(() -> visitor.evaluate("() => { window.open(location.href); }"));
        copy.waitForFunction("() => window.Tandem !== undefined"
                + " && !Object.keys(sessionStorage).some((k) => k.startsWith('tandem.credential.'))", null,
                new Page.WaitForFunctionOptions().setTimeout(30_000));
        assertEquals(0, copy.getByTestId("tandem-frame").count(), "no session frame on the other tab");
        copy.close();
        setHidden(visitor, true);
        assertThat(viewer).hasAttribute("data-status", "away", longAttr);
        setHidden(visitor, false);
        assertThat(viewer).hasAttribute("data-status", "live", longAttr);
        assertThat(visitor.getByTestId("tandem-frame")).isVisible();
        assertEquals(code, agent.getByTestId("session-code").textContent(), "still the same session, in the first tab");

        // The X ends it for both sides.
        String accessToken = agentToken(agent);
        String sharedSession = awaitSession(accessToken).path("sessionId").asText();
        visitor.getByTestId("tandem-end").click();
        assertThat(visitor.getByTestId("tandem-frame")).isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(10_000));
        assertThat(agent.getByTestId("session-ended")).containsText("visitor", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        agentContext.close();

        // A view-only session: forged control sent straight to the gateway with the agent's real tokens.
        List<String> visitorReceived = new CopyOnWriteArrayList<>();
        visitor.close();
        Page second = visitorContext.newPage();
        second.onWebSocket(ws -> ws.onFrameReceived(frame -> visitorReceived.add(frame.text())));
        second.navigate(page);
        invite(second, "VIEW_ONLY");
        assertThat(second.getByTestId("tandem-frame")).isVisible(LONG);
        JsonNode session = awaitSession(accessToken);
        HttpResponse<String> joined = send(HttpRequest.newBuilder(stack.sessionService()
                .resolve("/api/sessions/" + session.path("sessionId").asText() + "/join-token"))
                .header("Authorization", "Bearer " + accessToken).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, joined.statusCode(), joined.body());
        String joinToken = JSON.readTree(joined.body()).path("joinToken").asText();
        RawSocket raw = RawSocket.open(stack.gateway(), "/ws/agent", origin(stack.gateway()), joinToken, accessToken, null);
        // The gateway keeps no frames: send only once the visitor's tag is connected too.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> raw.received().stream().anyMatch(t ->
                t.contains("\"hello\"") && t.contains("\"peerConnected\":true")
                        || t.contains("\"peer\"") && t.contains("\"visitor\"") && t.contains("\"connected\":true")));
        List<String> forged = new ArrayList<>();
        for (int id = 1; id <= 80; id++) {
            forged.add("{\"t\":\"click\",\"id\":" + id + "}");
            forged.add("{\"t\":\"type\",\"id\":" + id + ",\"text\":\"FORGED\"}");
            forged.add("{\"t\":\"key\",\"id\":" + id + ",\"key\":\"Enter\"}");
        }
        forged.add("{\"t\":\"navigate\",\"action\":\"go\",\"url\":\"/apply.html\"}");
        forged.add("{\"t\":\"scroll-to\",\"id\":0,\"x\":0,\"y\":600}");
        for (String frame : forged) {
            raw.send(frame);
        }
        raw.send("{\"t\":\"highlight\",\"x\":10,\"y\":10}");
        // Playwright Java hands out a page's events (here its WebSocket frames) only while the test thread is
        // inside a Playwright call: waitForCondition keeps pumping them, an Awaitility poll of the list would not.
        second.waitForCondition(() -> visitorReceived.stream().anyMatch(t -> t.contains("\"t\":\"highlight\"")),
                new Page.WaitForConditionOptions().setTimeout(20_000));
        List<String> reached = visitorReceived.stream()
                .filter(t -> CONTROL.stream().anyMatch(c -> t.contains("\"t\":\"" + c + "\""))).toList();
        assertEquals(List.of(), reached, "forged control frames reached the visitor's tag");
        assertEquals(page, second.url());
        assertEquals("", second.locator("#nickname").inputValue());
        assertEquals("", second.locator("#town").inputValue());
        assertEquals("", second.locator("#details-result").textContent());
        assertFalse(raw.closed().isDone(), "dropped control keeps the connection");
        second.getByTestId("tandem-end").click();
        assertEquals(1000, raw.closed().get(30, java.util.concurrent.TimeUnit.SECONDS));
        visitorContext.close();

        // The audit trail lists what was refused, as the agent's actions with type and reason only: the tag's
        // refusals in the shared session, the gateway's drops in the view-only one.
        String supervisor = SignIn.userToken(browser, stack.gateway(), stack.keycloak(), "supervisor1");
        awaitRefused(supervisor, sharedSession, "click", "submit");
        awaitRefused(supervisor, sharedSession, "type", "secret-field");
        awaitRefused(supervisor, session.path("sessionId").asText(), "click", "view-only");
    }

    @Test
    void theVisitorAsksForHelpAgent2PicksItUpAndOnlyTheVisitorsYesStartsTheSession() throws Exception {
        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1024, 768));
        BrowserContext visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        try {
            Page agent = agentContext.newPage();
            SignIn.throughPage(agent, stack.gateway().resolve("/console/"), "agent2");
            assertThat(agent.getByTestId("signed-in-as")).containsText("agent2");
            String agentToken = agentToken(agent);

            // The visitor asks in the chat widget; the request waits for an agent, nothing of the page goes.
            Page visitor = visitorContext.newPage();
            visitor.navigate(stack.demoSite().resolve("/together.html").toString());
            visitor.getByTestId("chat-toggle").click();
            String chatId = visitor.getByTestId("chat-id").textContent().strip();
            visitor.getByTestId("ask-help").click();
            assertThat(visitor.getByTestId("chat-log")).containsText("You asked for co-browsing help",
                    new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            String requestId = pendingRequest(agentToken, chatId);

            // agent2 picks it up (view only); the visitor is asked and says no: the session agent2 had taken on
            // ends at once (the tag's `end`), not after the 5-minute join window, and agent2 is free again.
            acceptRequest(agentToken, requestId);
            assertThat(visitor.getByTestId("tandem-consent")).isVisible(LONG);
            assertThat(visitor.getByTestId("tandem-consent-mode")).hasText("View only");
            // session-service opens the session from the acceptance's event; wait for it, so that the 404 below
            // means "ended" and not "not opened yet".
            assertEquals(chatId, awaitSession(agentToken).path("chatId").asText());
            visitor.getByTestId("tandem-decline").click();
            Awaitility.await("agent2's unwanted session ended").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).until(() -> send(HttpRequest.newBuilder(
                            stack.sessionService().resolve("/api/agents/me/session"))
                            .header("Authorization", "Bearer " + agentToken).GET()).statusCode() == 404);
            assertEquals(0, visitor.getByTestId("tandem-frame").count(), "no session frame after a no");

            // Asked again, picked up again: yes, and agent2 sees the visitor's page.
            visitor.getByTestId("ask-help").click();
            String second = pendingRequest(agentToken, chatId);
            acceptRequest(agentToken, second);
            assertThat(visitor.getByTestId("tandem-consent")).isVisible(LONG);
            visitor.getByTestId("tandem-accept").click();
            assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);
            JsonNode session = awaitSession(agentToken);
            assertEquals(chatId, session.path("chatId").asText(), "agent2's session is this chat's: " + session);
            assertThat(agent.frameLocator("tandem-viewer iframe").locator("h1")).hasText("Your details", LONG_TEXT);
            visitor.getByTestId("tandem-end").click();
            assertThat(visitor.getByTestId("tandem-frame")).isHidden(new LocatorAssertions.IsHiddenOptions().setTimeout(30_000));
        } finally {
            visitorContext.close();
            agentContext.close();
        }
    }

    @Test
    void withTheVisitorsYesAgent1FollowsTheVisitorToAnotherTabOfTheSiteAndBack() throws Exception {
        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1024, 768));
        BrowserContext visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        try {
            Page agent = agentContext.newPage();
            SignIn.throughPage(agent, stack.gateway().resolve("/console/"), "agent1");
            assertThat(agent.getByTestId("signed-in-as")).containsText("agent1");
            String agentToken = agentToken(agent);
            Page first = visitorContext.newPage();
            first.navigate(stack.demoSite().resolve("/together.html").toString());
            invite(first, "VIEW_ONLY");
            FrameLocator mirrored = agent.frameLocator("tandem-viewer iframe");
            assertThat(mirrored.locator("h1")).hasText("Your details", LONG_TEXT);
            String sessionId = awaitSession(agentToken).path("sessionId").asText();
            com.microsoft.playwright.Locator viewer = agent.locator("tandem-viewer");
            LocatorAssertions.HasAttributeOptions longAttr = new LocatorAssertions.HasAttributeOptions().setTimeout(30_000);

            // Another tab of the site, shown before the visitor agreed to be followed: the agent sees "away".
            Page second = visitorContext.newPage();
            second.navigate(stack.demoSite().resolve("/travel.html").toString());
            setHidden(first, true);
            setHidden(second, false);
            assertThat(viewer).hasAttribute("data-status", "away", longAttr);
            assertEquals(0, second.getByTestId("tandem-frame").count(), "the other tab did not take the session");
            setHidden(second, true);
            setHidden(first, false);
            assertThat(viewer).hasAttribute("data-status", "live", longAttr);

            // agent1 asks to follow; the visitor says yes in the tag's dialog.
            agent.locator("tandem-viewer [data-testid=viewer-follow]").click();
            assertThat(first.getByTestId("tandem-consent")).isVisible(LONG);
            assertThat(first.getByTestId("tandem-consent")).containsText("other tabs");
            first.getByTestId("tandem-accept").click();
            assertThat(agent.locator("tandem-viewer [data-testid=viewer-follow]")).hasAttribute("aria-pressed", "true", longAttr);
            assertThat(first.getByTestId("tandem-following")).isVisible(LONG);

            // The visitor shows the travel tab: agent1 sees it, in the same session, and the first tab is out.
            setHidden(first, true);
            setHidden(second, false);
            assertThat(mirrored.locator("h1")).hasText("Travel insurance", LONG_TEXT);
            assertThat(viewer).hasAttribute("data-status", "live", longAttr);
            assertThat(second.getByTestId("tandem-frame")).isVisible(LONG);
            assertEquals(0, first.getByTestId("tandem-frame").count(), "no frame left in the first tab");
            assertEquals(sessionId, awaitSession(agentToken).path("sessionId").asText(), "the same session");

            // And back to the first tab.
            setHidden(second, true);
            setHidden(first, false);
            assertThat(mirrored.locator("h1")).hasText("Your details", LONG_TEXT);
            assertThat(first.getByTestId("tandem-frame")).isVisible(LONG);

            // The X in the tab the session is in ends it for both.
            first.getByTestId("tandem-end").click();
            assertThat(agent.getByTestId("session-ended")).isVisible(LONG);
            assertEquals(0, second.getByTestId("tandem-frame").count());
        } finally {
            visitorContext.close();
            agentContext.close();
        }
    }

    /** The pending request for help of this chat, as an agent lists them (it appears once invite-service has it). */
    private static String pendingRequest(String agentToken, String chatId) {
        String[] id = new String[1];
        Awaitility.await("a pending request for chat " + chatId).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300)).until(() -> {
                    HttpResponse<String> listed = send(HttpRequest.newBuilder(stack.inviteService().resolve("/api/requests?state=PENDING"))
                            .header("Authorization", "Bearer " + agentToken).GET());
                    assertEquals(200, listed.statusCode(), listed.body());
                    for (JsonNode request : JSON.readTree(listed.body())) {
                        if (chatId.equals(request.path("chatId").asText())) {
                            id[0] = request.path("id").asText();
                            return true;
                        }
                    }
                    return false;
                });
        return id[0];
    }

    /** The agent picks the request up for itself, view only (a moment after its last session ended, it may still be busy). */
    private static void acceptRequest(String agentToken, String requestId) {
        Awaitility.await("agent picks up " + requestId).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    HttpResponse<String> accepted = send(HttpRequest.newBuilder(
                            stack.inviteService().resolve("/api/requests/" + requestId + "/accept"))
                            .header("Authorization", "Bearer " + agentToken).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"VIEW_ONLY\"}")));
                    if (accepted.statusCode() == 409 && accepted.body().contains("agent-in-session")) {
                        return false;
                    }
                    assertEquals(200, accepted.statusCode(), accepted.body());
                    return true;
                });
    }

    /** Drags the agent's mouse from x1 to x2 along y, in steps, as a hand draws a line. */
    private static void drag(Page agent, double x1, double x2, double y) {
        agent.mouse().move(x1, y);
        agent.mouse().down();
        agent.mouse().move((x1 + x2) / 2, y, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(4));
        agent.mouse().move(x2, y, new com.microsoft.playwright.Mouse.MoveOptions().setSteps(4));
        agent.mouse().up();
    }

    /** Waits until the session's audit trail has the agent's refused action of this type and reason. */
    private static void awaitRefused(String supervisorToken, String sessionId, String messageType, String reason) {
        List<String> seen = new ArrayList<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                HttpResponse<String> audit = send(HttpRequest.newBuilder(stack.sessionService()
                        .resolve("/api/sessions/" + sessionId + "/audit"))
                        .header("Authorization", "Bearer " + supervisorToken).GET());
                seen.clear();
                seen.add(audit.statusCode() + " " + audit.body());
                if (audit.statusCode() != 200) {
                    return false;
                }
                for (JsonNode entry : JSON.readTree(audit.body()).path("entries")) {
                    if ("ACTION_REFUSED".equals(entry.path("kind").asText()) && "AGENT".equals(entry.path("role").asText())
                            && messageType.equals(entry.path("messageType").asText())
                            && reason.equals(entry.path("reason").asText())) {
                        return true;
                    }
                }
                return false;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no refused " + messageType + " (" + reason + ") in the audit trail of " + sessionId
                    + ": " + seen, e);
        }
    }

    /** The demo chat platform invites agent1; the visitor opens the chat first and accepts the prompt. */
    private static void invite(Page visitor, String mode) throws Exception {
        // The demo chat stays open across pages of the site (the widget remembers it).
        if (visitor.getByTestId("chat-toggle").isVisible()) {
            visitor.getByTestId("chat-toggle").click();
        }
        String chatId = visitor.getByTestId("chat-id").textContent().strip();
        HttpResponse<String> invited = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            invited = send(HttpRequest.newBuilder(stack.demoSite().resolve("/demo-chat/api/chats/" + chatId + "/invite"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"agentId\":\"agent1\",\"mode\":\"" + mode + "\"}")));
            if (invited.statusCode() != 409) {
                break;
            }
            // The agent's previous session is still being closed: invite-service learns it from session events.
            Awaitility.await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> true);
        }
        assertEquals(201, invited.statusCode(), invited.body());
        assertThat(visitor.getByTestId("tandem-consent")).isVisible(LONG);
        visitor.getByTestId("tandem-accept").click();
    }

    /** Makes the visitor's tab hidden or visible, as a switch to another tab and back does. */
    private static void setHidden(Page visitor, boolean hidden) {
        visitor.evaluate("h => { Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => h ? 'hidden' : 'visible'});"
                + " Object.defineProperty(document, 'hidden', {configurable: true, get: () => h});"
                + " document.dispatchEvent(new Event('visibilitychange')); }", hidden);
    }

    /** Clicks the centre of an element of the visitor's page as the agent's view shows it. */
    private static void clickMirrored(Page agent, FrameLocator mirrored, String selector) {
        BoundingBox box = mirrored.locator(selector).boundingBox();
        agent.mouse().click(box.x + box.width / 2, box.y + box.height / 2);
    }

    private static double[] pointerPosition(Page visitor) {
        String transform = (String) visitor.evaluate(
                "() => document.querySelector('tandem-ui').shadowRoot.querySelector('[data-testid=tandem-agent-pointer]').style.transform");
        java.util.regex.Matcher m = Pattern.compile("translate\\(([-\\d.]+)px, ([-\\d.]+)px\\)").matcher(transform);
        assertTrue(m.find(), transform);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static JsonNode awaitSession(String accessToken) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> response = send(HttpRequest.newBuilder(stack.sessionService().resolve("/api/agents/me/session"))
                    .header("Authorization", "Bearer " + accessToken).GET());
            if (response.statusCode() != 200) {
                return false;
            }
            found[0] = JSON.readTree(response.body());
            return true;
        });
        return found[0];
    }

    private static String agentToken(Page console) throws Exception {
        Object stored = console.evaluate("() => sessionStorage.getItem('tandem.console.tokens')");
        if (stored == null) {
            throw new AssertionError("the console keeps no tokens in sessionStorage");
        }
        return JSON.readTree(stored.toString()).path("accessToken").asText();
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
