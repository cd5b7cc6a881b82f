// Items 2 and 3 in real browsers: the tag on the demo site (visitor) and the console's viewer (agent), in
// headless Chromium, through the real gateway(s) and Kafka. Timestamps are taken in the pages themselves
// (performance.timeOrigin + performance.now(), one machine, one clock):
//   change  — the visitor page sets a text node's data (`bench-<i>`) every INTERVAL ms; the console page's
//             MutationObserver on the viewer's iframe document records when `bench-<i>` (or a later value: the
//             tag sends the latest state once per frame) is applied, and the next animation frame (painted).
//   pointer — Playwright moves the visitor's mouse on a grid; the visitor page records each mousemove; the console
//             page records each change of the viewer's cursor (placed in an animation frame). A move's latency is
//             the first cursor position at or after it.
import { chromium } from "../../engine/node_modules/playwright-core/index.mjs";
import { existsSync } from "node:fs";
import { summary, sleep, demoInvite } from "./tandem.mjs";

const VISITOR_VIEWPORT = { width: 1280, height: 800 };

export async function launch() {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath}`);
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
  });
}

/** Opens one session in two browser contexts; agentGateway: the gateway the agent's viewer uses. */
export async function openBrowserSession(browser, ep, agent, agentGateway) {
  const agentContext = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  if (agentGateway !== ep.gateway) {
    await agentContext.route("**/console/config.json", async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace(/"gatewayUrl"\s*:\s*"[^"]*"/, `"gatewayUrl":"${agentGateway.replace(/^http/, "ws")}"`);
      await route.fulfill({ response, body });
    });
  }
  const console_ = await agentContext.newPage();
  await console_.goto(`${ep.gateway}/console/`);
  await console_.getByTestId("sign-in").click();
  await console_.locator("#username").fill(agent);
  await console_.locator("#password").fill(agent);
  await console_.locator("#kc-login").click();
  await console_.getByTestId("signed-in-as").waitFor({ timeout: 30_000 });

  const visitorContext = await browser.newContext({ viewport: VISITOR_VIEWPORT });
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${ep.demo}/apply.html`);
  await visitor.getByTestId("chat-toggle").click();
  const chatId = (await visitor.getByTestId("chat-id").textContent()).trim();
  const invited = await demoInvite(ep, chatId, agent);
  await visitor.getByTestId("tandem-accept").click({ timeout: 30_000 });
  await visitor.getByTestId("tandem-frame").waitFor({ timeout: 30_000 });
  await visitor.evaluate(() => {
    document.querySelector("h1").insertAdjacentHTML("afterend", '<p id="bench-probe">bench-0</p>');
  });
  await console_.frameLocator("tandem-viewer iframe").locator("#bench-probe").waitFor({ timeout: 30_000 });
  return { agent, agentContext, console: console_, visitorContext, visitor };
}

async function installObservers(s) {
  await s.visitor.evaluate(() => {
    window.__benchMoves = [];
    document.addEventListener("mousemove", (e) => window.__benchMoves.push([e.clientX, e.clientY, performance.timeOrigin + performance.now()]), true);
  });
  await s.console.evaluate(() => {
    const root = document.querySelector("tandem-viewer").shadowRoot;
    const iframe = root.querySelector("iframe");
    const doc = iframe.contentDocument;
    const bench = { applied: [], painted: [], cursor: [], iframe };
    window.__bench = bench;
    let last = -1;
    new MutationObserver(() => {
      const p = doc.getElementById("bench-probe");
      const m = p && /bench-(\d+)/.exec(p.textContent);
      if (!m) return;
      const i = Number(m[1]);
      if (i === last) return;
      last = i;
      bench.applied.push([i, performance.timeOrigin + performance.now()]);
      requestAnimationFrame(() => bench.painted.push([i, performance.timeOrigin + performance.now()]));
    }).observe(doc, { subtree: true, childList: true, characterData: true });
    const cursor = root.querySelector('[data-testid="visitor-pointer"]');
    new MutationObserver(() => {
      const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec(cursor.style.transform);
      if (m) bench.cursor.push([Number(m[1]), Number(m[2]), performance.timeOrigin + performance.now()]);
    }).observe(cursor, { attributes: true, attributeFilter: ["style"] });
  });
}

/** For every visitor event i (time sent[i]), the first agent time at which an index ≥ i was shown. */
function firstAtOrAfter(sent, seen) {
  const out = [];
  let j = 0;
  let missing = 0;
  for (let i = 0; i < sent.length; i += 1) {
    while (j < seen.length && seen[j][0] < i) j += 1;
    if (j >= seen.length) {
      missing += 1;
      continue;
    }
    out.push(seen[j][1] - sent[i]);
  }
  return { latencies: out, missing };
}

/**
 * Drives `changes` text changes every `interval` ms and `moves` pointer moves every `interval` ms in every session
 * at once; returns latencies (ms) and validity.
 */
