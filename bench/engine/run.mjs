#!/usr/bin/env node
// Visitor-side cost of the Tandem tag against rrweb 2.2.2: the same pages, the same Chromium, the
// same run. For each page and recorder: time to the first frame and to the last snapshot frame,
// main-thread task time and the longest task while snapshotting, JS heap the recorder adds, bytes
// it hands to the network, and main-thread time added by a burst of page changes.
//
//   node run.mjs            5 rounds on the full pages (60k-node, 2 MB), writes bench/results/
//   node run.mjs --quick    1 round on small pages: only checks that the harness still works
//
// Prints a table; never fails on a time; fails when a run was not valid (a recorder sent nothing,
// the last row of the page is missing from what it sent, or a masked canary left the page).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import {
  collectGarbage, decodeTandemFrames, launchBrowser, longestTask, metrics, PAGE_SETUP, REPO, startServer, waitQuiet,
} from "./harness.mjs";
import { largePage, MUTATION_BURST, typicalPage } from "./pages.mjs";

const quick = process.argv.includes("--quick");
const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 5);
const LAST_ROW = "LAST-ROW-SENTINEL";
const WARM_UP_FRAMES = 5;
const BURST_FRAMES = quick ? 10 : 60;
const CANARIES = ["hunter2-canary", "4111 1111 1111 1111"];

function withSentinel(html) {
  // The very end of the page's main content: what a recorder must have sent when it is done.
  return html.replace("</section>", `<p id="last">${LAST_ROW}</p></section>`);
}

const pages = {
  typical: withSentinel(typicalPage()),
  large: withSentinel(largePage({ targetNodes: quick ? 6_000 : 60_000 })),
};

const RECORDERS = {
  tandem: {
    script: "/tandem.js",
    async prepare(page, origin) {
      await page.evaluate((base) => {
        const handle = window.Tandem.start({
          siteId: "bench",
          endpoints: { invites: base, sessions: base, config: base, gateway: "ws://127.0.0.1:9" },
        });
        window.__invite = handle.receiveInvite("bench-credential");
      }, origin);
      await page.getByTestId("tandem-accept").click();
      await page.waitForFunction(() => window.__sockets.length > 0, null, { timeout: 15_000 });
    },
    start: () => window.__openSockets(),
    decode: decodeTandemFrames,
  },
  rrweb: {
    script: "/rrweb.js",
    async prepare() {},
    start: () => {
      // The same rules the tag gets from SITE_CONFIG, in rrweb's terms: it masks input values by
      // tag or type only, so a function picks the fields the selectors name.
      const masked = "input[type=password], .secret";
      window.__stop = window.rrweb.record({
        emit: (event) => window.__sink(JSON.stringify(event)),
        blockSelector: "[data-tandem-block]",
        maskInputOptions: { input: true, textarea: true, select: true, password: true },
        maskInputFn: (text, element) => (element?.matches?.(masked) ? "*".repeat(text.length) : text),
      });
    },
    decode: (frames) => frames.join("\n"),
  },
};

/** One fresh page: load, prepare the recorder, then measure from the start of capture to quiet. */
async function snapshotRun(browser, origin, recorder, pageName, { keep, trace }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(PAGE_SETUP);
    await page.goto(`${origin}/page/${pageName}`, { waitUntil: "load" });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.evaluate((k) => { window.__keep = k; }, keep);
    await collectGarbage(cdp);
    const heapBefore = (await metrics(cdp)).heap;
    const spec = RECORDERS[recorder];
    await page.addScriptTag({ url: spec.script });
    await spec.prepare(page, origin);
    await collectGarbage(cdp);
    const before = await metrics(cdp);
    if (trace) await browser.startTracing(page, { categories: ["toplevel"] });
    const t0 = await page.evaluate((start) => {
      Object.assign(window.__stats, { frames: 0, textChars: 0, binaryBytes: 0, first: 0, last: 0 });
      window.__kept.length = 0;
      const now = performance.now();
      (0, eval)(`(${start})`)();
      return now;
    }, spec.start.toString());
    const stats = await waitQuiet(page);
    const traceBuffer = trace ? await browser.stopTracing() : null;
    const after = await metrics(cdp);
    await collectGarbage(cdp);
    const heapAfter = (await metrics(cdp)).heap;
    const result = {
      firstFrameMs: stats.first - t0,
      lastFrameMs: stats.last - t0,
      taskMs: after.taskMs - before.taskMs,
      scriptMs: after.scriptMs - before.scriptMs,
      longestTaskMs: traceBuffer ? longestTask(traceBuffer) : null,
      heapAddedKB: (heapAfter - heapBefore) / 1024,
      frames: stats.frames,
      sentBytes: stats.textChars + stats.binaryBytes,
    };
    if (keep) {
      const frames = await page.evaluate(() => window.__kept.map((f) => (typeof f === "string" ? f : Array.from(f))));
      const decoded = spec.decode(frames.map((f) => (typeof f === "string" ? f : Uint8Array.from(f))));
      result.valid = validity(decoded, stats);
      // What the same frames would cost with permessage-deflate on the socket.
      result.sentDeflatedBytes = frames.reduce(
        (sum, f) => sum + (typeof f === "string" ? deflateRawSync(Buffer.from(f)).length : f.length), 0);
    }
    if (pageName === "typical") {
      result.mutation = await mutationRun(page, cdp);
    }
    return result;
  } finally {
    await context.close();
  }
}

