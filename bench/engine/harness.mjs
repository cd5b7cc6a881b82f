// What the engine benchmark needs around the page: an HTTP server that plays the Tandem REST
// services and serves the pages and both recorders, a Chromium, and a WebSocket stand-in that
// counts what the tag sends without keeping it (so the heap we measure is the recorder's own).
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, "..", "..");
// TANDEM_TAG measures another build of the tag (for example the one before an optimisation).
const TAG = process.env.TANDEM_TAG ?? join(REPO, "web", "dist", "tandem.js");
const RRWEB = join(here, "node_modules", "rrweb", "dist", "rrweb.umd.min.cjs");
const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

export const SITE_CONFIG = {
  siteId: "bench",
  version: 1,
  enabled: true,
  allowedOrigins: [],
  rules: [
    { kind: "MASK", selector: "input[type=password]", builtIn: true },
    { kind: "MASK", selector: ".secret" },
    { kind: "BLOCK", selector: "[data-tandem-block]", builtIn: true },
    { kind: "NO_AGENT_CONTROL", selector: "[type=submit]", builtIn: true },
  ],
  appearance: { borderColor: "#f5a623", highlightColor: "#ffd400", matchViewport: true },
  modes: { default: ["VIEW_ONLY", "SHARED"] },
  detectors: { cardNumbers: true, usSsn: true },
};

export async function startServer(pages) {
  for (const file of [TAG, RRWEB]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: build web/ (cd web && npm ci && npm run build) and run npm ci in bench/engine`);
    }
  }
  const json = (res, status, body) => {
    res.writeHead(status, { "Content-Type": status < 300 ? "application/json" : "application/problem+json" });
    res.end(JSON.stringify(body));
  };
  const invite = (state) => ({ id: "inv-bench", state, mode: "VIEW_ONLY", message: "Benchmark", expiresAt: new Date(Date.now() + 600_000).toISOString() });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    if (path.startsWith("/page/") && pages[path.slice(6)]) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(pages[path.slice(6)]);
    }
    if (path.startsWith("/img/")) {
      res.writeHead(200, { "Content-Type": "image/png", "Cache-Control": "max-age=3600" });
      return res.end(PIXEL);
    }
    if (path === "/tandem.js" || path === "/rrweb.js") {
      res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
      return res.end(readFileSync(path === "/tandem.js" ? TAG : RRWEB));
    }
    if (path === "/api/visitor/invite") return json(res, 200, invite("PENDING"));
    if (path === "/api/visitor/invite/accept") return json(res, 200, invite("ACCEPTED"));
    if (path === "/api/visitor/session-token") {
      return json(res, 200, {
        sessionId: "ses-bench", code: "123456789", mode: "VIEW_ONLY", siteId: "bench",
        joinToken: "header.payload.signature", expiresAt: new Date(Date.now() + 600_000).toISOString(),
      });
    }
    if (path === "/api/sites/bench/config") {
      res.writeHead(200, { "Content-Type": "application/json", ETag: '"1"' });
      return res.end(JSON.stringify(SITE_CONFIG));
    }
    if (path === "/favicon.ico") {
      res.writeHead(204);
      return res.end();
    }
    return json(res, 404, { type: "about:blank", title: "not found", status: 404 });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium not found at ${executablePath} (apt-get install chromium)`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--js-flags=--expose-gc"],
  });
}

/**
 * Replaces WebSocket (sockets open only on `window.__openSockets()`) and gives both recorders the
 * same sink: `window.__sink(data)` counts a frame (and keeps it when `window.__keep` is set, for the byte and validity checks).
 */
