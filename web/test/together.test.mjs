// Together on the page: shared-mode control applied by the tag (and everything it must refuse), mode
// changes and the visitor's consent, anchored and labelled pointers, and the viewer's side of it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FAKE_WEBSOCKET, launchBrowser, watchPage } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver, openViewer } from "./support/viewer.mjs";
import { openVisitor, settle } from "./support/visitor.mjs";

let browser;
let server;
/** The fake invite-service's mode request for the session: `null` answers 404. */
let modeRequest = null;
const modeAnswers = [];
/** What the console posted: mode requests (invite-service) and mode changes (session-service). */
const consoleCalls = [];
const b64url = (value) => Buffer.from(value).toString("base64url");
const jwt = (claims) => `${b64url(JSON.stringify({ alg: "none" }))}.${b64url(JSON.stringify(claims))}.sig`;
let lastNonce = null;
const AGENT_TOKEN = jwt({ preferred_username: "agent1", exp: Math.floor(Date.now() / 1000) + 3600 });

/** Just enough Keycloak and session-service for the console to sign in and mount a session. */
function consoleFakes(req, res, url, body) {
  const reply = (status, value, headers = {}) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(value === undefined ? "" : JSON.stringify(value));
    return true;
  };
  if (url.pathname === "/dist/console/config.json") {
    return reply(200, {
      keycloakUrl: `${server.origin}/kc`, realm: "tandem", clientId: "tandem-console",
      sessionsApi: server.origin, gatewayUrl: "ws://127.0.0.1:9", invitesApi: `${server.origin}/invites`,
    });
  }
  if (url.pathname === "/kc/realms/tandem/protocol/openid-connect/auth") {
    lastNonce = url.searchParams.get("nonce");
    const back = new URL(url.searchParams.get("redirect_uri"));
    back.searchParams.set("code", "c0de");
    back.searchParams.set("state", url.searchParams.get("state"));
    res.writeHead(302, { Location: back.toString() });
    res.end();
    return true;
  }
  if (url.pathname === "/kc/realms/tandem/protocol/openid-connect/token") {
    return reply(200, { access_token: AGENT_TOKEN, refresh_token: "r", expires_in: 3600, id_token: jwt({ preferred_username: "agent1", nonce: lastNonce }) });
  }
  const authorised = req.headers.authorization === `Bearer ${AGENT_TOKEN}`;
  if (url.pathname === "/api/agents/me/session") {
    return authorised
      ? reply(200, { sessionId: "ses-1", code: "123456789", state: "ACTIVE", mode: "VIEW_ONLY", siteId: "test-site", chatId: "c", createdAt: "" })
      : reply(401, {});
  }
  if (url.pathname === "/api/sessions/ses-1/join-token") {
    return reply(200, { sessionId: "ses-1", code: "123456789", mode: "VIEW_ONLY", siteId: "test-site", joinToken: "agent.jwt.token", expiresAt: "" });
  }
  if (url.pathname === "/invites/api/mode-requests" || url.pathname === "/api/sessions/ses-1/mode") {
    if (req.method === "OPTIONS") return false;
    consoleCalls.push({ path: url.pathname, authorised, body: body === "" ? null : JSON.parse(body) });
    return url.pathname.endsWith("mode-requests")
      ? reply(201, { id: "mr-1", state: "PENDING", mode: "SHARED", expiresAt: "" })
      : reply(200, {});
  }
  return false;
}

