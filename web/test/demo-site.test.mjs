// The Harbour demo site: its chat widget hands an invite from the chat to the tag, and its
// application form keeps the private fields private.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { FAKE_WEBSOCKET, launchBrowser, watchPage } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { PLACEHOLDER, settle } from "./support/visitor.mjs";

const demoSite = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deploy", "local", "src", "main", "resources", "demo-site");

let browser;
let server;
const chats = new Map();

/** The demo server's chat API, as the demo pages expect it. */
async function demoChat(req, res, url, body) {
  const reply = (status, value) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(JSON.stringify(value));
    return true;
  };
  if (url.pathname === "/demo-config.js") {
    const origin = server.origin;
    res.writeHead(200, { "Content-Type": "text/javascript" });
    res.end(`window.TANDEM_DEMO = ${JSON.stringify({
      siteId: "test-site",
      endpoints: { invites: origin, sessions: origin, config: origin, gateway: "ws://127.0.0.1:9" },
      tagUrl: `${origin}/dist/tandem.js`,
    })};`);
    return true;
  }
  if (url.pathname === "/demo-chat/api/chats" && req.method === "GET") {
    return reply(200, [...chats.entries()].map(([chatId, chat]) => ({ chatId, lastSeen: chat.lastSeen })));
  }
  const match = /^\/demo-chat\/api\/chats\/([^/]+)\/(messages|invite)$/.exec(url.pathname);
  if (!match) return false;
  const chatId = decodeURIComponent(match[1]);
  const chat = chats.get(chatId) ?? { messages: [], lastSeen: null };
  chats.set(chatId, chat);
  chat.lastSeen = new Date().toISOString();
  if (match[2] === "messages" && req.method === "GET") {
    const afterN = Number(url.searchParams.get("after") ?? "0");
    return reply(200, chat.messages.filter((m) => m.n > afterN));
  }
  if (match[2] === "messages" && req.method === "POST") {
    const { from, text } = JSON.parse(body);
    chat.messages.push({ n: chat.messages.length + 1, from, text });
    return reply(201, {});
  }
  if (match[2] === "invite" && req.method === "POST") {
    const { agentId, mode } = JSON.parse(body);
    server.state.mode = mode;
    chat.messages.push({
      n: chat.messages.length + 1,
      from: "agent",
      text: `${agentId} would like to look at the page with you.`,
      invite: { credential: server.state.credential },
    });
    return reply(201, {});
  }
  return false;
}

before(async () => {
  browser = await launchBrowser();
  server = await startServer({ handle: demoChat, staticRoot: demoSite });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("an invite sent from the chat platform page reaches the visitor's tag through the chat", async () => {
  server.reset();
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  try {
    const visitor = await context.newPage();
    await visitor.addInitScript(FAKE_WEBSOCKET);
    const problems = watchPage(visitor);
    await visitor.goto(`${server.origin}/apply.html`);
    await visitor.getByTestId("chat-toggle").click();
    const chatId = await visitor.getByTestId("chat-id").textContent();
    assert.match(chatId, /^demo-chat-[0-9a-f]{12}$/);
    await visitor.getByTestId("chat-input").fill("Hello, which plan covers skiing?");
    await visitor.getByTestId("chat-send").click();
    await visitor.getByTestId("chat-log").getByText("Hello, which plan covers skiing?").waitFor();

    const platform = await context.newPage();
    await platform.goto(`${server.origin}/chat-platform.html`);
    const row = platform.locator(`[data-chat-id="${chatId}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId("agent-id").inputValue(), "agent1");
    await row.getByTestId("mode").selectOption("VIEW_ONLY");
    await row.getByTestId("invite-button").click();
    await row.getByTestId("invite-result").getByText("Invite sent to the chat.").waitFor();

    const dialog = visitor.getByRole("dialog");
    await dialog.waitFor({ timeout: 10_000 });
    assert.match(await dialog.textContent(), /View only/);
    await visitor.getByTestId("tandem-accept").click();
    await visitor.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
    await visitor.getByTestId("chat-log").getByText(/Co-browsing started/).waitFor();

    await visitor.locator("#full-name").fill("Grace Hopper");
    await visitor.locator("#card-number").fill("4111 1111 1111 1111");
    await visitor.locator("#password").fill("CANARY-demo-password");
    await visitor.locator("#security-answer").fill("CANARY-Rex");
    await settle(visitor);
    const frames = await visitor.evaluate(() => window.__takeSent());
    const all = JSON.stringify(frames);
    assert.ok(all.includes("Grace Hopper"));
    assert.ok(all.includes(PLACEHOLDER));
    for (const secret of ["CANARY", "4111"]) assert.ok(!all.includes(secret), `${secret} leaked`);

    // A reload does not answer the same invite twice; the session is picked up again instead.
    await visitor.reload();
    await visitor.waitForFunction(() => window.__sockets.length === 1, null, { timeout: 15_000 });
    await visitor.getByTestId("tandem-frame").waitFor();
    assert.equal(await visitor.getByRole("dialog").count(), 0);
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});