/** Main-thread time and bytes of a burst of changes, once the snapshot is through. */
async function mutationRun(page, cdp) {
  // The same warm-up as the baseline, so both measure warm code.
  await page.evaluate(`(${MUTATION_BURST})(${WARM_UP_FRAMES})`);
  await waitQuiet(page, { quietMs: 200 });
  const framesBefore = await page.evaluate(() => ({ ...window.__stats }));
  const before = await metrics(cdp);
  await page.evaluate(`(${MUTATION_BURST})(${BURST_FRAMES})`);
  const after = await metrics(cdp);
  const stats = await page.evaluate(() => ({ ...window.__stats }));
  return {
    taskMs: after.taskMs - before.taskMs,
    frames: stats.frames - framesBefore.frames,
    sentBytes: stats.textChars + stats.binaryBytes - framesBefore.textChars - framesBefore.binaryBytes,
  };
}

/** The same burst with no recorder at all: what the page costs by itself. */
async function baselineMutation(browser, origin) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(PAGE_SETUP);
    await page.goto(`${origin}/page/typical`, { waitUntil: "load" });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    await page.evaluate(`(${MUTATION_BURST})(${WARM_UP_FRAMES})`);
    const before = await metrics(cdp);
    await page.evaluate(`(${MUTATION_BURST})(${BURST_FRAMES})`);
    const after = await metrics(cdp);
    return after.taskMs - before.taskMs;
  } finally {
    await context.close();
  }
}

function validity(decoded, stats) {
  const problems = [];
  if (stats.frames === 0) problems.push("sent nothing");
  if (!decoded.includes(LAST_ROW)) problems.push("the end of the page is missing from what it sent");
  for (const canary of CANARIES) if (decoded.includes(canary)) problems.push(`a masked value left the page (${canary})`);
  return problems;
}

