#!/usr/bin/env node
// Upstream bandwidth of a session (issue 10, item 5): bytes the tag hands to its socket in an idle
// minute and in a scripted active minute (scrolling, typing, the pointer moving at 30 Hz), after the
// snapshot is through; rrweb 2.2.2 beside it on the same page, with the same script.
//
//   node bandwidth.mjs           a full minute each, writes bench/results/bandwidth.json
//   node bandwidth.mjs --quick   5 s each, scaled to a minute: only checks that the harness works
//
// Fails only when the run was not valid: the active minute sent nothing, or the pointer, scroll or
// typing never showed up in what was sent, or a typed masked value did.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeTandemFrames, launchBrowser, PAGE_SETUP, REPO, startServer, waitQuiet } from "./harness.mjs";
import { typicalPage } from "./pages.mjs";

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 5 : 60;
const MASKED_TYPING = "canary-typed-secret";

const page = typicalPage().replace(
  '<label for="notes">',
  '<label for="memo">Memo</label><input id="memo" name="memo"><label for="pin">PIN</label><input id="pin" class="secret"><label for="notes">',
);

async function prepare(browser, origin, recorder) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const tab = await context.newPage();
  await tab.addInitScript(PAGE_SETUP);
  await tab.goto(`${origin}/page/bandwidth`, { waitUntil: "load" });
  if (recorder === "tandem") {
    await tab.addScriptTag({ url: "/tandem.js" });
    await tab.evaluate((base) => {
      const handle = window.Tandem.start({
        siteId: "bench",
        endpoints: { invites: base, sessions: base, config: base, gateway: "ws://127.0.0.1:9" },
      });
      window.__invite = handle.receiveInvite("bench-credential");
    }, origin);
    await tab.getByTestId("tandem-accept").click();
    await tab.waitForFunction(() => window.__sockets.length > 0, null, { timeout: 15_000 });
    await tab.evaluate(() => window.__openSockets());
  } else {
    await tab.addScriptTag({ url: "/rrweb.js" });
    await tab.evaluate(() => {
      const masked = "input[type=password], .secret";
      window.rrweb.record({
        emit: (event) => window.__sink(JSON.stringify(event)),
        blockSelector: "[data-tandem-block]",
        maskInputOptions: { input: true, textarea: true, select: true, password: true },
        maskInputFn: (text, element) => (element?.matches?.(masked) ? "*".repeat(text.length) : text),
      });
    });
  }
  await waitQuiet(tab, { quietMs: 1000 });
  return { context, tab };
}

async function measure(tab, activity) {
  const before = await tab.evaluate(() => ({ ...window.__stats }));
  await tab.evaluate(() => { window.__keep = true; window.__kept.length = 0; });
  await activity();
  const after = await tab.evaluate(() => ({ ...window.__stats }));
  const kept = await tab.evaluate(() => window.__kept.map((f) => (typeof f === "string" ? f : Array.from(f))));
  await tab.evaluate(() => { window.__keep = false; window.__kept.length = 0; });
  const bytes = after.textChars + after.binaryBytes - before.textChars - before.binaryBytes;
  return {
    frames: after.frames - before.frames,
    bytesPerMinute: (bytes * 60) / SECONDS,
    kept: kept.map((f) => (typeof f === "string" ? f : Uint8Array.from(f))),
  };
}

const idle = (tab) => () => tab.waitForTimeout(SECONDS * 1000);

/** Scrolling, typing and a 30 Hz pointer, spread over the whole window, with trusted input events. */
const active = (tab) => async () => {
  const end = Date.now() + SECONDS * 1000;
  let tick = 0;
  await tab.click("#memo");
  while (Date.now() < end) {
    const t = tick / 30;
    await tab.mouse.move(640 + 400 * Math.cos(t), 400 + 250 * Math.sin(2 * t));
    if (tick % 15 === 0) await tab.mouse.wheel(0, tick % 60 < 30 ? 120 : -120);
    if (tick % 6 === 0) {
      const typingSecret = tick % 120 >= 60;
      if (typingSecret) await tab.focus("#pin");
      else await tab.focus("#memo");
      const text = typingSecret ? MASKED_TYPING : "hello ";
      await tab.keyboard.type(text[(tick / 6) % text.length]);
    }
    tick += 1;
    await tab.waitForTimeout(Math.max(0, 1000 / 30 - 2));
  }
};

async function main() {
  const server = await startServer({ bandwidth: page });
  const browser = await launchBrowser();
  const results = { date: new Date().toISOString(), quick, seconds: SECONDS, chromium: browser.version(), recorders: {} };
  const invalid = [];
  try {
    for (const recorder of ["tandem", "rrweb"]) {
      const { context, tab } = await prepare(browser, server.origin, recorder);
      try {
        const idleRun = await measure(tab, idle(tab));
        const activeRun = await measure(tab, active(tab));
        const text = recorder === "tandem" ? decodeTandemFrames(activeRun.kept) : activeRun.kept.join("\n");
        if (activeRun.frames === 0) invalid.push(`${recorder}: the active minute sent nothing`);
        if (!text.includes("hello")) invalid.push(`${recorder}: the typing never arrived`);
        // Pointer and scroll: the tag's frame types; rrweb's incremental sources 1 (mouse move) and 3 (scroll).
        const expected = recorder === "tandem" ? ['"t":"pointer"', '"t":"scroll"'] : ['"source":1', '"source":3'];
        for (const marker of expected) if (!text.includes(marker)) invalid.push(`${recorder}: no ${marker} in the active minute`);
        // The PIN field's value grows one keystroke at a time: its first six characters in any frame
        // mean the typed secret left the page.
        if (text.includes(MASKED_TYPING.slice(0, 6))) invalid.push(`${recorder}: typed masked text left the page`);
        results.recorders[recorder] = {
          idle: { frames: idleRun.frames, kbPerMinute: idleRun.bytesPerMinute / 1024 },
          active: { frames: activeRun.frames, kbPerMinute: activeRun.bytesPerMinute / 1024 },
        };
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`upstream bandwidth after the snapshot, ${SECONDS} s per phase${quick ? " (quick, scaled to a minute)" : ""}, Chromium ${results.chromium}`);
  console.log("| recorder | idle KB/min | idle frames | active KB/min | active frames |");
  console.log("| --- | ---: | ---: | ---: | ---: |");
  for (const [name, r] of Object.entries(results.recorders)) {
    console.log(`| ${name} | ${r.idle.kbPerMinute.toFixed(2)} | ${r.idle.frames} | ${r.active.kbPerMinute.toFixed(1)} | ${r.active.frames} |`);
  }
  if (!quick) {
    const out = join(REPO, "bench", "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "bandwidth.json"), JSON.stringify(results, null, 2) + "\n");
  }
  if (invalid.length > 0) {
    console.error(`INVALID RUN:\n  ${invalid.join("\n  ")}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
