// Reconnecting after a gateway replica goes away: the viewer (1001/1006 → backoff with full jitter,
// the next replica of its list, a fresh snapshot) and the tag (jittered backoff, the next replica).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { FAKE_WEBSOCKET, launchBrowser, watchPage } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const REPLICAS = "ws://gw-a.test:1, ws://gw-b.test:2/";
let dir;
let m;
let browser;
let server;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-reconnect-"));
  const outfile = join(dir, "reconnect.mjs");
  await build({
    stdin: {
      contents: `
        export { backoffDelay as agentBackoff, gatewayBases, DEFAULT_RECONNECT } from "./packages/agent/src/connection.ts";
        export { backoffDelay as tagBackoff, GatewayList, pageAddress } from "./packages/visitor/src/transport.ts";
      `,
      resolveDir: web,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile,
    logLevel: "error",
  });
  m = await import(pathToFileURL(outfile).href);
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

// ---- the policy -------------------------------------------------------------------------------

test("backoff: full jitter below a ceiling that doubles per attempt up to the maximum", () => {
  const policy = { baseDelayMs: 250, maxDelayMs: 8_000 };
  const at = (attempt, r) => m.agentBackoff(attempt, { ...policy, random: () => r });
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((a) => at(a, 0.999999)), [249, 499, 999, 1999, 3999, 7999, 7999, 7999]);
  assert.equal(at(3, 0), 0, "full jitter reaches down to no wait at all");
  assert.equal(at(3, 0.5), 500);
  // Real randomness spreads the waits: many clients of one replica do not come back at once.
  const waits = new Set(Array.from({ length: 50 }, () => m.agentBackoff(6, { ...policy, random: Math.random })));
  assert.ok(waits.size > 10, `only ${waits.size} different waits`);
  for (const wait of waits) assert.ok(wait >= 0 && wait < 8_000, String(wait));
  assert.equal(m.DEFAULT_RECONNECT.maxAttempts, 8);

  // The tag: the same rule, 500 ms doubling from its first reconnect, at most 8 s.
  assert.deepEqual([1, 2, 3, 4, 5].map((a) => m.tagBackoff(a, 500, 8_000, () => 0.999999)), [999, 1999, 3999, 7999, 7999]);
  assert.equal(m.tagBackoff(2, 500, 8_000, () => 0), 0);
  assert.equal(m.tagBackoff(2, 500, 8_000, () => 0.25), 500);
});

test("gateway lists: one base or several, separated by commas or spaces; anything not ws(s) is left out", () => {
  assert.deepEqual(m.gatewayBases("wss://gw.example/"), ["wss://gw.example"]);
  assert.deepEqual(m.gatewayBases(REPLICAS), ["ws://gw-a.test:1", "ws://gw-b.test:2"]);
  assert.deepEqual(m.gatewayBases(["ws://a:1", "https://not-a-socket", "javascript:alert(1)", "ws://b:2//"]), ["ws://a:1", "ws://b:2"]);
  assert.deepEqual(m.gatewayBases("http://a:1"), []);

  const list = new m.GatewayList(REPLICAS);
  const seen = [list.current];
  for (let i = 0; i < 3; i += 1) {
    list.next();
    seen.push(list.current);
  }
  assert.deepEqual(seen, ["ws://gw-a.test:1", "ws://gw-b.test:2", "ws://gw-a.test:1", "ws://gw-b.test:2"]);
  const one = new m.GatewayList("wss://gw.example");
  one.next();
  assert.equal(one.current, "wss://gw.example");
});

test("page addresses for the audit trail: no query, no fragment, no user information, web pages only", () => {
  assert.equal(m.pageAddress("https://jane:pw@Shop.Example:8443/claims/new?email=jane@example.com#step2"), "https://shop.example:8443/claims/new");
  assert.equal(m.pageAddress("http://localhost:8090/apply.html"), "http://localhost:8090/apply.html");
  assert.equal(m.pageAddress("https://shop.example"), "https://shop.example/");
  assert.equal(m.pageAddress("javascript:alert(1)"), null);
  assert.equal(m.pageAddress("about:blank"), null);
  assert.equal(m.pageAddress("file:///home/jane/form.html"), null);
  assert.equal(m.pageAddress("not a url"), null);
});