export async function measureBrowsers(sessions, { changes, moves, interval }) {
  for (const s of sessions) await installObservers(s);
  const drive = sessions.map(async (s) => {
    const changeRun = s.visitor.evaluate(([n, every]) => new Promise((resolve) => {
      const text = document.getElementById("bench-probe").firstChild;
      const sent = [];
      let i = 1;
      const tick = () => {
        sent[i] = performance.timeOrigin + performance.now();
        text.data = `bench-${i}`;
        i += 1;
        if (i > n) resolve(sent);
        else setTimeout(tick, every);
      };
      tick();
    }), [changes, interval]);
    // Pointer: two calibration points (agent cursor = a * visitor + b per axis), then a grid, row by row.
    const points = [];
    for (let i = 0; i < moves; i += 1) points.push([40 + (i % 400) * 2, 120 + Math.floor(i / 400) * 12]);
    await s.visitor.mouse.move(100, 100);
    await sleep(400);
    await s.visitor.mouse.move(900, 600);
    await sleep(400);
    for (const [x, y] of points) {
      await s.visitor.mouse.move(x, y);
      await sleep(interval);
    }
    const sentChanges = await changeRun;
    await sleep(3000);
    const moveLog = await s.visitor.evaluate(() => window.__benchMoves);
    const agentLog = await s.console.evaluate(() => ({
      applied: window.__bench.applied, painted: window.__bench.painted, cursor: window.__bench.cursor,
      sameIframe: document.querySelector("tandem-viewer").shadowRoot.querySelector("iframe") === window.__bench.iframe,
    }));
    return { sentChanges, moveLog, agentLog };
  });
  const results = await Promise.all(drive);
  const lat = { applied: [], painted: [], pointer: [] };
  const problems = [];
  let coalesced = 0;
  results.forEach((r, k) => {
    const sent = r.sentChanges.slice(1); // index 0 unused: bench-<i> for i = 1..n
    const shift = (list) => list.map(([i, t]) => [i - 1, t]);
    const applied = firstAtOrAfter(sent, shift(r.agentLog.applied));
    const painted = firstAtOrAfter(sent, shift(r.agentLog.painted));
    lat.applied.push(...applied.latencies);
    lat.painted.push(...painted.latencies);
    coalesced += sent.length - r.agentLog.applied.length;
    if (!r.agentLog.sameIframe) problems.push(`session ${k + 1}: the viewer rebuilt its iframe (a resync) during the run`);
    if (applied.missing > 0) problems.push(`session ${k + 1}: the last ${applied.missing} of ${sent.length} changes never reached the viewer`);
    // Pointer: calibrate from the two isolated moves, map every cursor position back to a grid index.
    const moves = r.moveLog;
    const cursor = r.agentLog.cursor;
    if (moves.length < 3 || cursor.length < 2) {
      problems.push(`session ${k + 1}: no pointer seen on the agent side (${cursor.length} cursor changes, ${moves.length} moves)`);
      return;
    }
    const [c1, c2] = cursor;
    const ax = (c2[0] - c1[0]) / 800;
    const bx = c1[0] - ax * 100;
    const ay = (c2[1] - c1[1]) / 500;
    const by = c1[1] - ay * 100;
    const grid = moves.slice(2);
    const indexOf = new Map(grid.map(([x, y], i) => [`${x},${y}`, i]));
    const seen = [];
    for (const [cx, cy, t] of cursor.slice(2)) {
      const vx = Math.round((cx - bx) / ax);
      const vy = Math.round((cy - by) / ay);
      let i = indexOf.get(`${vx},${vy}`);
      if (i === undefined) i = indexOf.get(`${vx + 1},${vy}`) ?? indexOf.get(`${vx - 1},${vy}`);
      if (i !== undefined) seen.push([i, t]);
    }
    const pointer = firstAtOrAfter(grid.map((m) => m[2]), seen);
    lat.pointer.push(...pointer.latencies);
    if (grid.length === 0 || pointer.missing > 0) problems.push(`session ${k + 1}: ${pointer.missing} of ${grid.length} pointer moves never showed on the agent side`);
  });
  return {
    latencyMs: { changeApplied: summary(lat.applied), changePainted: summary(lat.painted), pointerPainted: summary(lat.pointer) },
    changesSent: results.reduce((a, r) => a + r.sentChanges.length - 1, 0),
    changesCoalescedByTheTag: coalesced,
    movesSent: results.reduce((a, r) => a + Math.max(0, r.moveLog.length - 2), 0),
    problems,
  };
}

export async function closeBrowserSession(s) {
  try {
    await s.visitor.getByTestId("tandem-end").click({ timeout: 5000 });
  } catch {
    // the session may be gone already
  }
  await s.visitorContext.close();
  await s.agentContext.close();
}