before(async () => {
  browser = await launchBrowser();
  server = await startServer({
    handle: (req, res, url, body) => {
      if (consoleFakes(req, res, url, body)) return true;
      if (url.pathname === "/api/visitor/mode-request" && req.method === "GET") {
        res.writeHead(modeRequest === null ? 404 : 200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(modeRequest ?? { type: "https://tandem.dev/problems/mode-request-not-found", status: 404 }));
        return true;
      }
      const answer = /^\/api\/visitor\/mode-request\/(accept|decline)$/.exec(url.pathname);
      if (answer && req.method === "POST") {
        modeAnswers.push({ answer: answer[1], credential: req.headers["tandem-invite-credential"] });
        modeRequest = { ...modeRequest, state: answer[1] === "accept" ? "ACCEPTED" : "DECLINED" };
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(modeRequest));
        return true;
      }
      return false;
    },
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function reset({ mode = "SHARED" } = {}) {
  server.reset();
  server.state.mode = mode;
  server.state.notReadyCount = 0;
  server.state.config.rules.push({ kind: "NO_AGENT_CONTROL", selector: ".no-touch" });
  modeRequest = null;
  modeAnswers.length = 0;
}

/** Accepts the invite, connects with the given mode, and answers the ids of the snapshot by `id` attribute. */
async function connect(page, mode) {
  await page.getByTestId("tandem-accept").click();
  await page.waitForFunction(() => window.__sockets.length > 0 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
  await page.evaluate((m) => window.__sockets[0].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: m, peerConnected: true }), mode);
  await settle(page);
  const frames = await page.evaluate(() => window.__takeSent());
  const snapshot = frames.find((f) => f.t === "snapshot");
  assert.ok(snapshot, "a snapshot was sent");
  const ids = {};
  const walk = (node) => {
    if (node.type === 1 && node.attrs.id !== undefined) ids[node.attrs.id] = node.id;
    for (const child of node.children ?? []) walk(child);
  };
  walk(snapshot.root);
  return { ids, frames, snapshot };
}

/** Hands control frames to the tag and returns what it sent back (its `refused` answers). */
async function control(page, frames) {
  await page.evaluate((list) => {
    for (const frame of list) window.__sockets[0].deliver(frame);
  }, frames);
  await settle(page);
  return (await page.evaluate(() => window.__takeSent())).filter((f) => f.t === "refused");
}

async function pageState(page) {
  return page.evaluate(() => ({
    submits: window.__submits.slice(),
    clicks: window.__clicks.slice(),
    href: location.href,
    jsRan: window.__jsRan === 1,
    values: Object.fromEntries(
      ["name", "controlled", "notes", "pw", "secret", "masked-attr", "in-blocked"].map((id) => [id, document.getElementById(id).value]),
    ),
    echo: document.getElementById("echo").textContent,
    plan: document.getElementById("plan").selectedIndex,
    agree: document.getElementById("agree").checked,
  }));
}

test("shared mode: typing reaches a React-style controlled input, and select, check, keys, click and scroll apply", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html");
  try {
    const { ids } = await connect(visitor.page, "SHARED");
    const { page } = visitor;

    // The check that this input behaves like React's: a plain `value =` plus `input` does not reach its state.
    await page.evaluate(() => {
      const input = document.getElementById("controlled");
      input.value = "naive";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    assert.equal((await pageState(page)).echo, "", "a naive setter is lost on a controlled input");

    const refused = await control(page, [
      { t: "click", id: ids.controlled },
      ...[..."Hello"].map((ch) => ({ t: "type", id: ids.controlled, text: ch })),
      { t: "key", id: ids.controlled, key: "Backspace" },
      { t: "type", id: ids.controlled, text: "p!" },
      { t: "type", id: ids.name, text: "Ada" },
      { t: "type", id: ids.notes, text: "line one" },
      { t: "key", id: ids.notes, key: "Enter" },
      { t: "type", id: ids.notes, text: "line two" },
      { t: "select", id: ids.plan, index: 2 },
      { t: "check", id: ids.agree, checked: true },
      { t: "click", id: ids["plain-button"] },
      { t: "scroll-to", id: 0, x: 0, y: 300 },
    ]);
    assert.deepEqual(refused, []);
    const state = await pageState(page);
    assert.equal(state.values.controlled, "Hellp!");
    assert.equal(state.echo, "Hellp!", "the controlled input's state saw the agent's typing");
    assert.equal(state.values.name, "Ada");
    assert.equal(state.values.notes, "line one\nline two");
    assert.equal(state.plan, 2);
    assert.equal(state.agree, true);
    assert.deepEqual(state.clicks, ["plain"]);
    assert.deepEqual(state.submits, []);
    assert.equal(await page.evaluate(() => window.scrollY), 300);

    // The visitor keeps typing at the same time.
    await page.locator("#name").click();
    await page.keyboard.type(" L.");
    assert.equal((await pageState(page)).values.name, "Ada L.");

    // What the agent did is announced in a polite live region.
    const announcer = await page.evaluate(() => {
      const el = document.querySelector("tandem-ui").shadowRoot.querySelector("[data-testid=tandem-announcer]");
      return { role: el.getAttribute("role"), live: el.getAttribute("aria-live"), text: el.textContent };
    });
    assert.equal(announcer.role, "status");
    assert.equal(announcer.live, "polite");
    assert.match(announcer.text, /Your agent clicked \u201cPlain\u201d/);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
  }
});

test("never for the agent: every way to submit, secret, blocked and file fields, rules, unsafe URLs, other origins, new windows", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html");
  try {
    const { ids } = await connect(visitor.page, "SHARED");
    const { page } = visitor;
    const start = await pageState(page);
    const cases = [
      [{ t: "click", id: ids["submit-typed"] }, "submit"],
      [{ t: "click", id: ids["submit-untyped"] }, "submit"],
      [{ t: "click", id: ids["submit-child"] }, "submit"],
      [{ t: "click", id: ids["submit-input"] }, "submit"],
      [{ t: "click", id: ids["submit-image"] }, "submit"],
      [{ t: "click", id: ids["submit-label"] }, "submit"],
      [{ t: "key", id: ids.name, key: "Enter" }, "submit"],
      [{ t: "type", id: ids.name, text: "\n" }, null], // a line break in a single-line field is dropped, never Enter
      [{ t: "type", id: ids.pw, text: "hunter2" }, "secret-field"],
      [{ t: "type", id: ids.secret, text: "x" }, "secret-field"],
      [{ t: "type", id: ids["masked-attr"], text: "x" }, "secret-field"],
      [{ t: "type", id: ids["in-blocked"], text: "x" }, "not-found"], // never sent, so the agent has no id for it
      [{ t: "click", id: ids.file }, "file-input"],
      [{ t: "click", id: ids.forbidden }, "no-agent-control"],
      [{ t: "click", id: ids.js }, "unsafe-url"],
      [{ t: "click", id: ids.data }, "unsafe-url"],
      [{ t: "click", id: ids.other }, "other-origin"],
      [{ t: "click", id: ids.blank }, "new-window"],
      [{ t: "navigate", action: "go", url: "javascript:window.__jsRan=1" }, "unsafe-url"],
      [{ t: "navigate", action: "go", url: "data:text/html,hi" }, "unsafe-url"],
      [{ t: "navigate", action: "go", url: "https://example.com/" }, "other-origin"],
      [{ t: "navigate", action: "go", url: `${server.otherOrigin}/fixtures/together.html` }, "other-origin"],
    ];
    for (const [frame, reason] of cases) {
      const refused = await control(page, [frame]);
      if (reason === null) {
        assert.deepEqual(refused, [], JSON.stringify(frame));
      } else {
        assert.equal(refused.length, 1, `one refusal for ${JSON.stringify(frame)}`);
        assert.equal(refused[0].reason, reason, JSON.stringify(frame));
        assert.equal(refused[0].action, frame.t);
      }
    }
    assert.ok(ids["in-blocked"] === undefined, "inputs in blocked areas have no id on the agent's side");
    const end = await pageState(page);
    assert.deepEqual(end, start, "nothing changed on the page: no submit, no value, no navigation, no script");

    // The visitor still can: each submit path works for them.
    await page.locator("#submit-typed").click();
    await page.locator("#submit-child").click();
    await page.locator("#submit-label").click();
    await page.locator("#name").press("Enter");
    assert.deepEqual((await pageState(page)).submits, ["submit-typed", "submit-untyped", "submit-input2", "submit-typed"]);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
  }
});

test("a page's own handler cannot submit for the agent, and same-origin navigation goes ahead", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html");
  try {
    const { ids } = await connect(visitor.page, "SHARED");
    const { page } = visitor;
    await page.evaluate(() => {
      document.getElementById("plain-button").addEventListener("click", () => document.getElementById("form").requestSubmit());
    });
    assert.deepEqual(await control(page, [{ t: "click", id: ids["plain-button"] }]), []);
    assert.deepEqual((await pageState(page)).submits, [], "requestSubmit from the page's click handler was stopped");
    // form.submit() (no event) and window.open from the page's handler are off too, and back afterwards.
    await page.evaluate(() => {
      window.__opened = [];
      document.getElementById("forbidden").classList.remove("no-touch");
      document.getElementById("forbidden").addEventListener("click", () => {
        window.__opened.push(window.open("/fixtures/together.html?popup") === null ? "blocked" : "opened");
        document.getElementById("form").submit();
      });
    });
    assert.deepEqual(await control(page, [{ t: "click", id: ids.forbidden }]), []);
    assert.deepEqual(await page.evaluate(() => window.__opened), ["blocked"]);
    assert.ok(!(await pageState(page)).href.includes("/submitted"), "form.submit() did not navigate");
    assert.equal(await page.evaluate(() => HTMLFormElement.prototype.submit.name), "submit", "the page's own submit is restored");
    await control(page, [{ t: "click", id: ids.same }]);
    assert.ok((await pageState(page)).href.endsWith("#next"), "a same-page link was followed");
    await page.evaluate(() => window.__sockets[0].deliver({ t: "navigate", action: "go", url: "/fixtures/together.html?page=2" }));
    await page.waitForURL(/page=2/);
  } finally {
    await visitor.context.close();
  }
});

test("view-only: control is ignored by the tag even if the gateway let it through; the mode request needs the visitor's consent", async () => {
  reset({ mode: "VIEW_ONLY" });
  const visitor = await openVisitor(browser, server, "together.html");
  try {
    const { ids } = await connect(visitor.page, "VIEW_ONLY");
    const { page } = visitor;
    await page.evaluate(() => {
      window.__modes = [];
      window.__handle.on("mode-changed", (detail) => window.__modes.push(detail.mode));
    });
    const start = await pageState(page);
    const refused = await control(page, [
      { t: "click", id: ids["plain-button"] },
      { t: "type", id: ids.name, text: "forged" },
      { t: "select", id: ids.plan, index: 1 },
      { t: "check", id: ids.agree, checked: true },
      { t: "navigate", action: "go", url: "/fixtures/together.html?forged" },
      { t: "scroll-to", id: 0, x: 0, y: 500 },
    ]);
    assert.deepEqual(refused.map((r) => r.reason), Array(6).fill("view-only"));
    assert.deepEqual(await pageState(page), start);
    assert.equal(await page.evaluate(() => window.scrollY), 0);
    const mode = () => page.evaluate(() => document.querySelector("tandem-ui").shadowRoot.querySelector("[data-testid=tandem-mode]").textContent);
    assert.equal(await mode(), "View only");

    // The agent asks for shared control: the tag shows the consent dialog, keyboard-operable.
    modeRequest = { id: "mr-1", sessionId: "ses-1", state: "PENDING", mode: "SHARED", expiresAt: new Date(Date.now() + 60_000).toISOString() };
    const dialog = page.getByTestId("tandem-consent");
    await dialog.waitFor({ timeout: 10_000 });
    assert.equal(await dialog.getAttribute("role"), "dialog");
    assert.equal(await dialog.getAttribute("aria-modal"), "true");
    assert.match(await dialog.innerText(), /Let your agent click and type for you\?/);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.querySelector("tandem-ui").shadowRoot.activeElement?.getAttribute("data-testid"));
    assert.ok(["tandem-accept", "tandem-decline"].includes(focused), `focus stays in the dialog (${focused})`);
    await page.getByTestId("tandem-accept").focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelector("tandem-ui").shadowRoot.querySelector("[data-testid=tandem-consent]") === null);
    assert.deepEqual(modeAnswers, [{ answer: "accept", credential: "test-credential" }]);
    assert.equal(await mode(), "View only", "still view-only until the gateway says otherwise");
    assert.deepEqual((await control(page, [{ t: "type", id: ids.name, text: "x" }])).map((r) => r.reason), ["view-only"]);

    await page.evaluate(() => window.__sockets[0].deliver({ t: "mode", mode: "SHARED" }));
    assert.deepEqual(await control(page, [{ t: "type", id: ids.name, text: "now" }]), []);
    assert.equal((await pageState(page)).values.name, "now");
    assert.equal(await mode(), "Shared control");

    // Shared back to view-only needs no consent: the gateway says so and control stops at once.
    await page.evaluate(() => window.__sockets[0].deliver({ t: "mode", mode: "VIEW_ONLY" }));
    assert.deepEqual((await control(page, [{ t: "type", id: ids.name, text: "!" }])).map((r) => r.reason), ["view-only"]);
    assert.deepEqual(await page.evaluate(() => window.__modes), ["SHARED", "VIEW_ONLY"]);
    assert.equal(await page.locator("[data-testid=tandem-consent]").count(), 0, "an answered request is not asked again");
  } finally {
    await visitor.context.close();
  }
});