// ---- the viewer -------------------------------------------------------------------------------

/** The viewer fixture with the fake socket; `noWait` makes every backoff 0 ms (Math.random() = 0). */
async function openViewer({ noWait = false, gatewayUrl = REPLICAS } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  if (noWait) {
    await page.addInitScript(() => {
      Math.random = () => 0;
    });
  }
  const problems = watchPage(page);
  await page.goto(`${server.origin}/fixtures/viewer.html`);
  await page.waitForFunction(() => customElements.get("tandem-viewer") !== undefined);
  await page.evaluate((url) => {
    window.__statuses = [];
    const viewer = document.getElementById("viewer");
    viewer.addEventListener("status", (event) => window.__statuses.push(event.detail));
    viewer.connect({ gatewayUrl: url, joinToken: "agent.token.sig", accessToken: "access", sessionId: "ses-1" });
  }, gatewayUrl);
  await page.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].readyState === 1);
  return { context, page, problems };
}

function snapshot(seq, snapshotId, heading) {
  return {
    t: "snapshot",
    seq,
    snapshotId,
    url: "https://shop.example/",
    title: "Shop",
    viewport: { w: 800, h: 600 },
    scroll: { x: 0, y: 0 },
    root: {
      id: 1,
      type: 9,
      children: [
        {
          id: 2,
          type: 1,
          tag: "html",
          attrs: {},
          children: [{ id: 3, type: 1, tag: "body", attrs: {}, children: [{ id: 4, type: 1, tag: "h1", attrs: {}, children: [{ id: 5, type: 3, text: heading }] }] }],
        },
      ],
    },
  };
}

async function deliver(page, index, frames) {
  await page.evaluate(
    ({ i, list }) => {
      for (const frame of list) window.__sockets[i].deliver(frame);
    },
    { i: index, list: frames },
  );
}

const heading = (page) =>
  page.evaluate(() => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument?.querySelector("h1")?.textContent ?? null);
const sent = (page, index) => page.evaluate((i) => window.__sockets[i].sent.map((f) => JSON.parse(f)), index);

for (const code of [1001, 1006, 1005, 1012]) {
  test(`viewer: a ${code} close reconnects to the next replica and asks the visitor for a fresh snapshot`, async () => {
    const { context, page, problems } = await openViewer();
    try {
      await deliver(page, 0, [
        { t: "hello", role: "agent", sessionId: "ses-1", mode: "SHARED", peerConnected: true },
        snapshot(1, 1, "Before the replica went away"),
      ]);
      await page.waitForFunction(() => document.getElementById("viewer").status === "live");
      assert.equal(await heading(page), "Before the replica went away");

      await page.evaluate((c) => window.__sockets[0].serverClose(c, c === 1001 ? "gateway going away" : ""), code);
      await page.waitForFunction(() => window.__sockets.length === 2 && window.__sockets[1].readyState === 1, null, { timeout: 5_000 });
      const second = await page.evaluate(() => ({ url: window.__sockets[1].url, protocols: window.__sockets[1].protocols }));
      assert.equal(second.url, "ws://gw-b.test:2/ws/agent?session=ses-1", "the next replica of the list");
      assert.deepEqual(second.protocols, ["tandem.v1", "tandem.token.agent.token.sig", "quarkus-http-upgrade#Authorization#Bearer%20access"]);
      const statuses = await page.evaluate(() => window.__statuses);
      assert.ok(statuses.some((s) => s.status === "connecting" && s.reason === "reconnecting"), JSON.stringify(statuses));
      assert.ok(!statuses.some((s) => s.status === "ended"), "the view ended on a replica going away");
      assert.equal(await heading(page), "Before the replica went away", "the last view stays while reconnecting");

      // The new replica says hello: the viewer asks for a fresh snapshot (frames of the gap are gone).
      assert.deepEqual(await sent(page, 1), []);
      await deliver(page, 1, [{ t: "hello", role: "agent", sessionId: "ses-1", mode: "SHARED", peerConnected: true }]);
      assert.deepEqual((await sent(page, 1)).filter((f) => f.t === "resync"), [{ t: "resync" }]);
      await deliver(page, 1, [snapshot(7, 2, "After the reconnect")]);
      await page.waitForFunction(() => document.getElementById("viewer").status === "live");
      assert.equal(await heading(page), "After the reconnect");
      assert.deepEqual(problems.errors, []);
    } finally {
      await context.close();
    }
  });
}

