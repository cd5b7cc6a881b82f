// Following the visitor across the site's tabs: only after the visitor's own yes to the agent's request, the
// session moves to whichever tab of the site the visitor shows or focuses, and back; stopping it (or a no)
// binds the session to the tab it is in. The tag, the viewer and the tabs are real (Chromium); the gateway
// and the services are the test server and fake sockets.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FAKE_WEBSOCKET, launchBrowser } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver, openViewer } from "./support/viewer.mjs";
import { openVisitor, settle } from "./support/visitor.mjs";

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Makes the page's tab hidden or visible, as a switch of tabs does (headless Chromium never hides one). */
async function setHidden(page, hidden) {
  await page.evaluate((h) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
  await settle(page);
}

/** Another tab of the site with the tag started, its events recorded. */
async function openTab(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.addScriptTag({ url: "/dist/tandem.js" });
  await page.evaluate((o) => {
    window.__events = [];
    window.__handle = window.Tandem.start({
      siteId: "test-site",
      endpoints: { invites: o, sessions: o, config: o, gateway: "ws://127.0.0.1:9" },
    });
    for (const name of ["session-started", "session-ended", "session-moved", "follow-changed"]) {
      window.__handle.on(name, (detail) => window.__events.push({ name, detail }));
    }
  }, server.origin);
  await settle(page);
  await settle(page);
  return page;
}

const sockets = (page) => page.evaluate(() => window.__sockets.map((s) => ({ open: s.readyState === 1, closedWith: s.closedWith })));
const sent = (page) => page.evaluate(() => window.__takeSent());
const follows = (frames) => frames.filter((f) => f.t === "follow");
const frameShown = (page) => page.locator("tandem-ui [data-testid=tandem-frame]").count();
const stored = (page) => page.evaluate(() => ({
  credential: sessionStorage.getItem("tandem.credential.test-site"),
  follow: sessionStorage.getItem("tandem.follow.test-site"),
}));
const events = (page, name) => page.evaluate((n) => window.__events.filter((e) => e.name === n).map((e) => e.detail), name);

test("with the visitor's yes the session follows them to the tab they show or focus and back; without it, or after they stop it, it stays", async () => {
  server.reset();
  server.state.mode = "VIEW_ONLY";
  const visitor = await openVisitor(browser, server, "together.html");
  const viewer = await openViewer(browser, server);
  try {
    const a = visitor.page;
    await a.evaluate(() => {
      for (const name of ["session-moved", "follow-changed"]) {
        window.__handle.on(name, (detail) => window.__events.push({ name, detail }));
      }
    });
    await a.getByTestId("tandem-accept").click();
    await a.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
    await a.evaluate(() => window.__sockets[0].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }));
    await settle(a);
    await deliver(viewer.page, await sent(a));
    await settle(viewer.page);
    const status = () => viewer.page.evaluate(() => document.getElementById("viewer").status);
    assert.equal(await status(), "live");
    const tokenCalls = () => server.requests.filter((r) => r.path === "/api/visitor/session-token").length;

    // Another tab of the site, shown, before the visitor agreed: the session stays where it is.
    await visitor.context.addInitScript(FAKE_WEBSOCKET);
    const callsBefore = tokenCalls();
    const b = await openTab(visitor.context, a.url());
    await setHidden(b, true);
    await setHidden(b, false);
    await b.evaluate(() => window.dispatchEvent(new Event("focus")));
    await settle(a);
    assert.deepEqual(await sockets(b), [], "the other tab opened no socket");
    assert.equal(tokenCalls(), callsBefore, "the other tab never asked for a join token");
    assert.equal((await sockets(a))[0].open, true, "the session tab keeps its socket");
    assert.equal(await frameShown(b), 0);

    // The agent asks to follow: the viewer sends follow-request, the tag asks the visitor in a dialog.
    const viewerSent = () => viewer.page.evaluate(() => window.__sockets[0].sent.splice(0).map((f) => JSON.parse(f)));
    await viewerSent();
    const followButton = viewer.page.locator("tandem-viewer [data-testid=viewer-follow]");
    assert.equal(await followButton.getAttribute("aria-pressed"), "false");
    await followButton.click();
    assert.deepEqual((await viewerSent()).filter((f) => f.t === "follow-request"), [{ t: "follow-request" }]);
    await a.evaluate(() => window.__sockets[0].deliver({ t: "follow-request" }));
    const dialog = a.getByTestId("tandem-consent");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /follow you to your other tabs/);
    assert.equal(await a.evaluate(() => document.querySelector("tandem-ui").shadowRoot.activeElement?.getAttribute("role")), "dialog",
      "focus is in the dialog");
    assert.deepEqual(follows(await sent(a)), [], "nothing answered before the visitor did");
    // A second request while the question is open does not open a second dialog.
    await a.evaluate(() => window.__sockets[0].deliver({ t: "follow-request" }));
    await settle(a);
    assert.equal(await dialog.count(), 1);
    await a.getByTestId("tandem-accept").click();
    await settle(a);
    let fromA = await sent(a);
    assert.deepEqual(follows(fromA), [{ t: "follow", on: true }]);
    assert.deepEqual(await events(a, "follow-changed"), [{ on: true }]);
    assert.equal((await stored(a)).follow, "on");
    assert.equal(await a.locator("tandem-ui [data-testid=tandem-following]").isVisible(), true, "the frame says the agent follows");
    await deliver(viewer.page, fromA);
    await settle(viewer.page);
    assert.equal(await followButton.getAttribute("aria-pressed"), "true");
    assert.equal(await viewer.page.evaluate(() => document.getElementById("viewer").following), true);

    // The visitor shows the other tab: the session moves there, with a fresh snapshot.
    const credential = (await stored(a)).credential;
    await setHidden(a, true);
    await setHidden(b, true);
    await setHidden(b, false);
    await b.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].sent.length > 0, null, { timeout: 5_000 });
    await settle(b);
    const aSockets = await sockets(a);
    assert.equal(aSockets[0].open, false, "the first tab closed its socket");
    assert.equal(aSockets[0].closedWith.code, 1000);
    assert.equal(await frameShown(a), 0, "no session frame left in the first tab");
    assert.deepEqual(await stored(a), { credential: null, follow: null }, "the first tab keeps nothing of the session");
    assert.deepEqual(await events(a, "session-moved"), [{ sessionId: "ses-1" }]);
    assert.deepEqual(await events(a, "session-ended"), [], "moving is not ending");
    assert.ok(!(await sent(a)).some((f) => f.t === "end"), "the first tab did not end the session");
    assert.deepEqual(await stored(b), { credential, follow: "on" });
    const fromB = await sent(b);
    assert.ok(fromB.some((f) => f.t === "snapshot"), "the new tab sent a fresh snapshot");
    assert.deepEqual(follows(fromB), [{ t: "follow", on: true }]);
    assert.equal(await frameShown(b), 1);
    assert.equal(await b.locator("tandem-ui [data-testid=tandem-following]").isVisible(), true);
    assert.deepEqual((await events(b, "session-started")).map((e) => e.sessionId), ["ses-1"]);
    await b.evaluate(() => window.__sockets[0].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }));
    // The agent's view: the old tab's socket went, the new tab's page came.
    await deliver(viewer.page, [{ t: "peer", role: "visitor", connected: false }, ...fromB]);
    await settle(viewer.page);
    assert.equal(await status(), "live");
    assert.equal(await viewer.page.evaluate(() => document.getElementById("viewer").following), true);

    // Back to the first tab by focusing it: the session comes back.
    await a.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "visible" });
      window.dispatchEvent(new Event("focus"));
    });
    await a.waitForFunction(() => window.__sockets.length === 2 && window.__sockets[1].sent.length > 0, null, { timeout: 5_000 });
    await settle(a);
    assert.equal((await sockets(b))[0].open, false, "the second tab let go");
    assert.equal(await frameShown(b), 0);
    assert.equal(await frameShown(a), 1);
    fromA = await sent(a);
    assert.ok(fromA.some((f) => f.t === "snapshot"));
    await a.evaluate(() => window.__sockets[1].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }));

    // The visitor stops it from the frame: the agent is told and the session stays in this tab.
    await a.locator("tandem-ui [data-testid=tandem-stop-following]").click();
    await settle(a);
    assert.deepEqual(follows(await sent(a)), [{ t: "follow", on: false }]);
    assert.equal(await a.locator("tandem-ui [data-testid=tandem-following]").isVisible(), false);
    assert.equal((await stored(a)).follow, null);
    assert.deepEqual(await events(a, "follow-changed"), [{ on: true }, { on: false }]);
    const bCalls = tokenCalls();
    await setHidden(a, true);
    await setHidden(b, false);
    await b.evaluate(() => window.dispatchEvent(new Event("focus")));
    await settle(a);
    await settle(b);
    assert.equal((await sockets(b)).length, 1, "no new socket in the other tab");
    assert.equal(tokenCalls(), bCalls);
    assert.equal((await sockets(a))[1].open, true, "the session stays in the first tab");
    assert.deepEqual(follows(await sent(a)), []);
    await deliver(viewer.page, [{ t: "follow", on: false }]);
    await settle(viewer.page);
    assert.equal(await followButton.getAttribute("aria-pressed"), "false");

    // Asked again, the visitor says no: the agent hears no, and a request right after is answered no without asking.
    await a.evaluate(() => window.__sockets[1].deliver({ t: "follow-request" }));
    await dialog.waitFor();
    await a.getByTestId("tandem-decline").click();
    await settle(a);
    assert.deepEqual(follows(await sent(a)), [{ t: "follow", on: false }]);
    await a.evaluate(() => window.__sockets[1].deliver({ t: "follow-request" }));
    await settle(a);
    assert.equal(await dialog.count(), 0, "no dialog again right after a no");
    assert.deepEqual(follows(await sent(a)), [{ t: "follow", on: false }]);
    assert.equal((await stored(a)).follow, null);

    // Garbage and handovers meant for another tab on the channel change nothing.
    await b.evaluate(() => {
      const channel = new BroadcastChannel("tandem.follow.test-site");
      channel.postMessage({ t: "handover", to: "someone-else", credential: "stolen", invite: null, mark: null });
      channel.postMessage({ t: "active" });
      channel.postMessage("active");
      channel.postMessage({ t: "handover", to: 1, credential: {} });
      channel.close();
    });
    await settle(a);
    assert.equal((await sockets(a))[1].open, true);
    assert.equal((await sockets(a)).length, 2);
    assert.deepEqual(visitor.problems.errors, []);
    assert.deepEqual(viewer.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("the brand's consent handler is asked to let the agent follow across tabs, as kind follow-tabs", async () => {
  server.reset();
  server.state.mode = "SHARED";
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(FAKE_WEBSOCKET);
    await page.goto(`${server.origin}/fixtures/together.html`);
    await page.addScriptTag({ url: "/dist/tandem.js" });
    await page.evaluate((o) => {
      window.__asked = [];
      window.__handle = window.Tandem.start({
        siteId: "test-site",
        endpoints: { invites: o, sessions: o, config: o, gateway: "ws://127.0.0.1:9" },
        // Yes to the invite; for following, the answer of the test (a non-boolean first: that is a no).
        consent: (request) => {
          window.__asked.push({ kind: request.kind, mode: request.mode, message: request.message });
          return request.kind === "invite" ? true : window.__followAnswer;
        },
      });
      void window.__handle.receiveInvite("test-credential");
    }, server.origin);
    await page.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
    await page.evaluate(() => window.__sockets[0].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: "SHARED", peerConnected: true }));
    await settle(page);
    await sent(page);
    await page.evaluate(() => {
      window.__followAnswer = "yes";
      window.__sockets[0].deliver({ t: "follow-request" });
    });
    await settle(page);
    assert.deepEqual(follows(await sent(page)), [{ t: "follow", on: false }], "only a strict true is a yes");
    assert.deepEqual(await page.evaluate(() => window.__asked), [
      { kind: "invite", mode: "SHARED", message: "Hi, this is Sam from Harbour. Shall I show you where the form is?" },
      { kind: "follow-tabs", mode: "SHARED", message: null },
    ]);
    assert.equal(await page.getByTestId("tandem-consent").count(), 0, "the tag's own dialog is not shown");
  } finally {
    await context.close();
  }
});
