// The mirroring engine at scale: sliced snapshots, viewport first, compressed chunks, resync.
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

/** A normalised outline of a document's body: structure, ids, classes, text and field state. */
function outline(doc) {
  const lines = [];
  const walk = (node, depth) => {
    if (node.nodeType === 1) {
      const tag = node.localName;
      if (tag === "script" || tag === "tandem-ui" || node.id === "deep-form") return;
      const attrs = ["id", "class"].filter((a) => node.hasAttribute(a)).map((a) => ` ${a}=${node.getAttribute(a)}`).join("");
      const state = tag === "input" ? ` value=${node.value}` : "";
      lines.push(`${depth}<${tag}${attrs}${state}>`);
      if (node.shadowRoot) {
        lines.push(`${depth}#shadow`);
        for (const child of node.shadowRoot.childNodes) walk(child, depth + 1);
      }
      for (const child of node.childNodes) walk(child, depth + 1);
    } else if (node.nodeType === 3) {
      const text = node.data.replace(/\s+/g, " ").trim();
      if (text !== "") lines.push(`${depth}${text}`);
    }
  };
  walk(doc.body, 0);
  return lines.join("\n");
}
const OUTLINE = `(${outline.toString()})`;

const visitorOutline = (page) => page.evaluate((fn) => (0, eval)(fn)(document), OUTLINE);
const viewerOutline = (page) =>
  page.evaluate((fn) => (0, eval)(fn)(document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument), OUTLINE);

/** Waits until the tag has sent the last chunk of a snapshot. */
async function waitForLastChunk(page) {
  await page.waitForFunction(
    () => window.__sockets[0].sent.some((f) => f.startsWith('{"t":"snapshot.chunk"') && f.slice(0, 200).includes('"last":true')),
    null,
    { timeout: 30_000 },
  );
}

async function waitAssembled(viewer) {
  // The viewer inflates asynchronously; the bottom's text is the last thing to arrive.
  await viewer.waitForFunction(
    () => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument?.getElementById("bottom-marker")?.textContent === "BOTTOM-MARKER",
    null,
    { timeout: 30_000 },
  );
  await settle(viewer);
}

test("a large page: sliced, viewport first, compressed chunks, rebuilt whole, masked", async (t) => {
  server.reset();
  const visitor = await openVisitor(browser, server, "big.html");
  const viewer = await openViewer(browser, server);
  try {
    await visitor.page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask" });
    });
    await acceptAndConnect(visitor.page);
    await waitForLastChunk(visitor.page);
    await settle(visitor.page);
    const frames = await visitor.page.evaluate(() => window.__takeSent());
    const chunks = frames.filter((f) => f.t === "snapshot.chunk");
    assert.equal(frames.filter((f) => f.t === "snapshot").length, 0, "no text snapshot for a large page");
    assert.ok(chunks.length >= 2, `${chunks.length} chunks`);
    // Numbered 0..n in order, consecutive seq, only the last marked last, each frame well under 1 MiB.
    chunks.forEach((c, i) => {
      assert.equal(c.part, i);
      assert.equal(c.last, i === chunks.length - 1);
      assert.equal(c.enc, "deflate-raw");
      assert.equal(typeof c.snapshotId, "string");
      assert.ok(c.__bytes <= 256 * 1024 + 1024, `part ${i} is ${c.__bytes} bytes`);
      if (i > 0) assert.equal(c.seq, chunks[i - 1].seq + 1);
    });
    const decoded = await visitor.page.evaluate((list) => window.__decodeFrames(list), chunks);
    const text = decoded.map((c) => c.__text).join("");
    const wire = chunks.reduce((n, c) => n + c.__bytes, 0);
    t.diagnostic(`snapshot: ${text.length} chars of JSON, ${wire} bytes on the wire in ${chunks.length} frames`);
    assert.ok(wire < text.length * 0.3, "compressed to under 30% of the JSON");

    // Viewport first: the first record (the first frame's payload) has the top, not the bottom.
    const first = JSON.parse(decoded[0].__text.split("\n")[0]);
    assert.equal(first.t, "snapshot");
    const firstText = JSON.stringify(first);
    assert.ok(firstText.includes("ABOVE-FOLD-MARKER"));
    assert.ok(!firstText.includes("BOTTOM-MARKER"));
    assert.ok(!firstText.includes("Section 1400"));
    assert.ok(text.includes("BOTTOM-MARKER") && text.includes("Section 1499"));

    // Sliced: the tag yielded to the page several times while it walked the DOM.
    const slices = await visitor.page.evaluate(() => performance.getEntriesByName("tandem:snapshot-slice").map((e) => e.duration));
    const longTasks = await visitor.page.evaluate(() => window.__longTasks);
    t.diagnostic(`${slices.length} slices, longest ${Math.max(...slices).toFixed(1)} ms, all ${slices.reduce((a, b) => a + b, 0).toFixed(0)} ms; long tasks in the page during the test (ms, the harness's included): ${JSON.stringify(longTasks.map(Math.round))}`);
    assert.ok(slices.length >= 4, `${slices.length} slices`);

    // Masked values stay masked on the chunked path too.
    for (const canary of ["CANARY-BIG-SECRET", "CANARY-BIG-MASKED"]) {
      assert.ok(!text.includes(canary), `${canary} leaked`);
    }

    // The viewer reassembles, inflates and rebuilds the whole page.
    await deliver(viewer.page, frames);
    await waitAssembled(viewer.page);
    assert.equal(await viewer.page.evaluate(() => document.getElementById("viewer").status), "live");
    {
      const a = (await viewerOutline(viewer.page)).split("\n");
      const b = (await visitorOutline(visitor.page)).split("\n");
      const i = a.findIndex((line, k) => line !== b[k]);
      if (i >= 0) t.diagnostic(`first difference at ${i}: ${JSON.stringify(a.slice(i - 3, i + 5))} vs ${JSON.stringify(b.slice(i - 3, i + 5))}`);
    }
    assert.equal(await viewerOutline(viewer.page), await visitorOutline(visitor.page));

    // Changes after the snapshot apply on top of it.
    await visitor.page.evaluate(() => {
      document.getElementById("sec-1499").remove();
      document.getElementById("sec-3").querySelector("h2").textContent = "Changed heading";
      document.getElementById("rows").prepend(document.getElementById("sec-700"));
    });
    await settle(visitor.page);
    await deliver(viewer.page, await visitor.page.evaluate(() => window.__takeSent()));
    await settle(viewer.page);
    assert.equal(await viewerOutline(viewer.page), await visitorOutline(visitor.page));
    const sent = await viewer.page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f).t));
    assert.ok(!sent.includes("resync"), "no resync was needed");
    assert.deepEqual(viewer.problems.errors, []);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("the page changing while a snapshot is being written still rebuilds exactly", async () => {
  server.reset();
  const visitor = await openVisitor(browser, server, "big.html");
  const viewer = await openViewer(browser, server);
  try {
    await acceptAndConnect(visitor.page);
    await waitForLastChunk(visitor.page);
    await visitor.page.evaluate(() => window.__takeSent());
    // A resync, and the page keeps changing between the snapshot's slices.
    await visitor.page.evaluate(() => {
      window.__sockets[0].deliver({ t: "resync" });
      let n = 0;
      const rows = document.getElementById("rows");
      const tick = () => {
        n += 1;
        const fresh = document.createElement("section");
        fresh.id = `fresh-${n}`;
        fresh.innerHTML = `<h2>Fresh ${n}</h2>`;
        rows.insertBefore(fresh, rows.children[(n * 137) % rows.children.length]);
        rows.append(document.getElementById(`sec-${n * 50}`));
        document.getElementById(`sec-${n * 30 + 1}`)?.remove();
        const h = document.querySelector(`#sec-${n * 40 + 2} h2`);
        if (h) h.textContent = `Edited ${n}`;
        document.getElementById(`sec-${n * 45 + 3}`)?.setAttribute("class", `sec edited-${n}`);
        if (n < 25) setTimeout(tick, 2);
      };
      setTimeout(tick, 0);
    });
    await waitForLastChunk(visitor.page);
    await visitor.page.waitForFunction(() => document.getElementById("fresh-25") !== null);
    await settle(visitor.page);
    await settle(visitor.page);
    const frames = await visitor.page.evaluate(() => window.__takeSent());
    assert.ok(frames.some((f) => f.t === "mutations"), "changes followed the snapshot");
    await deliver(viewer.page, frames);
    await waitAssembled(viewer.page);
    assert.equal(await viewerOutline(viewer.page), await visitorOutline(visitor.page));
    const sent = await viewer.page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f).t));
    assert.ok(!sent.includes("resync"), "no resync was needed");
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