test("viewer: after a reconnect without the visitor there, no resync is sent; the visitor's peer frame brings the page", async () => {
  const { context, page } = await openViewer({ noWait: true });
  try {
    await deliver(page, 0, [{ t: "hello", role: "agent", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }, snapshot(1, 1, "One")]);
    await page.evaluate(() => window.__sockets[0].serverClose(1001, "gateway going away"));
    await page.waitForFunction(() => window.__sockets.length === 2 && window.__sockets[1].readyState === 1);
    await deliver(page, 1, [{ t: "hello", role: "agent", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: false }]);
    assert.deepEqual(await sent(page, 1), []);
    await deliver(page, 1, [snapshot(1, 9, "Two")]);
    await page.waitForFunction(() => document.getElementById("viewer").status === "live");
    assert.equal(await heading(page), "Two");
  } finally {
    await context.close();
  }
});

test("viewer: tries that fail before opening alternate replicas and give up after 8, reporting the close", async () => {
  const { context, page } = await openViewer({ noWait: true });
  try {
    await deliver(page, 0, [{ t: "hello", role: "agent", sessionId: "ses-1", mode: "SHARED", peerConnected: false }]);
    // From now on every handshake fails the way a dead replica (or a refused token) looks to a browser.
    await page.evaluate(() => {
      const Fake = window.WebSocket;
      class Refused extends Fake {
        constructor(url, protocols) {
          super(url, protocols);
          this.readyState = 3;
          setTimeout(() => this.fire(new CloseEvent("close", { code: 1006, reason: "", wasClean: false })), 0);
        }
      }
      window.WebSocket = Refused;
      window.__sockets[0].serverClose(1006);
    });
    await page.waitForFunction(() => document.getElementById("viewer").status === "ended", null, { timeout: 5_000 });
    const urls = await page.evaluate(() => window.__sockets.map((s) => s.url.replace(/\/ws\/agent.*/, "")));
    assert.equal(urls.length, 9, "the first socket and 8 tries");
    assert.deepEqual(urls, ["ws://gw-a.test:1", "ws://gw-b.test:2", "ws://gw-a.test:1", "ws://gw-b.test:2", "ws://gw-a.test:1",
      "ws://gw-b.test:2", "ws://gw-a.test:1", "ws://gw-b.test:2", "ws://gw-a.test:1"]);
    const last = await page.evaluate(() => window.__statuses.at(-1));
    assert.deepEqual(last, { status: "ended", reason: "connection-closed-1006" });
  } finally {
    await context.close();
  }
});

for (const [code, expected] of [[1000, "session ended: visitor-ended"], [1003, "connection-closed-1003"], [1007, "connection-closed-1007"],
  [1008, "connection-closed-1008"], [1009, "connection-closed-1009"]]) {
  test(`viewer: a ${code} close is final: no reconnect`, async () => {
    const { context, page } = await openViewer({ noWait: true });
    try {
      await deliver(page, 0, [{ t: "hello", role: "agent", sessionId: "ses-1", mode: "SHARED", peerConnected: false }]);
      await page.evaluate((c) => window.__sockets[0].serverClose(c, c === 1000 ? "session ended: visitor-ended" : "refused"), code);
      await page.waitForFunction(() => document.getElementById("viewer").status === "ended");
      // A retry with Math.random() = 0 would already have opened its socket by the next task.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
      assert.equal(await page.evaluate(() => window.__sockets.length), 1);
      assert.deepEqual(await page.evaluate(() => window.__statuses.at(-1)), { status: "ended", reason: expected });
    } finally {
      await context.close();
    }
  });
}

