// The visitor asks for help (invite-service's visitor requests): the request, the wait for an agent, the
// visitor's consent once someone picked it up, then the session as after an invite; a no ends the session
// the agent took on at once, sending nothing but `end`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FAKE_WEBSOCKET, launchBrowser, watchPage } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { settle } from "./support/visitor.mjs";

let browser;
let server;
/** The fake invite-service's one request for help; `null` before the visitor asked. */
let help = null;

before(async () => {
  browser = await launchBrowser();
  server = await startServer({
    handle: (req, res, url) => {
      const reply = (status, value) => {
        res.writeHead(status, { "Content-Type": status < 300 ? "application/json" : "application/problem+json" });
        res.end(JSON.stringify(value));
        return true;
      };
      if (url.pathname === "/api/requests" && req.method === "POST") {
        if (req.headers["tandem-chat-credential"] !== "chat-credential") {
          return reply(404, { type: "https://tandem.dev/problems/chat-not-found", status: 404 });
        }
        help = { id: "req-1", state: "PENDING", mode: null, expiresAt: new Date(Date.now() + 120_000).toISOString() };
        return reply(201, { ...help, visitor: { credential: "request-credential" } });
      }
      if (url.pathname === "/api/visitor/request" && req.method === "GET") {
        return help !== null && req.headers["tandem-invite-credential"] === "request-credential"
          ? reply(200, help)
          : reply(404, { type: "https://tandem.dev/problems/request-not-found", status: 404 });
      }
      return false;
    },
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openAsking(chatCredential) {
  server.reset();
  server.state.credential = "request-credential";
  help = null;
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  const problems = watchPage(page);
  await page.goto(`${server.origin}/fixtures/together.html`);
  await page.addScriptTag({ url: "/dist/tandem.js" });
  await page.evaluate(({ origin, chatCredential }) => {
    window.__events = [];
    const handle = window.Tandem.start({
      siteId: "test-site",
      endpoints: { invites: origin, sessions: origin, config: origin, gateway: "ws://127.0.0.1:9" },
    });
    for (const name of ["help-requested", "help-accepted", "invite", "session-started", "session-ended", "error"]) {
      handle.on(name, (detail) => window.__events.push({ name, detail }));
    }
    window.__handle = handle;
    window.__helpDone = handle.requestHelp(chatCredential);
  }, { origin: server.origin, chatCredential });
  return { context, page, problems };
}

const events = (page) => page.evaluate(() => window.__events.map((e) => e.name));

test("asking for help: nothing is sent while it waits; once an agent picks it up the visitor is asked, and yes starts the session", async () => {
  const { context, page, problems } = await openAsking("chat-credential");
  try {
    await page.waitForFunction(() => window.__events.some((e) => e.name === "help-requested"));
    const requested = await page.evaluate(() => window.__events.find((e) => e.name === "help-requested").detail);
    assert.equal(requested.id, "req-1");
    const asked = server.requests.find((r) => r.path === "/api/requests");
    assert.equal(asked.headers["tandem-chat-credential"], "chat-credential");

    // Waiting: polled with the per-request credential, no prompt, no connection.
    for (let i = 0; i < 40 && server.requests.filter((r) => r.path === "/api/visitor/request").length < 2; i++) {
      await settle(page);
    }
    assert.ok(server.requests.filter((r) => r.path === "/api/visitor/request").length >= 2, "it keeps asking");
    assert.equal(await page.locator("[data-testid=tandem-consent]").count(), 0);
    assert.equal(await page.evaluate(() => window.__sockets.length), 0);

    // agent1 picks it up in shared mode: the visitor's consent shows that mode; nothing goes before the yes.
    help = { ...help, state: "ACCEPTED", mode: "SHARED" };
    const dialog = page.getByTestId("tandem-consent");
    await dialog.waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId("tandem-consent-mode").textContent(), "Shared control");
    assert.equal(await page.evaluate(() => window.__sockets.length), 0, "nothing before the yes");
    await page.getByTestId("tandem-accept").click();
    await page.waitForFunction(() => window.__sockets.length > 0 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
    const socket = await page.evaluate(() => ({ url: window.__sockets[0].url, protocols: window.__sockets[0].protocols }));
    assert.match(socket.url, /\/ws\/visitor\?session=ses-1$/);
    assert.deepEqual(socket.protocols, ["tandem.v1", "tandem.token.header.payload.signature"]);
    const token = server.requests.find((r) => r.path === "/api/visitor/session-token");
    assert.equal(token.headers["tandem-invite-credential"], "request-credential");
    assert.equal(server.requests.filter((r) => r.path.startsWith("/api/visitor/invite")).length, 0, "no invite involved");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("tandem.credential.test-site")), "request-credential",
      "the session is picked up again on the next page, as after an invite");
    assert.deepEqual((await events(page)).filter((name) => name.startsWith("help")), ["help-requested", "help-accepted"]);
    assert.ok(!(await events(page)).includes("invite"), "no invite event for the visitor's own request");
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

test("a no after an agent picked the request up ends that session at once: only `end` is sent", async () => {
  const { context, page, problems } = await openAsking("chat-credential");
  try {
    await page.waitForFunction(() => window.__events.some((e) => e.name === "help-requested"));
    help = { ...help, state: "ACCEPTED", mode: "VIEW_ONLY" };
    await page.getByTestId("tandem-consent").waitFor({ timeout: 10_000 });
    await page.getByTestId("tandem-decline").click();
    await page.waitForFunction(() => window.__sockets.length > 0 && window.__sockets[0].closedWith !== null, null, { timeout: 15_000 });
    const socket = await page.evaluate(() => ({ sent: window.__sockets[0].sent, closedWith: window.__sockets[0].closedWith, count: window.__sockets.length }));
    assert.deepEqual(socket.sent.map((f) => JSON.parse(f)), [{ t: "end" }]);
    assert.equal(socket.closedWith.code, 1000);
    assert.equal(socket.count, 1);
    assert.equal(await page.locator("[data-testid=tandem-frame]").count(), 0, "no session frame");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("tandem.credential.test-site")), null);
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

test("a refused request and one nobody picks up are reported; a second ask while one waits is busy", async () => {
  const refused = await openAsking("wrong-credential");
  try {
    await refused.page.waitForFunction(() => window.__events.some((e) => e.name === "error"));
    const error = await refused.page.evaluate(() => window.__events.find((e) => e.name === "error").detail);
    assert.equal(error.reason, "request-failed");
    assert.match(error.message, /chat-not-found/);
  } finally {
    await refused.context.close();
  }
  const { context, page } = await openAsking("chat-credential");
  try {
    await page.waitForFunction(() => window.__events.some((e) => e.name === "help-requested"));
    await page.evaluate(() => window.__handle.requestHelp("chat-credential"));
    assert.deepEqual(await page.evaluate(() => window.__events.filter((e) => e.name === "error").map((e) => e.detail.reason)), ["busy"]);
    help = { ...help, state: "EXPIRED" };
    await page.waitForFunction(() => window.__events.filter((e) => e.name === "error").length === 2, null, { timeout: 10_000 });
    assert.deepEqual(await page.evaluate(() => window.__events.filter((e) => e.name === "error").map((e) => e.detail.reason)), ["busy", "request-expired"]);
    assert.equal(await page.evaluate(() => window.__sockets.length), 0);
    assert.equal(await page.locator("[data-testid=tandem-consent]").count(), 0);
  } finally {
    await context.close();
  }
});