export const PAGE_SETUP = `
(() => {
  const stats = { frames: 0, textChars: 0, binaryBytes: 0, first: 0, last: 0 };
  const kept = [];
  window.__stats = stats;
  window.__kept = kept;
  window.__keep = false;
  window.__sink = (data) => {
    const now = performance.now();
    if (stats.frames === 0) stats.first = now;
    stats.last = now;
    stats.frames += 1;
    if (typeof data === "string") {
      stats.textChars += data.length;
      if (window.__keep) kept.push(data);
    } else {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
        : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
      if (bytes === null) throw new Error("the bench socket takes strings, ArrayBuffers and views");
      stats.binaryBytes += bytes.byteLength;
      if (window.__keep) kept.push(bytes.slice());
    }
  };
  const sockets = [];
  window.__sockets = sockets;
  class BenchSocket extends EventTarget {
    static CONNECTING = 0; static OPEN = 1; static CLOSING = 2; static CLOSED = 3;
    constructor(url, protocols) {
      super();
      this.url = String(url); this.readyState = 0; this.protocol = ""; this.bufferedAmount = 0;
      this.binaryType = "blob"; this.extensions = "";
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      sockets.push(this);
    }
    /** Opens when the benchmark says so, so that the clock starts where the capture starts. */
    open() {
      if (this.readyState !== 0) return;
      this.readyState = 1; this.protocol = "tandem.v1"; this.fire(new Event("open"));
    }
    send(data) { if (this.readyState === 1) window.__sink(data); }
    close(code = 1000, reason = "") {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      setTimeout(() => this.fire(new CloseEvent("close", { code, reason, wasClean: true })), 0);
    }
    deliver(frame) { this.fire(new MessageEvent("message", { data: JSON.stringify(frame) })); }
    fire(event) {
      const handler = this["on" + event.type];
      if (typeof handler === "function") handler.call(this, event);
      this.dispatchEvent(event);
    }
  }
  window.WebSocket = BenchSocket;
  window.__openSockets = () => sockets.forEach((socket) => socket.open());
})();
`;

/** Waits until no frame was sent for `quietMs`, after at least one; returns the page's stats. */
export async function waitQuiet(page, { quietMs = 500, timeoutMs = 120_000 } = {}) {
  const started = Date.now();
  let last = -1;
  let since = Date.now();
  for (;;) {
    const stats = await page.evaluate(() => ({ ...window.__stats }));
    if (stats.frames !== last) {
      last = stats.frames;
      since = Date.now();
    } else if (stats.frames > 0 && Date.now() - since >= quietMs) {
      return stats;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`no quiet after ${timeoutMs} ms (${stats.frames} frames)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Main-thread task time, script time and used JS heap, from Chromium's own counters. */
export async function metrics(cdp) {
  const { metrics: list } = await cdp.send("Performance.getMetrics");
  const get = (name) => list.find((m) => m.name === name)?.value ?? 0;
  return { taskMs: get("TaskDuration") * 1000, scriptMs: get("ScriptDuration") * 1000, heap: get("JSHeapUsedSize") };
}

export async function collectGarbage(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
}

/**
 * The longest task on the page's main thread in a trace, in ms (RunTask events of the renderer
 * main thread that ran the most task time).
 */
export function longestTask(traceBuffer) {
  const events = JSON.parse(traceBuffer.toString("utf8")).traceEvents ?? [];
  const mainThreads = new Set(
    events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== "X" || (e.name !== "RunTask" && e.name !== "ThreadControllerImpl::RunTask")) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mainThreads.has(key)) continue;
    const entry = byThread.get(key) ?? { total: 0, max: 0 };
    entry.total += e.dur ?? 0;
    entry.max = Math.max(entry.max, e.dur ?? 0);
    byThread.set(key, entry);
  }
  let busiest = { total: -1, max: 0 };
  for (const entry of byThread.values()) if (entry.total > busiest.total) busiest = entry;
  return busiest.total < 0 ? null : busiest.max / 1000;
}

/**
 * Everything the tag sent, as text: text frames as they are, binary chunks by their header, their
 * payloads put back together per snapshot and inflated when compressed.
 */
export function decodeTandemFrames(frames) {
  const texts = [];
  const chunks = new Map();
  for (const frame of frames) {
    if (typeof frame === "string") {
      texts.push(frame);
      continue;
    }
    const bytes = Buffer.from(frame);
    const headerLength = bytes.readUInt16BE(0);
    const header = JSON.parse(bytes.subarray(2, 2 + headerLength).toString("utf8"));
    const payload = bytes.subarray(2 + headerLength);
    const key = String(header.snapshotId);
    const list = chunks.get(key) ?? [];
    list.push({ header, payload });
    chunks.set(key, list);
  }
  for (const list of chunks.values()) {
    list.sort((a, b) => a.header.part - b.header.part);
    const enc = list[0].header.enc;
    const joined = Buffer.concat(list.map((c) => c.payload));
    if (enc === "deflate-raw") {
      // Each part compressed on its own (what the tag does), else one stream cut into parts.
      try {
        texts.push(list.map((c) => inflateRawSync(c.payload).toString("utf8")).join(""));
      } catch {
        texts.push(inflateRawSync(joined).toString("utf8"));
      }
    } else {
      texts.push(joined.toString("utf8"));
    }
  }
  return texts.join("\n");
}