const SMALL_DOC = (id, text) => ({
  id: 1,
  type: 9,
  children: [
    { id: 2, type: 10, name: "html" },
    { id: 3, type: 1, tag: "html", attrs: {}, children: [
      { id: 4, type: 1, tag: "head", attrs: {}, children: [] },
      { id: 5, type: 1, tag: "body", attrs: {}, children: [{ id: 6, type: 1, tag: "p", attrs: { id }, children: [{ id: 7, type: 3, text }] }] },
    ] },
  ],
});

const snapshot = (seq, snapshotId, text) => ({
  t: "snapshot", seq, snapshotId, url: "http://127.0.0.1/page", title: "t",
  viewport: { w: 800, h: 600 }, scroll: { x: 0, y: 0 }, root: SMALL_DOC("p", text),
});
const textChange = (seq, snapshotId, value) => ({ t: "mutations", seq, snapshotId, adds: [], removes: [], attrs: [], texts: [{ id: 7, value }] });

async function viewerText(page) {
  return page.evaluate(() => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument.getElementById("p")?.textContent);
}

test("a gap in seq stops the view until a fresh snapshot; stale snapshot ids are dropped", async () => {
  server.reset();
  const viewer = await openViewer(browser, server);
  try {
    await deliver(viewer.page, [snapshot(1, 1, "one"), textChange(2, 1, "two")]);
    assert.equal(await viewerText(viewer.page), "two");
    // seq 3 was lost: seq 4 is not applied, and a resync goes out.
    await deliver(viewer.page, [textChange(4, 1, "four")]);
    assert.equal(await viewerText(viewer.page), "two");
    let sent = await viewer.page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f).t));
    assert.ok(sent.includes("resync"));
    await deliver(viewer.page, [textChange(5, 1, "five")]);
    assert.equal(await viewerText(viewer.page), "two", "nothing applies until the next snapshot");
    // The fresh snapshot; a late change of the old snapshot is dropped, the new one applies.
    await deliver(viewer.page, [snapshot(6, 2, "fresh"), textChange(7, 1, "stale"), textChange(8, 2, "new")]);
    assert.equal(await viewerText(viewer.page), "new");
    // A chunk stream cut short by a newer one: the newer wins; a forged part is ignored.
    sent = await viewer.page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f).t));
    assert.equal(sent.filter((t) => t === "resync").length, 1);
    assert.deepEqual(viewer.problems.errors, []);
  } finally {
    await viewer.context.close();
  }
});