test("viewer: a first connection that never opens (403, or a dead replica) is tried once on each other replica, then reported", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  await page.addInitScript(() => {
    Math.random = () => 0;
  });
  try {
    await page.goto(`${server.origin}/fixtures/viewer.html`);
    await page.waitForFunction(() => customElements.get("tandem-viewer") !== undefined);
    await page.evaluate((url) => {
      const Fake = window.WebSocket;
      window.WebSocket = class extends Fake {
        constructor(u, p) {
          super(u, p);
          this.readyState = 3;
          setTimeout(() => this.fire(new CloseEvent("close", { code: 1006, reason: "" })), 0);
        }
      };
      window.__statuses = [];
      const viewer = document.getElementById("viewer");
      viewer.addEventListener("status", (event) => window.__statuses.push(event.detail));
      viewer.connect({ gatewayUrl: url, joinToken: "agent.token.sig" });
    }, REPLICAS);
    await page.waitForFunction(() => document.getElementById("viewer").status === "ended");
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    const urls = await page.evaluate(() => window.__sockets.map((s) => s.url));
    assert.deepEqual(urls, ["ws://gw-a.test:1/ws/agent", "ws://gw-b.test:2/ws/agent"], "each replica once, no backoff loop");
    assert.deepEqual(await page.evaluate(() => window.__statuses.at(-1)), { status: "ended", reason: "connection-closed-1006" });

    // With one gateway: one try only.
    await page.evaluate(() => {
      window.__sockets.length = 0;
      document.getElementById("viewer").connect({ gatewayUrl: "wss://only.test", joinToken: "agent.token.sig" });
    });
    await page.waitForFunction(() => document.getElementById("viewer").status === "ended" && window.__sockets.length === 1);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    assert.equal(await page.evaluate(() => window.__sockets.length), 1);
  } finally {
    await context.close();
  }
});

test("viewer: closing the view while a retry waits cancels it", async () => {
  const { context, page } = await openViewer();
  try {
    const during = await page.evaluate(() => {
      Math.random = () => 0.999;
      const viewer = document.getElementById("viewer");
      window.__sockets[0].serverClose(1001, "gateway going away");
      const status = viewer.status;
      viewer.remove();
      return status;
    });
    assert.equal(during, "connecting", "a retry was waiting");
    // The first retry would have come within 250 ms.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 400)));
    assert.equal(await page.evaluate(() => window.__sockets.length), 1);
  } finally {
    await context.close();
  }
});

// ---- the tag ----------------------------------------------------------------------------------

test("tag: a dropped socket reconnects to the next replica of its list and sends a fresh snapshot there", async () => {
  server.reset?.();
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  const problems = watchPage(page);
  try {
    await page.goto(`${server.origin}/fixtures/frame.html?email=jane%40example.com#step2`);
    await page.addScriptTag({ url: "/dist/tandem.js" });
    await page.evaluate(({ origin, gateway }) => {
      window.__events = [];
      const handle = window.Tandem.start({
        siteId: "test-site",
        endpoints: { invites: origin, sessions: origin, config: origin, gateway },
      });
      for (const name of ["session-started", "session-ended"]) handle.on(name, (detail) => window.__events.push({ name, detail }));
      window.__inviteDone = handle.receiveInvite("test-credential");
    }, { origin: server.origin, gateway: "ws://gw-a.test:1,ws://gw-b.test:2" });
    await page.getByTestId("tandem-accept").click();
    await page.waitForFunction(() => window.__sockets.length > 0 && window.__sockets[0].sent.length > 0, null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => window.__sockets[0].url), "ws://gw-a.test:1/ws/visitor?session=ses-1");
    const firstTypes = await page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f).t));
    assert.ok(firstTypes.includes("snapshot") || firstTypes.includes("snapshot.chunk"), firstTypes.join());
    // The page's address goes first, for the gateway's audit event: without the query and the fragment.
    const firstFrame = await page.evaluate(() => JSON.parse(window.__sockets[0].sent[0]));
    assert.deepEqual(firstFrame, { t: "page", url: `${server.origin}/fixtures/frame.html` });

    // A single-page app navigates: the new address is reported before the next change, once.
    await page.evaluate(() => {
      history.pushState({}, "", "/fixtures/claims/new?email=jane%40example.com");
      document.body.append(document.createElement("p"));
      document.body.append(document.createElement("p"));
    });
    await page.waitForFunction(() => window.__sockets[0].sent.filter((f) => JSON.parse(f).t === "page").length === 2);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    const pages = await page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f)).filter((f) => f.t === "page"));
    assert.deepEqual(pages.map((f) => f.url), [`${server.origin}/fixtures/frame.html`, `${server.origin}/fixtures/claims/new`]);

    await page.evaluate(() => window.__sockets[0].serverClose(1006));
    await page.waitForFunction(() => window.__sockets.length === 2 && window.__sockets[1].sent.length > 0, null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => window.__sockets[1].url), "ws://gw-b.test:2/ws/visitor?session=ses-1");
    const types = await page.evaluate(() => window.__sockets[1].sent.map((f) => JSON.parse(f).t));
    assert.ok(types.includes("snapshot") || types.includes("snapshot.chunk"), `a fresh snapshot on the new replica: ${types.join()}`);
    assert.equal(types[0], "page", "the new socket reports the page again");
    const events = await page.evaluate(() => window.__events.map((e) => e.name));
    assert.ok(!events.includes("session-ended"), events.join());
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