const median = (values) => {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function summarise(runs) {
  const pick = (f) => median(runs.map(f));
  return {
    firstFrameMs: pick((r) => r.firstFrameMs),
    lastFrameMs: pick((r) => r.lastFrameMs),
    taskMs: pick((r) => r.taskMs),
    longestTaskMs: pick((r) => r.longestTaskMs),
    heapAddedKB: pick((r) => r.heapAddedKB),
    sentBytes: pick((r) => r.sentBytes),
    sentDeflatedBytes: pick((r) => r.sentDeflatedBytes),
    mutationTaskMs: pick((r) => r.mutation?.taskMs),
    mutationBytes: pick((r) => r.mutation?.sentBytes),
  };
}

async function main() {
  const server = await startServer(pages);
  const browser = await launchBrowser();
  const results = { date: new Date().toISOString(), quick, rounds, chromium: browser.version(), pages: {}, baselineMutationMs: null };
  const invalid = [];
  try {
    const baselines = [];
    for (let i = 0; i < rounds; i += 1) baselines.push(await baselineMutation(browser, server.origin));
    results.baselineMutationMs = median(baselines);
    for (const pageName of Object.keys(pages)) {
      results.pages[pageName] = {};
      for (const recorder of Object.keys(RECORDERS)) {
        // One run keeps the frames (bytes, validity); the timed runs drop them (heap, time), and
        // one of those is traced for the longest task.
        const checked = await snapshotRun(browser, server.origin, recorder, pageName, { keep: true, trace: false });
        if (checked.valid.length > 0) invalid.push(`${recorder} on ${pageName}: ${checked.valid.join("; ")}`);
        const runs = [];
        for (let i = 0; i < rounds; i += 1) {
          runs.push(await snapshotRun(browser, server.origin, recorder, pageName, { keep: false, trace: i === 0 }));
        }
        const summary = summarise(runs);
        summary.sentBytes = checked.sentBytes;
        summary.sentDeflatedBytes = checked.sentDeflatedBytes;
        summary.mutationBytes = checked.mutation?.sentBytes ?? null;
        results.pages[pageName][recorder] = { summary, runs };
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  print(results);
  if (!quick) {
    const out = join(REPO, "bench", "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "engine.json"), JSON.stringify(results, null, 2) + "\n");
    await chart(results, join(out, "engine.png"));
    console.log(`\nwrote bench/results/engine.json and bench/results/engine.png`);
  }
  if (invalid.length > 0) {
    console.error(`\nINVALID RUN:\n  ${invalid.join("\n  ")}`);
    process.exit(1);
  }
}

function fmt(value, digits = 0) {
  return value === null || value === undefined ? "–" : value.toFixed(digits);
}

function print(results) {
  console.log(`engine benchmark, ${results.quick ? "quick" : `${results.rounds} rounds`}, Chromium ${results.chromium}`);
  console.log(`page-only cost of the change burst: ${fmt(results.baselineMutationMs, 1)} ms main thread\n`);
  console.log("| page | recorder | first frame ms | last snapshot frame ms | main-thread ms | longest task ms | heap added KB | sent KB | sent KB if deflated | change burst ms (added) | change burst KB |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [pageName, recorders] of Object.entries(results.pages)) {
    for (const [recorder, { summary: s }] of Object.entries(recorders)) {
      const added = s.mutationTaskMs === null ? null : s.mutationTaskMs - results.baselineMutationMs;
      console.log(`| ${pageName} | ${recorder} | ${fmt(s.firstFrameMs, 1)} | ${fmt(s.lastFrameMs, 1)} | ${fmt(s.taskMs, 1)} | ${fmt(s.longestTaskMs, 1)} | ${fmt(s.heapAddedKB)} | ${fmt(s.sentBytes / 1024, 1)} | ${fmt(s.sentDeflatedBytes / 1024, 1)} | ${fmt(added, 1)} | ${fmt(s.mutationBytes / 1024, 1)} |`);
    }
  }
}

/** A bar chart per measure, drawn as SVG and photographed by the same Chromium. */
async function chart(results, file) {
  const measures = [
    ["lastFrameMs", "snapshot done (ms)"],
    ["longestTaskMs", "longest task (ms)"],
    ["heapAddedKB", "heap added (KB)"],
    ["sentBytes", "sent (bytes)"],
  ];
  const colours = { tandem: "#0b7a75", rrweb: "#c0504d" };
  const panels = [];
  const entries = Object.entries(results.pages);
  measures.forEach(([key, title], m) => {
    const values = entries.flatMap(([, recorders]) => Object.values(recorders).map((r) => r.summary[key] ?? 0));
    const max = Math.max(1, ...values);
    const bars = [];
    entries.forEach(([pageName, recorders], p) => {
      Object.entries(recorders).forEach(([recorder, { summary }], r) => {
        const v = summary[key] ?? 0;
        const h = (v / max) * 160;
        const x = 40 + p * 150 + r * 55;
        bars.push(`<rect x="${x}" y="${200 - h}" width="45" height="${h}" fill="${colours[recorder] ?? "#888"}"/>`
          + `<text x="${x + 22}" y="${195 - h}" font-size="10" text-anchor="middle">${v.toFixed(0)}</text>`);
      });
      bars.push(`<text x="${40 + p * 150 + 50}" y="218" font-size="12" text-anchor="middle">${pageName}</text>`);
    });
    panels.push(`<g transform="translate(${(m % 2) * 340},${Math.floor(m / 2) * 250})"><text x="20" y="20" font-size="14" font-weight="bold">${title}</text>${bars.join("")}</g>`);
  });
  const legend = Object.entries(colours).map(([name, colour], i) =>
    `<rect x="${20 + i * 100}" y="505" width="12" height="12" fill="${colour}"/><text x="${36 + i * 100}" y="516" font-size="12">${name}</text>`).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="680" height="530" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${panels.join("")}${legend}</svg>`;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 680, height: 530 } });
    await page.setContent(svg);
    await page.screenshot({ path: file });
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
