// <canvas> as bitmaps where the site allows it: about once a second and only when the picture
// changed, never from a masked or blocked canvas, tainted ones skipped silently, big ones scaled
// down under the size cap; the viewer draws PNG/WebP only. Off unless the site's config says so.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver, openViewer } from "./support/viewer.mjs";
import { acceptAndConnect, openVisitor, settle } from "./support/visitor.mjs";

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

async function pump(visitor, viewer, log) {
  await settle(visitor);
  const frames = await visitor.evaluate(() => window.__takeSent());
  log.push(...frames);
  await deliver(viewer, frames);
  await settle(viewer);
  return frames;
}

/** The colour at the middle of a rebuilt canvas, as [r, g, b, a]. */
function pixel(viewer, id) {
  return viewer.evaluate((canvasId) => {
    const doc = document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument;
    const canvas = doc.getElementById(canvasId);
    return Array.from(canvas.getContext("2d").getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data);
  }, id);
}

const near = (actual, expected) => actual.every((v, i) => Math.abs(v - expected[i]) <= 40);

/** Pumps frames until `check` holds, for at most `ms`. */
async function until(visitor, viewer, log, check, ms = 5_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    await pump(visitor, viewer, log);
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const bitmaps = (frames) => frames.flatMap((f) => (f.t === "mutations" ? f.canvas ?? [] : []));

test("canvases reach the view as bitmaps where the site allows it; masked, blocked and tainted ones never", async () => {
  server.reset();
  server.state.config.capture = { canvas: true };
  const visitor = await openVisitor(browser, server, "canvas.html");
  const viewer = await openViewer(browser, server);
  const log = [];
  try {
    // Drawn from another origin: tainted, so the browser will not give its pixels to anyone.
    await visitor.page.evaluate(async (other) => {
      const image = new Image();
      image.src = `${other}/tainting.png`;
      await image.decode();
      document.getElementById("tainted").getContext("2d").drawImage(image, 0, 0, 40, 30);
    }, server.otherOrigin);
    await acceptAndConnect(visitor.page);
    await pump(visitor.page, viewer.page, log);
    assert.ok(
      await until(visitor.page, viewer.page, log, async () => near(await pixel(viewer.page, "plain"), [0, 128, 0, 255]) && near(await pixel(viewer.page, "big"), [0, 0, 255, 255])),
      "the plain and the big canvas show",
    );
    for (const id of ["secret", "in-mask", "tainted"]) {
      assert.deepEqual(await pixel(viewer.page, id), [0, 0, 0, 0], `${id} stays empty`);
    }
    assert.equal(await viewer.page.evaluate(() => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument.getElementById("blocked")), null);
    const sent = bitmaps(log);
    assert.equal(new Set(sent.map((b) => b.id)).size, 2, "only the plain and the big canvas were sent");
    for (const bitmap of sent) {
      assert.match(bitmap.data, /^data:image\/(webp|png);base64,/);
      assert.ok(bitmap.data.length <= 256 * 1024, "under the size cap");
    }

    // Animated for three seconds: about one picture a second, not one per frame.
    const before = log.length;
    await visitor.page.evaluate(
      () =>
        new Promise((resolve) => {
          const start = performance.now();
          const step = (now) => {
            const n = Math.floor((now - start) / 16) % 255;
            window.paint("plain", `rgb(${n}, 0, 0)`);
            window.paint("secret", `rgb(${n}, 0, 0)`);
            if (now - start < 3_000) requestAnimationFrame(step);
            else resolve();
          };
          requestAnimationFrame(step);
        }),
    );
    await visitor.page.evaluate(() => window.paint("plain", "rgb(255, 0, 0)"));
    assert.ok(await until(visitor.page, viewer.page, log, async () => near(await pixel(viewer.page, "plain"), [255, 0, 0, 255])), "the last picture shows");
    const during = bitmaps(log.slice(before));
    const perCanvas = new Map();
    for (const b of during) perCanvas.set(b.id, (perCanvas.get(b.id) ?? 0) + 1);
    assert.ok(perCanvas.size === 1, `only the plain canvas changed: ${[...perCanvas.keys()]}`);
    assert.ok([...perCanvas.values()][0] <= 6, `at most about one a second: ${[...perCanvas.values()]}`);

    // Unchanged: nothing more is sent.
    const quiet = log.length;
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    await pump(visitor.page, viewer.page, log);
    assert.deepEqual(bitmaps(log.slice(quiet)), [], "an unchanged canvas is not sent again");

    // The viewer draws PNG and WebP only: a forged picture of another kind changes nothing.
    const seq = Math.max(...log.map((f) => f.seq ?? 0));
    const id = during[0].id;
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="blue"/></svg>').toString("base64");
    await deliver(viewer.page, [
      { t: "mutations", seq: seq + 1, snapshotId: log.filter((f) => f.t === "mutations").at(-1).snapshotId, adds: [], removes: [], attrs: [], texts: [], canvas: [
        { id, data: `data:image/svg+xml;base64,${svg}` },
        { id, data: "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" },
        { id, data: `${"data:image/png;base64,"}not base64 at all!` },
      ] },
    ]);
    await settle(viewer.page);
    assert.ok(near(await pixel(viewer.page, "plain"), [255, 0, 0, 255]), "still the visitor's picture");
    assert.deepEqual(visitor.problems.errors, []);
    assert.deepEqual(viewer.problems.errors, []);
    assert.deepEqual(visitor.problems.console.filter((m) => !/Failed to load resource/.test(m)), []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("without the site's capture.canvas no bitmap is ever sent", async () => {
  server.reset();
  const visitor = await openVisitor(browser, server, "canvas.html");
  const viewer = await openViewer(browser, server);
  const log = [];
  try {
    await acceptAndConnect(visitor.page);
    await pump(visitor.page, viewer.page, log);
    await visitor.page.evaluate(() => window.paint("plain", "rgb(255, 0, 0)"));
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    await pump(visitor.page, viewer.page, log);
    assert.ok(log.some((f) => f.t === "snapshot" || f.t === "snapshot.chunk"));
    assert.deepEqual(bitmaps(log), []);
    assert.deepEqual(await pixel(viewer.page, "plain"), [0, 0, 0, 0]);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});