// ---- a snapshot cut off halfway ----------------------------------------------------------------
// The viewer rebuilds a chunked snapshot as its parts arrive (viewport first). When the visitor leaves,
// or the agent's own connection drops, before the last part, the parts it has are all it will ever get
// of that snapshot: the half-built page must not stay on the agent's screen (e2e: FaultsTest, case 4).

/** A binary snapshot.chunk frame (identity encoding), as the fake socket delivers it. */
function chunk(snapshotId, seq, part, last, records) {
  const header = Buffer.from(JSON.stringify({ t: "snapshot.chunk", snapshotId, seq, part, last, enc: "identity" }));
  const payload = Buffer.from(records.map((r) => JSON.stringify(r) + "\n").join(""));
  const length = Buffer.alloc(2);
  length.writeUInt16BE(header.length);
  return { __binary: Buffer.concat([length, header, payload]).toString("base64") };
}

/** The first record of a chunked snapshot: the page down to an empty list (id 6) whose items follow. */
function firstRecord(snapshotId, title) {
  const el = (id, tag, children = []) => ({ id, type: 1, tag, attrs: {}, children });
  return {
    ...snapshot(undefined, Number(snapshotId), title),
    root: { id: 1, type: 9, children: [el(2, "html", [el(3, "body", [el(4, "h1", [{ id: 5, type: 3, text: title }]), el(6, "ul")])])] },
  };
}

function items(from, count) {
  const nodes = [];
  for (let i = from; i < from + count; i += 1) {
    nodes.push({ id: 1000 + i * 2, type: 1, tag: "li", attrs: {}, children: [{ id: 1001 + i * 2, type: 3, text: `Item ${i}` }] });
  }
  return { t: "snapshot.part", appends: [{ id: 6, nodes }] };
}

/** What the agent sees: status, whether the page is on screen, its heading and how many items. */
const view = (page) =>
  page.evaluate(() => {
    const viewer = document.getElementById("viewer");
    const iframe = viewer.shadowRoot.querySelector("iframe");
    const box = iframe.getBoundingClientRect();
    const doc = iframe.contentDocument;
    return {
      status: viewer.status,
      shown: box.width > 0 && box.height > 0,
      heading: doc?.querySelector("h1")?.textContent ?? null,
      items: doc?.querySelectorAll("li").length ?? 0,
    };
  });

const itemsShown = (page, n) =>
  page.waitForFunction((count) => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument?.querySelectorAll("li").length === count, n);

