// Snapshot compression off the main thread: in a worker made from a Blob URL, and on the page's
// thread where the page's CSP does not allow that worker. Either way the chunks inflate and the
// viewer rebuilds the page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver, openViewer } from "./support/viewer.mjs";
import { acceptAndConnect, openVisitor, settle } from "./support/visitor.mjs";

let browser;
let server;

const rows = Array.from({ length: 2_500 }, (_, i) => `<p class="row">Row ${i} of a page large enough to be sent in compressed chunks.</p>`).join("");
const PAGE = `<!DOCTYPE html><html><head><title>Chunked</title></head><body><h1>Chunked</h1>${rows}<p id="bottom">BOTTOM-OF-PAGE</p></body></html>`;

before(async () => {
  browser = await launchBrowser();
  server = await startServer({
    handle: (req, res, url) => {
      if (!url.pathname.startsWith("/fixtures/chunked-")) return false;
      const headers = { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" };
      if (url.pathname.endsWith("-strict.html")) headers["Content-Security-Policy"] = "worker-src 'none'";
      res.writeHead(200, headers);
      res.end(PAGE);
      return true;
    },
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Counts, in the page, workers made and CompressionStreams made on the page's own thread. */
const COUNT = `(() => {
  window.__workers = 0;
  window.__mainCompressions = 0;
  const W = window.Worker;
  window.Worker = class extends W { constructor(...args) { super(...args); window.__workers += 1; } };
  const C = window.CompressionStream;
  window.CompressionStream = class extends C { constructor(...args) { super(...args); window.__mainCompressions += 1; } };
})();`;

async function snapshotThrough(fixture) {
  server.reset();
  const visitor = await openVisitor(browser, server, fixture);
  await visitor.page.evaluate(COUNT);
  const viewer = await openViewer(browser, server);
  try {
    await acceptAndConnect(visitor.page);
    await visitor.page.waitForFunction(
      () => window.__sockets[0].sent.some((f) => f.startsWith('{"t":"snapshot.chunk"') && f.slice(0, 200).includes('"last":true')),
      null,
      { timeout: 20_000 },
    );
    await settle(visitor.page);
    const frames = await visitor.page.evaluate(() => window.__takeSent());
    const chunks = frames.filter((f) => f.t === "snapshot.chunk");
    assert.ok(chunks.length >= 1 && chunks.every((c) => c.enc === "deflate-raw"), "compressed chunks");
    await deliver(viewer.page, frames);
    await viewer.page.waitForFunction(
      () => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument?.getElementById("bottom")?.textContent === "BOTTOM-OF-PAGE",
      null,
      { timeout: 20_000 },
    );
    const counts = await visitor.page.evaluate(() => ({ workers: window.__workers, main: window.__mainCompressions }));
    return { counts, chunks: chunks.length, problems: visitor.problems };
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
}

test("snapshot chunks are compressed in a worker, not on the page's thread", async () => {
  const { counts, chunks, problems } = await snapshotThrough("chunked-open.html");
  assert.ok(chunks >= 2, `${chunks} chunks`);
  assert.equal(counts.workers, 1, "one worker");
  // The one CompressionStream on the page's thread is the tag's check that deflate-raw exists.
  assert.equal(counts.main, 1, `no compression on the page's thread (${chunks} chunks)`);
  assert.deepEqual(problems.errors, []);
});

test("where the page's CSP forbids the worker, chunks are compressed on the page's thread", async () => {
  const { counts, chunks, problems } = await snapshotThrough("chunked-strict.html");
  assert.ok(chunks >= 2, `${chunks} chunks`);
  assert.equal(counts.main, chunks + 1, `every chunk compressed on the page's thread (${counts.main} for ${chunks} chunks)`);
  assert.deepEqual(problems.errors, []);
});