test("pointers: the agent's lands on the same element (id + offset) with the agent's name; the visitor's is anchored too", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html", { viewport: { width: 700, height: 600 } });
  try {
    const { ids } = await connect(visitor.page, "SHARED");
    const { page } = visitor;
    const box = await page.locator("#target").boundingBox();
    // The agent's screen is wider: its x, y are elsewhere, but the anchor names the element and the place in it.
    await page.evaluate((id) => {
      const socket = window.__sockets[0];
      for (let i = 0; i < 300; i += 1) socket.deliver({ t: "pointer", x: 900 + i, y: 40, id, fx: 0.25, fy: 0.5, name: "Sam <b>Agent</b>" });
    }, ids.target);
    await settle(page);
    const pointer = await page.evaluate(() => {
      const el = document.querySelector("tandem-ui").shadowRoot.querySelector("[data-testid=tandem-agent-pointer]");
      return { transform: el.style.transform, name: el.querySelector("[data-testid=tandem-agent-name]").textContent, html: el.innerHTML };
    });
    const [, px, py] = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(pointer.transform).map(Number);
    assert.ok(Math.abs(px - (box.x + box.width * 0.25)) < 1, `x ${px} within the element`);
    assert.ok(Math.abs(py - (box.y + box.height * 0.5)) < 1, `y ${py} within the element`);
    assert.equal(pointer.name, "Sam <b>Agent</b>", "the name is text, never markup");
    assert.ok(!pointer.html.includes("<b>"));
    const frame = await page.evaluate(() => document.querySelector("tandem-ui").shadowRoot.querySelector("[data-testid=tandem-frame]") !== null);
    assert.ok(frame);

    // The visitor's own pointer is sent anchored to the element under it.
    await page.mouse.move(box.x + box.width * 0.5, box.y + 20);
    await settle(page);
    const sent = (await page.evaluate(() => window.__takeSent())).filter((f) => f.t === "pointer");
    const last = sent.at(-1);
    assert.equal(last.id, ids.target);
    assert.ok(Math.abs(last.fx - 0.5) < 0.01 && Math.abs(last.fy - 20 / box.height) < 0.01, JSON.stringify(last));
  } finally {
    await visitor.context.close();
  }
});

/** A point of the viewer page over a rebuilt element. */
async function viewerPoint(page, id, fx = 0.5, fy = 0.5) {
  return page.evaluate(({ id, fx, fy }) => {
    const iframe = document.getElementById("viewer").shadowRoot.querySelector("iframe");
    const frameBox = iframe.getBoundingClientRect();
    const scale = frameBox.width / iframe.offsetWidth;
    const box = iframe.contentDocument.getElementById(id).getBoundingClientRect();
    return { x: frameBox.left + (box.left + box.width * fx) * scale, y: frameBox.top + (box.top + box.height * fy) * scale };
  }, { id, fx, fy });
}