test("viewer: a snapshot cut off by the visitor leaving is taken off the screen; a late part changes nothing; the next one is shown whole", async () => {
  const { context, page, problems } = await openViewer();
  try {
    await deliver(page, 0, [
      { t: "hello", role: "agent", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true },
      chunk("1", 1, 0, false, [firstRecord("1", "Complete")]),
      chunk("1", 2, 1, true, [items(0, 10)]),
    ]);
    await itemsShown(page, 10);
    assert.deepEqual(await view(page), { status: "live", shown: true, heading: "Complete", items: 10 });

    // The next snapshot: two parts of three arrive (the view shows them as they come), then the visitor goes.
    await deliver(page, 0, [chunk("2", 3, 0, false, [firstRecord("2", "Cut off")]), chunk("2", 4, 1, false, [items(0, 5)])]);
    await itemsShown(page, 5);
    assert.equal((await view(page)).heading, "Cut off");
    await deliver(page, 0, [{ t: "peer", role: "visitor", connected: false }]);
    await page.waitForFunction(() => document.getElementById("viewer").status === "waiting");
    const away = await view(page);
    assert.equal(away.status, "waiting");
    assert.equal(away.shown, false, `the half-built page stays on screen: ${JSON.stringify(away)}`);
    assert.equal(await page.evaluate(() => document.getElementById("viewer").shadowRoot.querySelector(".message").hidden), false,
      "the waiting message shows instead");

    // A late part of the cut snapshot, and a change for it, bring nothing back.
    await deliver(page, 0, [
      chunk("2", 5, 2, true, [items(5, 5)]),
      { t: "mutations", seq: 6, snapshotId: "2", adds: [], removes: [], attrs: [], texts: [] },
    ]);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    assert.deepEqual(await view(page), away, "a late part of the cut snapshot changed the view");

    // The visitor is back with a fresh snapshot: shown, whole.
    await deliver(page, 0, [
      { t: "peer", role: "visitor", connected: true },
      chunk("1", 1, 0, false, [firstRecord("1", "After the reconnect")]),
      chunk("1", 2, 1, false, [items(0, 10)]),
      chunk("1", 3, 2, true, [items(10, 10)]),
    ]);
    await itemsShown(page, 20);
    assert.deepEqual(await view(page), { status: "live", shown: true, heading: "After the reconnect", items: 20 });
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

test("viewer: the visitor leaving before a snapshot's first record keeps the last complete page", async () => {
  const { context, page, problems } = await openViewer();
  try {
    await deliver(page, 0, [
      { t: "hello", role: "agent", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true },
      chunk("1", 1, 0, true, [firstRecord("1", "Complete"), items(0, 3)]),
    ]);
    await itemsShown(page, 3);
    // Part 0 of the next snapshot carries no complete record yet (the line goes on in part 1).
    const record = JSON.stringify(firstRecord("2", "Never shown"));
    const header = Buffer.from(JSON.stringify({ t: "snapshot.chunk", snapshotId: "2", seq: 2, part: 0, last: false, enc: "identity" }));
    const length = Buffer.alloc(2);
    length.writeUInt16BE(header.length);
    const half = { __binary: Buffer.concat([length, header, Buffer.from(record.slice(0, 40))]).toString("base64") };
    await deliver(page, 0, [half, { t: "peer", role: "visitor", connected: false }]);
    await page.waitForFunction(() => document.getElementById("viewer").status === "waiting");
    assert.deepEqual(await view(page), { status: "waiting", shown: true, heading: "Complete", items: 3 });
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

test("viewer: the agent's connection dropping halfway through a snapshot takes the half-built page down until the fresh one", async () => {
  const { context, page, problems } = await openViewer({ noWait: true });
  try {
    await deliver(page, 0, [
      { t: "hello", role: "agent", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true },
      chunk("1", 1, 0, false, [firstRecord("1", "Cut off")]),
      chunk("1", 2, 1, false, [items(0, 5)]),
    ]);
    await itemsShown(page, 5);
    // Read in the same task as the close: the retry (no wait here) must not come first.
    const reconnecting = await page.evaluate(() => {
      window.__sockets[0].serverClose(1006);
      const viewer = document.getElementById("viewer");
      const box = viewer.shadowRoot.querySelector("iframe").getBoundingClientRect();
      return { status: viewer.status, shown: box.width > 0 && box.height > 0 };
    });
    assert.deepEqual(reconnecting, { status: "connecting", shown: false }, "the half-built page stays on screen while reconnecting");

    await page.waitForFunction(() => window.__sockets.length === 2 && window.__sockets[1].readyState === 1);
    await deliver(page, 1, [{ t: "hello", role: "agent", sessionId: "ses-1", mode: "VIEW_ONLY", peerConnected: true }]);
    assert.ok((await sent(page, 1)).some((f) => f.t === "resync"), "a fresh snapshot is asked for");
    await deliver(page, 1, [chunk("7", 9, 0, false, [firstRecord("7", "Fresh")]), chunk("7", 10, 1, true, [items(0, 8)])]);
    await itemsShown(page, 8);
    assert.deepEqual(await view(page), { status: "live", shown: true, heading: "Fresh", items: 8 });
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});