test("the viewer: shared-mode clicks, typing, select and navigation become control messages; view-only sends highlights only", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html", { viewport: { width: 800, height: 600 } });
  const viewer = await openViewer(browser, server);
  try {
    const { frames } = await connect(visitor.page, "SHARED");
    await deliver(viewer.page, frames);
    await settle(viewer.page);
    const sentByViewer = () => viewer.page.evaluate(() => window.__sockets[0].sent.splice(0).map((f) => JSON.parse(f)));
    const mode = () => viewer.page.evaluate(() => document.getElementById("viewer").shadowRoot.querySelector("[data-testid=viewer-mode]").textContent);
    await sentByViewer();
    // openViewer's hello said SHARED.
    assert.equal(await mode(), "Shared control");

    const at = await viewerPoint(viewer.page, "controlled");
    await viewer.page.mouse.click(at.x, at.y);
    await viewer.page.keyboard.type("Hi");
    await viewer.page.keyboard.press("Backspace");
    await viewer.page.keyboard.type("ey");
    let sent = await sentByViewer();
    const controls = sent.filter((f) => f.t !== "pointer" && f.t !== "highlight");
    assert.equal(controls[0].t, "click");
    assert.deepEqual(controls.slice(1).map((f) => f.text ?? f.key), ["H", "i", "Backspace", "e", "y"]);
    assert.ok(sent.some((f) => f.t === "highlight"), "the circle shows on the visitor's side too");

    // Through the tag: the controlled input ends up with what the agent typed.
    await visitor.page.evaluate((list) => { for (const f of list) window.__sockets[0].deliver(f); }, sent);
    await settle(visitor.page);
    assert.equal((await pageState(visitor.page)).echo, "Hey");

    // A select opens a picker; choosing sends `select` with the index.
    const plan = await viewerPoint(viewer.page, "plan");
    await viewer.page.mouse.click(plan.x, plan.y);
    await viewer.page.locator("tandem-viewer [data-testid=viewer-select]").selectOption({ index: 1 });
    sent = await sentByViewer();
    assert.deepEqual(sent.filter((f) => f.t === "select").map((f) => f.index), [1]);

    // Ctrl+click only wiggles: no control message.
    const button = await viewerPoint(viewer.page, "plain-button");
    await viewer.page.keyboard.down("Control");
    await viewer.page.mouse.click(button.x, button.y);
    await viewer.page.keyboard.up("Control");
    sent = await sentByViewer();
    assert.deepEqual(sent.filter((f) => f.t !== "pointer").map((f) => [f.t, f.wiggle]), [["highlight", true]]);

    // Navigation from the toolbar.
    await viewer.page.getByTestId("viewer-back").click();
    await viewer.page.getByTestId("viewer-url").fill("/fixtures/together.html?p=2");
    await viewer.page.getByTestId("viewer-go").click();
    sent = await sentByViewer();
    assert.deepEqual(sent.filter((f) => f.t === "navigate"), [
      { t: "navigate", action: "back" },
      { t: "navigate", action: "go", url: "/fixtures/together.html?p=2" },
    ]);

    // A refusal from the tag shows to the agent.
    await deliver(viewer.page, [{ t: "refused", action: "click", id: 5, reason: "submit" }]);
    await viewer.page.getByTestId("viewer-notice").filter({ hasText: "only the visitor can submit" }).waitFor();

    // View-only: clicks are highlights, nothing else; the pointer carries its anchor.
    await deliver(viewer.page, [{ t: "mode", mode: "VIEW_ONLY" }]);
    assert.equal(await mode(), "View only");
    assert.equal(await viewer.page.getByTestId("viewer-back").isVisible(), false);
    await viewer.page.mouse.click(button.x, button.y);
    await viewer.page.keyboard.type("zz");
    await viewer.page.mouse.move(button.x + 1, button.y + 1);
    await settle(viewer.page);
    sent = await sentByViewer();
    assert.deepEqual([...new Set(sent.map((f) => f.t))].sort(), ["highlight", "pointer"]);
    const pointer = sent.filter((f) => f.t === "pointer").at(-1);
    assert.equal(typeof pointer.id, "number");
    assert.ok(pointer.fx >= 0 && pointer.fx <= 1 && pointer.fy >= 0 && pointer.fy <= 1);
    assert.deepEqual(viewer.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("the console: Request shared control asks invite-service, the mode follows the gateway, Back to view only asks session-service", async () => {
  consoleCalls.length = 0;
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(FAKE_WEBSOCKET);
    const problems = watchPage(page);
    await page.goto(`${server.origin}/dist/console/index.html`);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("session-code").getByText("123456789").waitFor();
    await page.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].readyState === 1);
    await deliver(page, [{ t: "hello", role: "agent", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }]);
    assert.equal(await page.getByTestId("session-mode").textContent(), "View only");
    assert.equal(await page.getByTestId("give-back").isVisible(), false);

    await page.getByTestId("request-shared").click();
    await page.getByTestId("mode-note").getByText("Asked the visitor for shared control\u2026").waitFor();
    assert.deepEqual(consoleCalls, [{ path: "/invites/api/mode-requests", authorised: true, body: { sessionId: "ses-1", mode: "SHARED" } }]);
    assert.equal(await page.getByTestId("session-mode").textContent(), "View only", "nothing changes before the visitor consents");

    await deliver(page, [{ t: "mode", mode: "SHARED" }]);
    await page.getByTestId("session-mode").getByText("Shared control").waitFor();
    assert.equal(await page.getByTestId("request-shared").isVisible(), false);
    await page.getByTestId("give-back").click();
    for (const deadline = Date.now() + 10_000; consoleCalls.length < 2 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(consoleCalls.at(-1), { path: "/api/sessions/ses-1/mode", authorised: true, body: { mode: "VIEW_ONLY" } });
    await deliver(page, [{ t: "mode", mode: "VIEW_ONLY" }]);
    await page.getByTestId("session-mode").getByText("View only").waitFor();

    // The agent's pointer carries its name, for the label on the visitor's side.
    await deliver(page, [{
      t: "snapshot", seq: 1, snapshotId: 1, url: `${server.origin}/page.html`, title: "Page", viewport: { w: 800, h: 600 }, scroll: { x: 0, y: 0 },
      root: { id: 1, type: 9, children: [{ id: 2, type: 1, tag: "html", attrs: {}, children: [{ id: 3, type: 1, tag: "body", attrs: {}, children: [{ id: 4, type: 1, tag: "p", attrs: {}, children: [{ id: 5, type: 3, text: "Visitor page" }] }] }] }] },
    }]);
    await page.getByTestId("viewer-status").getByText("live").waitFor();
    const overlay = await page.getByTestId("viewer-overlay").boundingBox();
    await page.mouse.move(overlay.x + 30, overlay.y + 30);
    await page.mouse.move(overlay.x + 40, overlay.y + 40);
    await page.waitForFunction(() => window.__sockets[0].sent.some((f) => JSON.parse(f).t === "pointer"));
    const pointer = await page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f)).filter((f) => f.t === "pointer").at(-1));
    assert.equal(pointer.name, "agent1");
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

test("the viewer: Fit scales the visitor's viewport into the element; off shows it at actual size, scrollable", async () => {
  const viewer = await openViewer(browser, server);
  try {
    await deliver(viewer.page, [{
      t: "snapshot", seq: 1, snapshotId: 1, url: `${server.origin}/page.html`, title: "Page", viewport: { w: 2000, h: 1400 }, scroll: { x: 0, y: 0 },
      root: { id: 1, type: 9, children: [{ id: 2, type: 1, tag: "html", attrs: {}, children: [{ id: 3, type: 1, tag: "body", attrs: {}, children: [{ id: 4, type: 3, text: "Wide page" }] }] }] },
    }]);
    const layout = () => viewer.page.evaluate(() => {
      const el = document.getElementById("viewer");
      const iframe = el.shadowRoot.querySelector("iframe");
      return { width: Math.round(iframe.getBoundingClientRect().width), scrolls: el.scrollWidth > el.clientWidth };
    });
    assert.deepEqual(await layout(), { width: 1000, scrolls: false }, "scaled to the element's 1000 px");
    const fit = viewer.page.getByTestId("viewer-fit");
    assert.equal(await fit.getAttribute("aria-pressed"), "true");
    await fit.click();
    assert.equal(await fit.getAttribute("aria-pressed"), "false");
    assert.deepEqual(await layout(), { width: 2000, scrolls: true }, "actual size, scrollable");
    await fit.click();
    assert.deepEqual(await layout(), { width: 1000, scrolls: false });
    assert.equal(await viewer.page.getByTestId("viewer-fullscreen").isVisible(), true);
  } finally {
    await viewer.context.close();
  }
});

test("text selection both ways: node ids and offsets; never across masked, blocked or scrubbed text", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html", { viewport: { width: 800, height: 600 } });
  const viewer = await openViewer(browser, server);
  try {
    const { page } = visitor;
    const { frames, snapshot } = await connect(page, "VIEW_ONLY");
    await deliver(viewer.page, frames);
    await settle(viewer.page);
    const sentByViewer = () => viewer.page.evaluate(() => window.__sockets[0].sent.splice(0).map((f) => JSON.parse(f)));
    await sentByViewer();
    const select = (id, from, to, endId = id, endChild = 0) => page.evaluate(({ id, from, to, endId, endChild }) => {
      const range = document.createRange();
      range.setStart(document.getElementById(id).firstChild, from);
      range.setEnd(document.getElementById(endId).childNodes[endChild], to);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }, { id, from, to, endId, endChild });
    // Selection messages the tag sent, once the last one has the wanted number of ranges.
    const selectionsUntil = async (ranges) => {
      const sent = [];
      await page.waitForFunction((n) => window.__sockets[0].sent.some((f) => {
        const m = JSON.parse(f);
        return m.t === "selection" && m.ranges.length === n;
      }), ranges, { timeout: 5_000 });
      sent.push(...(await page.evaluate(() => window.__takeSent())).filter((f) => f.t === "selection"));
      return sent;
    };

    // The visitor selects "words" in plain text (view-only too): the agent's view marks the same words.
    await select("words", 6, 11);
    const plain = await selectionsUntil(1);
    assert.equal(plain.length, 1, JSON.stringify(plain));
    assert.deepEqual([plain[0].ranges[0].startOffset, plain[0].ranges[0].endOffset], [6, 11]);
    await deliver(viewer.page, plain);
    const marked = viewer.page.locator("tandem-viewer [data-testid=viewer-visitor-selection]");
    await marked.first().waitFor();
    const markBox = await marked.first().boundingBox();
    const words = await viewerPoint(viewer.page, "words", 0, 0);
    assert.ok(Math.abs(markBox.y - words.y) < 12, `the mark is on the paragraph: ${JSON.stringify([markBox, words])}`);

    // Across the masked name: nothing of it is sent (not even where it ends); the agent's mark goes away.
    await select("words", 6, 8, "words", 2);
    const masked = await selectionsUntil(0);
    assert.deepEqual(masked.map((f) => f.ranges), [[]]);
    await deliver(viewer.page, masked);
    await viewer.page.waitForFunction(() => document.getElementById("viewer").shadowRoot.querySelectorAll("[data-testid=viewer-visitor-selection]").length === 0);
    // Inside the masked name, and in text the detectors scrub: never sent (the next plain selection is all that comes).
    await select("hidden-name", 0, 4);
    await page.waitForFunction(() => getSelection().toString() === "Jane");
    await select("card", 5, 9);
    await select("words", 0, 5);
    const after = await selectionsUntil(1);
    assert.deepEqual(after.map((f) => f.ranges.map((r) => [r.startOffset, r.endOffset])), [[[0, 5]]]);

    // The agent drags over the view: the selection goes to the visitor's page and is marked there.
    const from = await viewerPoint(viewer.page, "target", 0.02, 0.12);
    const to = await viewerPoint(viewer.page, "target", 0.9, 0.12);
    await viewer.page.mouse.move(from.x, from.y);
    await viewer.page.mouse.down();
    await viewer.page.mouse.move((from.x + to.x) / 2, from.y, { steps: 4 });
    await viewer.page.mouse.move(to.x, to.y, { steps: 4 });
    await viewer.page.mouse.up();
    const sent = await sentByViewer();
    const agentSelection = sent.filter((f) => f.t === "selection");
    assert.equal(agentSelection.length, 1, JSON.stringify(sent.filter((f) => f.t !== "pointer")));
    assert.equal(agentSelection[0].ranges.length, 1);
    assert.ok(!sent.some((f) => f.t === "highlight"), "a drag selects, it does not click");
    await page.evaluate((list) => { for (const f of list) window.__sockets[0].deliver(f); }, agentSelection);
    const onPage = page.locator("[data-testid=tandem-agent-selection]");
    await onPage.first().waitFor();
    const box = await onPage.first().boundingBox();
    const target = await page.locator("#target").boundingBox();
    assert.ok(box.y >= target.y - 2 && box.y <= target.y + target.height, "marked on the element's text");
    assert.equal(await page.evaluate(() => getSelection().toString()), "Plain", "the visitor's own selection is untouched");

    // An agent's range over the masked name is ignored by the tag; a click clears the agent's selection.
    let nameText;
    const walk = (node) => {
      if (node.type === 1 && node.attrs.id === "hidden-name") nameText = node.children[0].id;
      for (const child of node.children ?? []) walk(child);
    };
    walk(snapshot.root);
    assert.equal(typeof nameText, "number");
    await page.evaluate((id) => window.__sockets[0].deliver({ t: "selection", ranges: [{ startId: id, startOffset: 0, endId: id, endOffset: 4 }] }), nameText);
    await page.waitForFunction(() => document.querySelector("tandem-ui").shadowRoot.querySelectorAll("[data-testid=tandem-agent-selection]").length === 0);
    await viewer.page.mouse.click(to.x, to.y);
    const cleared = (await sentByViewer()).filter((f) => f.t === "selection");
    assert.deepEqual(cleared.map((f) => f.ranges), [[]]);

    // The marks go when the session ends.
    await page.evaluate((list) => { for (const f of list) window.__sockets[0].deliver(f); }, agentSelection);
    await onPage.first().waitFor();
    await page.evaluate(() => window.__sockets[0].deliver({ t: "ended", reason: "agent-ended" }));
    await page.waitForFunction(() => document.querySelector("tandem-ui") === null
      || document.querySelector("tandem-ui").shadowRoot.querySelectorAll("[data-testid=tandem-agent-selection]").length === 0);
    assert.deepEqual(viewer.problems.errors, []);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("pen and laser: the agent draws on the visitor's page in page coordinates, erases; strokes go with the session", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html", { viewport: { width: 800, height: 600 } });
  const viewer = await openViewer(browser, server);
  try {
    const { page } = visitor;
    const { frames } = await connect(page, "VIEW_ONLY");
    await deliver(viewer.page, frames);
    await settle(viewer.page);
    const sentByViewer = () => viewer.page.evaluate(() => window.__sockets[0].sent.splice(0).map((f) => JSON.parse(f)));
    await sentByViewer();

    // The pen (view-only too): a drag draws, sent as `draw` in the page's coordinates; no highlight, no selection.
    await viewer.page.getByTestId("viewer-pen").click();
    const from = await viewerPoint(viewer.page, "target", 0.1, 0.5);
    const to = await viewerPoint(viewer.page, "target", 0.8, 0.5);
    await viewer.page.mouse.move(from.x, from.y);
    await viewer.page.mouse.down();
    await viewer.page.mouse.move(to.x, to.y, { steps: 6 });
    await viewer.page.mouse.up();
    await viewer.page.locator("tandem-viewer [data-testid=viewer-drawing]").first().waitFor({ state: "attached" });
    await viewer.page.waitForFunction(() => window.__sockets[0].sent.some((f) => JSON.parse(f).t === "draw"));
    const sent = await sentByViewer();
    const draws = sent.filter((f) => f.t === "draw");
    assert.ok(draws.length >= 1 && draws.every((f) => f.id === draws[0].id && f.laser === undefined), JSON.stringify(draws));
    assert.ok(!sent.some((f) => f.t === "highlight" || f.t === "selection"), "a stroke is not a click or a selection");
    const points = draws.flatMap((f) => f.points);
    const target = await page.locator("#target").boundingBox();
    assert.ok(Math.abs(points[1] - (target.y + target.height / 2)) < 4, `drawn on the element: ${points.slice(0, 2)} vs ${JSON.stringify(target)}`);

    // On the visitor's page it is drawn over the element, and it scrolls with the page.
    await page.evaluate((list) => { for (const f of list) window.__sockets[0].deliver(f); }, draws);
    const drawing = page.locator("[data-testid=tandem-drawing]");
    await drawing.first().waitFor({ state: "attached" });
    const before = await drawing.first().boundingBox();
    assert.ok(Math.abs(before.y + before.height / 2 - (target.y + target.height / 2)) < 5, JSON.stringify([before, target]));
    await page.evaluate(() => window.scrollTo(0, 100));
    await settle(page);
    const after = await drawing.first().boundingBox();
    assert.ok(Math.abs(before.y - after.y - 100) < 3, `moved with the page: ${before.y} -> ${after.y}`);

    // Garbage never draws and never breaks the page.
    await page.evaluate(() => {
      const s = window.__sockets[0];
      s.deliver({ t: "draw", id: "x", points: [1, 2] });
      s.deliver({ t: "draw", id: 99, points: "M0 0" });
      s.deliver({ t: "draw", id: 98, points: [Infinity, 1, "a", 2] });
    });
    await settle(page);
    assert.equal(await drawing.count(), 1, "only the real stroke");

    // Erase removes the pen strokes on both sides.
    await viewer.page.getByTestId("viewer-erase").click();
    const erase = (await sentByViewer()).filter((f) => f.t === "erase");
    assert.deepEqual(erase, [{ t: "erase" }]);
    assert.equal(await viewer.page.locator("tandem-viewer [data-testid=viewer-drawing]").count(), 0);
    await page.evaluate(() => window.__sockets[0].deliver({ t: "erase" }));
    await page.waitForFunction(() => document.querySelector("tandem-ui").shadowRoot.querySelectorAll("[data-testid=tandem-drawing]").length === 0);

    // The laser fades by itself; a pen stroke left is gone when the session ends.
    await page.evaluate(() => {
      window.__sockets[0].deliver({ t: "draw", id: 5, points: [10, 10, 50, 50], laser: true });
      window.__sockets[0].deliver({ t: "draw", id: 6, points: [10, 10, 80, 20] });
    });
    await page.locator("[data-testid=tandem-laser]").first().waitFor({ state: "attached" });
    await page.waitForFunction(() => document.querySelector("tandem-ui").shadowRoot.querySelectorAll("[data-testid=tandem-laser]").length === 0, null, { timeout: 5_000 });
    assert.equal(await drawing.count(), 1);
    await page.evaluate(() => window.__sockets[0].deliver({ t: "ended", reason: "agent-ended" }));
    await page.waitForFunction(() => document.querySelector("tandem-ui") === null
      || document.querySelector("tandem-ui").shadowRoot.querySelectorAll("[data-testid=tandem-drawing]").length === 0);
    assert.deepEqual(viewer.problems.errors, []);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

/** Makes the page's tab hidden or visible again, as a switch to another tab does (headless Chromium never hides one). */
async function setHidden(page, hidden) {
  await page.evaluate((h) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
  await settle(page);
}

/** Starts the tag on another tab of the same site (same context), as the site's pages do. */
async function startTagOn(page, origin) {
  await page.waitForLoadState();
  await page.addScriptTag({ url: "/dist/tandem.js" });
  await page.evaluate((o) => {
    window.__handle = window.Tandem.start({
      siteId: "test-site",
      endpoints: { invites: o, sessions: o, config: o, gateway: "ws://127.0.0.1:9" },
    });
  }, origin);
  // The tag resumes a stored session on a timer of its own; let it run, and its first request go out.
  await settle(page);
  await settle(page);
}

test("visitor is away: the tab hidden shows 'away' in the viewer and visible brings the page back; other tabs never join, not even handed the invite", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html");
  const viewer = await openViewer(browser, server);
  try {
    const { page } = visitor;
    const { frames } = await connect(page, "SHARED");
    assert.deepEqual(frames.filter((f) => f.t === "away"), [], "a visible tab says nothing");
    await deliver(viewer.page, frames);
    await settle(viewer.page);
    const status = () => viewer.page.evaluate(() => document.getElementById("viewer").status);
    const message = viewer.page.locator("tandem-viewer [data-testid=viewer-message]");
    assert.equal(await status(), "live");
    assert.equal(await message.isVisible(), false);

    // The visitor switches to another tab: one `away` frame, once.
    await setHidden(page, true);
    await setHidden(page, true);
    let sent = await page.evaluate(() => window.__takeSent());
    assert.deepEqual(sent.filter((f) => f.t === "away"), [{ t: "away", away: true }]);
    await deliver(viewer.page, sent);
    await settle(viewer.page);
    assert.equal(await status(), "away");
    assert.equal(await message.isVisible(), true);
    assert.match(await message.textContent(), /visitor is away/);
    assert.equal(await viewer.page.locator("tandem-viewer iframe").isVisible(), true, "the last picture stays behind the notice");
    assert.ok((await viewer.page.evaluate(() => window.__statuses.map((s) => s.status))).includes("away"));

    // A fresh snapshot while away (the agent asked for one) keeps it away.
    await page.evaluate(() => window.__sockets[0].deliver({ t: "resync" }));
    await settle(page);
    await deliver(viewer.page, (await page.evaluate(() => window.__takeSent())));
    await settle(viewer.page);
    assert.equal(await status(), "away");

    // An agent who (re)joins while the tab is hidden learns it at once, with the snapshot.
    await page.evaluate(() => window.__sockets[0].deliver({ t: "peer", role: "agent", connected: true }));
    await settle(page);
    sent = await page.evaluate(() => window.__takeSent());
    assert.ok(sent.some((f) => f.t === "snapshot"));
    assert.deepEqual(sent.filter((f) => f.t === "away"), [{ t: "away", away: true }]);

    // Back on the tab: the agent sees the page again.
    await setHidden(page, false);
    sent = await page.evaluate(() => window.__takeSent());
    assert.deepEqual(sent.filter((f) => f.t === "away"), [{ t: "away", away: false }]);
    await deliver(viewer.page, sent);
    await settle(viewer.page);
    assert.equal(await status(), "live");
    assert.equal(await message.isVisible(), false);

    // The visitor's socket goes: waiting, and a new socket starts not away.
    await deliver(viewer.page, [{ t: "away", away: true }, { t: "peer", role: "visitor", connected: false }]);
    await settle(viewer.page);
    assert.equal(await status(), "waiting");

    // Another tab of the same site, opened by hand or by the page itself, does not join the session.
    const stored = await page.evaluate(() => sessionStorage.getItem("tandem.credential.test-site"));
    assert.ok(stored, "the session tab keeps its credential in sessionStorage");
    await visitor.context.addInitScript(FAKE_WEBSOCKET);
    const tokenCalls = () => server.requests.filter((r) => r.path === "/api/visitor/session-token").length;
    const before = tokenCalls();
    const typed = await visitor.context.newPage();
    await typed.goto(page.url());
    await startTagOn(typed, server.origin);
    const [opened] = await Promise.all([visitor.context.waitForEvent("page"), page.evaluate(() => { window.open(location.href); })]);
    await opened.waitForLoadState();
    assert.equal(await opened.evaluate(() => sessionStorage.getItem("tandem.credential.test-site")), stored,
      "a tab opened from the session tab starts with a copy of its sessionStorage");
    await startTagOn(opened, server.origin);
    // The session tab answers that it has the session: the copy forgets the credential instead of resuming.
    await opened.waitForFunction(() => sessionStorage.getItem("tandem.credential.test-site") === null, null, { timeout: 5_000 });
    await settle(opened);
    // The chat hands the same, already accepted invite to the tab opened by hand: it stays out too.
    const handedAgain = await typed.evaluate(async (credential) => {
      const reasons = [];
      window.__handle.on("error", (e) => reasons.push(e.reason));
      await window.__handle.receiveInvite(credential);
      return reasons;
    }, stored);
    assert.deepEqual(handedAgain, ["busy"], "the session runs in another tab");
    await settle(typed);
    for (const other of [typed, opened]) {
      assert.equal(await other.evaluate(() => window.__sockets.length), 0, "no socket from another tab");
      assert.equal(await other.locator("tandem-ui [data-testid=tandem-frame]").count(), 0, "no session frame on another tab");
      assert.equal(await other.evaluate(() => sessionStorage.getItem("tandem.credential.test-site")), null);
    }
    assert.equal(tokenCalls(), before, "another tab never asked for a join token");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("tandem.credential.test-site")), stored, "the session tab keeps its session");
    assert.deepEqual(viewer.problems.errors, []);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

/** Opens together.html with `<html lang>` set, and starts the tag with extra options (locale, strings). */
async function openLocalised(lang, extra) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  const problems = watchPage(page);
  await page.goto(`${server.origin}/fixtures/together.html`);
  await page.evaluate((l) => document.documentElement.setAttribute("lang", l), lang);
  await page.addScriptTag({ url: "/dist/tandem.js" });
  await page.evaluate(({ origin, more }) => {
    window.__handle = window.Tandem.start({
      siteId: "test-site",
      endpoints: { invites: origin, sessions: origin, config: origin, gateway: "ws://127.0.0.1:9" },
      ...more,
    });
    window.__inviteDone = window.__handle.receiveInvite("test-credential");
  }, { origin: server.origin, more: extra });
  return { context, page, problems };
}

test("translatable prompts: German from <html lang>, the brand's own strings over a locale; keyboard and focus trap still work", async () => {
  reset({ mode: "VIEW_ONLY" });
  const german = await openLocalised("de-AT", {});
  try {
    const { page } = german;
    const dialog = page.getByTestId("tandem-consent");
    await dialog.waitFor();
    assert.equal(await dialog.locator("h2").textContent(), "Gemeinsam mit Ihrem Berater browsen?");
    assert.equal(await page.getByTestId("tandem-consent-mode").textContent(), "Nur ansehen");
    assert.match(await dialog.textContent(), /Passwörter, Kartennummern/);
    const focused = () => page.evaluate(() => document.querySelector("tandem-ui").shadowRoot.activeElement?.textContent ?? null);
    await page.keyboard.press("Tab");
    const first = await focused();
    await page.keyboard.press("Tab");
    const second = await focused();
    await page.keyboard.press("Tab");
    const third = await focused();
    await page.keyboard.press("Shift+Tab");
    assert.deepEqual([first, second, third, await focused()], ["Ablehnen", "Annehmen", "Ablehnen", "Annehmen"]);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => window.__sockets.length > 0 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
    await page.evaluate(() => window.__sockets[0].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }));
    await page.getByTestId("tandem-frame").waitFor();
    assert.equal(await page.getByTestId("tandem-mode").textContent(), "Nur ansehen");
    assert.equal(await page.getByTestId("tandem-end").getAttribute("aria-label"), "Gemeinsames Browsen beenden");
    await page.evaluate(() => window.__sockets[0].deliver({ t: "mode", mode: "SHARED" }));
    await page.waitForFunction(() => document.querySelector("tandem-ui").shadowRoot
      .querySelector("[data-testid=tandem-announcer]")?.textContent === "Ihr Berater kann jetzt auf dieser Seite klicken und tippen.");
    assert.equal(await page.getByTestId("tandem-mode").textContent(), "Gemeinsame Steuerung");
    await page.evaluate(() => window.__sockets[0].deliver({ t: "pointer", x: 10, y: 10, name: "Jana" }));
    await page.waitForFunction(() => document.querySelector("tandem-ui").shadowRoot.querySelector(".badge span")?.textContent === "Gemeinsames Browsen mit Jana");
    assert.deepEqual(german.problems.errors, []);
  } finally {
    await german.context.close();
  }

  // The brand's strings win key by key; the rest comes from the locale it names (over the page's English).
  reset({ mode: "SHARED" });
  const brand = await openLocalised("en", { locale: "de", strings: { consentTitle: "Mit Harbour gemeinsam ansehen?", accept: "Ja, gerne" } });
  try {
    const { page } = brand;
    const dialog = page.getByTestId("tandem-consent");
    await dialog.waitFor();
    assert.equal(await dialog.locator("h2").textContent(), "Mit Harbour gemeinsam ansehen?");
    assert.equal(await page.getByTestId("tandem-accept").textContent(), "Ja, gerne");
    assert.equal(await page.getByTestId("tandem-decline").textContent(), "Ablehnen");
    assert.equal(await page.getByTestId("tandem-consent-mode").textContent(), "Gemeinsame Steuerung");
    // Focus is trapped and Escape still declines.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.querySelector("tandem-ui").shadowRoot.activeElement?.textContent), "Ablehnen");
    await page.keyboard.press("Escape");
    await page.evaluate(() => window.__inviteDone);
    assert.equal(server.state.inviteState, "DECLINED");
    // Anything but strings is a mistake the brand's developer hears about at once.
    const errors = await page.evaluate(() => ["strings", "locale"].map((key) => {
      try {
        window.Tandem.start({ siteId: "s", endpoints: { invites: "http://a", sessions: "http://a", config: "http://a", gateway: "ws://a" },
          ...(key === "strings" ? { strings: { accept: 5 } } : { locale: 7 }) });
        return null;
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
    }));
    assert.deepEqual(errors, ["TypeError: Tandem.start: strings.accept must be a string", "TypeError: Tandem.start: locale must be a string"]);
    assert.deepEqual(brand.problems.errors, []);
  } finally {
    await brand.context.close();
  }

  // An English page without options keeps the English built in.
  reset({ mode: "VIEW_ONLY" });
  const english = await openLocalised("en-GB", {});
  try {
    await english.page.getByTestId("tandem-consent").waitFor();
    assert.equal(await english.page.getByTestId("tandem-consent").locator("h2").textContent(), "Co-browse with your agent?");
    assert.equal(await english.page.getByTestId("tandem-accept").textContent(), "Accept");
  } finally {
    await english.context.close();
  }
});

test("latency: the viewer's ping, the tag's pong, and the round trip shown as good, fair, poor or no answer", async () => {
  reset();
  const visitor = await openVisitor(browser, server, "together.html");
  const viewer = await openViewer(browser, server);
  try {
    const { frames, snapshot } = await connect(visitor.page, "SHARED");
    // The tag answers a ping at once with its counter and nothing else.
    await visitor.page.evaluate(() => window.__sockets[0].deliver({ t: "ping", n: 41 }));
    await settle(visitor.page);
    const answered = (await visitor.page.evaluate(() => window.__takeSent())).filter((f) => f.t === "pong");
    assert.deepEqual(answered, [{ t: "pong", n: 41 }]);
    assert.ok(JSON.stringify({ t: "pong", n: 999999999 }).length <= 26, "a pong stays tiny");
    await visitor.page.evaluate(() => window.__sockets[0].deliver({ t: "ping", n: "x" }));
    await settle(visitor.page);
    assert.deepEqual((await visitor.page.evaluate(() => window.__takeSent())).filter((f) => f.t === "pong"), [], "garbage is not answered");

    // In the viewer's page, a stand-in for the tag that answers each ping after __pongDelay ms (none: no answer).
    await viewer.page.evaluate(() => {
      const socket = window.__sockets[0];
      const send = socket.send.bind(socket);
      window.__pings = [];
      socket.send = (data) => {
        send(data);
        const frame = JSON.parse(data);
        if (frame.t === "ping") {
          window.__pings.push(frame);
          if (window.__pongDelay !== undefined) {
            setTimeout(() => socket.deliver({ t: "pong", n: frame.n }), window.__pongDelay);
          }
        }
      };
      window.__pongDelay = 0;
    });
    const latency = viewer.page.locator("tandem-viewer [data-testid=viewer-latency]");
    assert.equal(await latency.isVisible(), false, "nothing to show before the page is there");
    const round = async (delay) => {
      await viewer.page.evaluate((d) => { window.__pongDelay = d ?? undefined; }, delay);
      await deliver(viewer.page, [snapshot]);
      await viewer.page.waitForFunction((want) => document.getElementById("viewer").shadowRoot
        .querySelector("[data-testid=viewer-latency]").getAttribute("data-quality") === want,
      delay === null ? "none" : delay === 0 ? "good" : delay === 200 ? "fair" : "poor", { timeout: 10_000 });
      return latency.textContent();
    };
    await deliver(viewer.page, frames.filter((f) => f.t !== "snapshot"));
    assert.match(await round(0), /^\d+ ms$/);
    assert.ok(await latency.isVisible());
    const fair = await round(200);
    assert.ok(Number.parseInt(fair, 10) >= 200 && Number.parseInt(fair, 10) < 400, fair);
    const poor = await round(600);
    assert.ok(Number.parseInt(poor, 10) >= 600, poor);
    assert.equal(await round(null), "No answer");
    assert.match(await latency.getAttribute("title"), /good below 150 ms, fair below 400 ms/);
    const pings = await viewer.page.evaluate(() => window.__pings);
    assert.ok(pings.length >= 4, "a ping for each fresh page (and one every 15 s)");
    assert.ok(pings.every((p, i) => Object.keys(p).join() === "t,n" && (i === 0 || p.n === pings[i - 1].n + 1)));
    // A late pong of an old ping does not count.
    await deliver(viewer.page, [{ t: "pong", n: pings[0].n }]);
    await settle(viewer.page);
    assert.equal(await latency.textContent(), "No answer");
    assert.deepEqual(viewer.problems.errors, []);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("the brand's own consent UI: asked instead of the tag's dialog, for the invite and for shared control; only a strict true is a yes", async () => {
  reset({ mode: "VIEW_ONLY" });
  server.state.message = "<b>Hello</b> from agent1";
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  const problems = watchPage(page);
  try {
    await page.goto(`${server.origin}/fixtures/together.html`);
    await page.addScriptTag({ url: "/dist/tandem.js" });
    const invalid = await page.evaluate((origin) => {
      try {
        window.Tandem.start({ siteId: "test-site", endpoints: { invites: origin, sessions: origin, config: origin, gateway: "ws://127.0.0.1:9" }, consent: "yes" });
        return null;
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
    }, server.origin);
    assert.equal(invalid, "TypeError: Tandem.start: consent must be a function");

    // The brand's UI answers each question in turn with the next of these.
    const offer = (answers) => page.evaluate(({ origin, answers }) => {
      window.__handle?.stop();
      window.__asked = window.__asked ?? [];
      const queue = answers.slice();
      window.__handle = window.Tandem.start({
        siteId: "test-site",
        endpoints: { invites: origin, sessions: origin, config: origin, gateway: "ws://127.0.0.1:9" },
        consent: (request, signal) => {
          window.__asked.push({ ...request, frozen: Object.isFrozen(request), aborted: signal.aborted });
          const next = queue.shift();
          if (next === "throw") {
            throw new Error("the brand's UI broke");
          }
          return next === "reject" ? Promise.reject(new Error("closed")) : Promise.resolve(next);
        },
      });
      return window.__handle.receiveInvite("test-credential");
    }, { origin: server.origin, answers });
    const declines = () => server.requests.filter((r) => r.path === "/api/visitor/invite/decline").length;

    // Anything but true declines: a truthy string, a throw, a rejection. Nothing is connected.
    for (const [answer, count] of [["yes", 1], ["throw", 2], ["reject", 3]]) {
      server.state.inviteState = "PENDING";
      await offer([answer]);
      assert.equal(declines(), count, `${answer} declines`);
    }
    assert.equal(await page.evaluate(() => window.__sockets.length), 0, "no connection after a no");

    // true accepts, and later the agent's request for shared control asks the brand's UI too.
    server.state.inviteState = "PENDING";
    await offer([true, true]);
    await page.waitForFunction(() => window.__sockets.length > 0 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
    await page.evaluate(() => window.__sockets[0].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }));
    await settle(page);
    modeRequest = { id: "mr-1", sessionId: "ses-1", state: "PENDING", mode: "SHARED", expiresAt: new Date(Date.now() + 60_000).toISOString() };
    await page.waitForFunction(() => window.__asked.some((a) => a.kind === "shared-control"), null, { timeout: 10_000 });
    for (let i = 0; i < 50 && modeAnswers.length === 0; i++) {
      await settle(page);
    }
    assert.deepEqual(modeAnswers, [{ answer: "accept", credential: "test-credential" }]);

    const asked = await page.evaluate(() => window.__asked);
    const invite = { kind: "invite", mode: "VIEW_ONLY", message: "<b>Hello</b> from agent1", frozen: true, aborted: false };
    assert.deepEqual(asked.map(({ expiresAt, ...rest }) => rest), [
      invite, invite, invite, invite,
      { kind: "shared-control", mode: "SHARED", message: null, frozen: true, aborted: false },
    ]);
    assert.ok(asked.every((a) => typeof a.expiresAt === "string" && a.expiresAt !== ""));
    assert.equal(await page.locator("[data-testid=tandem-consent]").count(), 0, "the tag's own dialog never showed");
    assert.equal(await page.locator("[data-testid=tandem-frame]").count(), 1, "the session frame and its X are the tag's");
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});
