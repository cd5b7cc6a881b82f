// Resources of the rebuilt page: a forged page that names another host in every way a page can
// load something (stylesheets, @import, url() in styles, fonts, images, srcset, posters, image
// inputs, SVG images, CSSOM and adopted sheets, shadow roots, snapshot parts, mutations) makes the
// agent's browser request nothing from that host, not even a request the CSP would refuse; the
// same resources from the allowed origin still load.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver, openViewer } from "./support/viewer.mjs";

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

/** Names of the resources each page offers, from both hosts: the snapshot's, then the mutations'. */
const IN_SNAPSHOT = [
  "link.css",
  "import.css",
  "esc-import.css",
  "font.woff2",
  "style-bg.png",
  "escaped.png",
  "upper.png",
  "set.png",
  "commented.png",
  "inline.png",
  "img.png",
  "srcset.png",
  "poster.png",
  "input.png",
  "svg-image.png",
  "cssom.png",
  "adopted.png",
  "shadow.png",
  "part.png",
];
const IN_MUTATIONS = [
  "added.png",
  "added-import.css",
  "attr.png",
  "attr-style.png",
  "text.png",
  "sheets.png",
  "adopted-later.png",
];

function page(origin, foreignOrigin) {
  let next = 0;
  const ids = {};
  const id = (name) => {
    next += 1;
    if (name) ids[name] = next;
    return next;
  };
  const el = (tag, attrs = {}, children = [], extra = {}) => ({ id: id(extra.name), type: 1, tag, attrs, children, ...extra.fields });
  const text = (value, name) => ({ id: id(name), type: 3, text: value });
  // Every resource twice: from the allowed origin (path /allowed/...) and from the other host.
  const both = (fn) => [fn(`${origin}/allowed`, "a"), fn(`${foreignOrigin}/foreign`, "f")];
  const box = (cls) => el("div", { class: cls, style: "width:20px;height:20px" });
  const styleText = (u, k) => [
    `@import "${u}/import.css";`,
    `@\\69mport url(${u}/esc-import.css);`,
    `@font-face { font-family: font-${k}; src: url("${u}/font.woff2") format("woff2"); }`,
    `.bg-${k} { background: url(${u}/style-bg.png); }`,
    `.esc-${k} { background-image: u\\72l(${u}/escaped.png); }`,
    `.upper-${k} { background-image: URL(  '${u}/upper.png'  ); }`,
    `.set-${k} { background-image: image-set("${u}/set.png" 1x); }`,
    `.comment-${k} { background-image: url( "${u}/commented.png" /* a comment */ ); }`,
  ].join("\n");
  const root = {
    id: id("doc"),
    type: 9,
    adopted: [`.adopted-a { background: url(${origin}/allowed/adopted.png) } .adopted-f { background: url(${foreignOrigin}/foreign/adopted.png) }`],
    children: [
      { id: id(), type: 10, name: "html" },
      el("html", {}, [
        el("head", {}, [
          ...both((u) => el("link", { rel: "stylesheet", href: `${u}/link.css` })),
          ...both((u, k) => el("style", {}, [text(styleText(u, k), k === "a" ? "styleA" : "styleF")])),
          el("style", {}, [text(" ", "textLater")]),
          el("style", {}, [], {
            name: "cssom",
            fields: { css: `.cssom-a { background: url(${origin}/allowed/cssom.png) } .cssom-f { background: url(${foreignOrigin}/foreign/cssom.png) }` },
          }),
        ], { name: "head" }),
        el("body", {}, [
          ...["a", "f"].flatMap((k) => [
            box(`bg-${k}`), box(`esc-${k}`), box(`upper-${k}`), box(`set-${k}`), box(`comment-${k}`),
            box(`cssom-${k}`), box(`adopted-${k}`), box(`text-${k}`), box(`sheets-${k}`), box(`later-${k}`),
            el("p", { style: `font-family: font-${k}` }, [text("Font")]),
          ]),
          ...both((u, k) => el("div", { style: `width:20px;height:20px;background:url('${u}/inline.png')` }, [], { name: `inline-${k}` })),
          ...both((u, k) => el("img", { src: `${u}/img.png`, width: "5", height: "5" }, [], { name: `img-${k}` })),
          ...both((u) => el("img", { srcset: `${u}/srcset.png 1x`, width: "5", height: "5" })),
          ...both((u, k) => el("video", { poster: `${u}/poster.png`, width: "20", height: "20" }, [], { name: `video-${k}` })),
          ...both((u) => el("input", { type: "image", src: `${u}/input.png`, alt: "go" })),
          el("svg", { width: "20", height: "20" }, both((u) => el("image", { href: `${u}/svg-image.png`, width: "5", height: "5" }, [], { fields: { ns: "svg" } })), {
            fields: { ns: "svg" },
          }),
          el("div", {}, [
            { id: id(), type: 11, children: both((u) => el("img", { src: `${u}/shadow.png`, width: "5", height: "5" })) },
          ]),
          el("div", {}, [], { name: "later" }),
        ], { name: "body" }),
      ]),
    ],
  };
  return { root, ids, id, el, text, both };
}

/** A binary `snapshot.chunk` frame as the fake socket takes it (identity-encoded NDJSON). */
function chunk(header, records) {
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const payload = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(""), "utf8");
  const frame = Buffer.concat([Buffer.from([head.length >> 8, head.length & 0xff]), head, payload]);
  return { ...header, __binary: frame.toString("base64") };
}

function hostileFrames(origin, foreignOrigin) {
  const p = page(origin, foreignOrigin);
  const { ids, id, el, text, both } = p;
  const snapshot = {
    t: "snapshot",
    snapshotId: 1,
    url: `${origin}/fixtures/forged.html`,
    title: "Forged",
    viewport: { w: 1000, h: 700 },
    scroll: { x: 0, y: 0 },
    root: p.root,
  };
  const part = { t: "snapshot.part", appends: [{ id: ids.later, nodes: both((u) => el("img", { src: `${u}/part.png`, width: "5", height: "5" })) }] };
  const header = (seq, n, last) => ({ t: "snapshot.chunk", snapshotId: "1", seq, part: n, last, enc: "identity" });
  const mutations = {
    t: "mutations",
    seq: 3,
    snapshotId: 1,
    removes: [],
    adds: [
      ...both((u) => ({ parentId: ids.body, nextId: null, node: el("img", { src: `${u}/added.png`, width: "5", height: "5" }) })),
      ...both((u) => ({ parentId: ids.head, nextId: null, node: el("style", {}, [text(`@import '${u}/added-import.css';`)]) })),
    ],
    attrs: [
      { id: ids["img-a"], name: "src", value: `${origin}/allowed/attr.png` },
      { id: ids["img-f"], name: "src", value: `${foreignOrigin}/foreign/attr.png` },
      { id: ids["inline-a"], name: "style", value: `width:20px;height:20px;background:url(${origin}/allowed/attr-style.png)` },
      { id: ids["inline-f"], name: "style", value: `width:20px;height:20px;background:url(${foreignOrigin}/foreign/attr-style.png)` },
      { id: ids["video-f"], name: "poster", value: `${foreignOrigin}/foreign/poster-later.png` },
    ],
    texts: [
      { id: ids.textLater, value: `.text-a { background: url(${origin}/allowed/text.png) } .text-f { background: url(${foreignOrigin}/foreign/text.png) }` },
    ],
    sheets: [{ id: ids.cssom, css: `.sheets-a { background: url(${origin}/allowed/sheets.png) } .sheets-f { background: url(${foreignOrigin}/foreign/sheets.png) }` }],
    adopted: [{ id: ids.doc, sheets: [`.later-a { background: url(${origin}/allowed/adopted-later.png) } .later-f { background: url(${foreignOrigin}/foreign/adopted-later.png) }`] }],
  };
  void id;
  return { snapshot: [chunk(header(1, 0, false), [snapshot]), chunk(header(2, 1, true), [part])], mutations };
}

/** Everything the page asked of another host: requests, and loads the CSP refused (console). */
function watchForeign(pageHandle, foreignOrigin) {
  const seen = [];
  pageHandle.on("request", (request) => {
    if (request.url().startsWith(foreignOrigin)) seen.push(`request ${request.url()}`);
  });
  pageHandle.on("console", (message) => {
    if (message.text().includes(new URL(foreignOrigin).host)) seen.push(`console ${message.text()}`);
  });
  return seen;
}

async function allowedLoaded(names) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const paths = new Set(server.requests.filter((r) => r.path.startsWith("/allowed/")).map((r) => r.path.slice("/allowed/".length)));
    const missing = names.filter((n) => !paths.has(n));
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("a forged page gets the agent's browser to request nothing from another host; allowed resources load", async () => {
  server.reset();
  const { page: viewerPage, problems, context } = await openViewer(browser, server);
  const foreign = watchForeign(viewerPage, server.otherOrigin);
  try {
    const frames = hostileFrames(server.origin, server.otherOrigin);
    await deliver(viewerPage, frames.snapshot);
    await viewerPage.waitForFunction(() => document.getElementById("viewer").status === "live");
    assert.deepEqual(await allowedLoaded(IN_SNAPSHOT), [], "every resource of the allowed origin loads");
    await deliver(viewerPage, [frames.mutations]);
    assert.deepEqual(await allowedLoaded(IN_MUTATIONS), [], "and so does every one the changes bring");
    // The foreign copies sit next to the allowed ones in the same documents: had the browser been
    // asked for them, it would have been by now. One more round of rendering to be sure.
    await viewerPage.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200))));
    assert.deepEqual(foreign, [], "nothing was asked of the other host");
    assert.ok(!server.requests.some((r) => r.path.startsWith("/foreign/")), "no request reached the server by another name");
    const sent = await viewerPage.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f)));
    assert.ok(!sent.some((f) => f.t === "resync"), "the forged page applied without a resync");
    assert.deepEqual(problems.errors, []);
    // Missing files (the test server has none of them) are the only complaints: not even a CSP refusal.
    assert.deepEqual(problems.console.filter((m) => !/Failed to load resource|downloaded font|OTS parsing/.test(m)), []);
  } finally {
    await context.close();
  }
});

test("the site's allowed origins from connect() decide, not the address the visitor's page names", async () => {
  server.reset();
  // The second host plays a CDN the site allows; the junk entries are ignored.
  const allowedOrigins = [server.origin, server.otherOrigin, "javascript:alert(1)", `${server.origin}/path`, "null"];
  const { page: viewerPage, problems, context } = await openViewer(browser, server, { allowedOrigins });
  try {
    const frames = hostileFrames(server.origin, server.otherOrigin);
    await deliver(viewerPage, frames.snapshot);
    await viewerPage.waitForFunction(() => document.getElementById("viewer").status === "live");
    assert.deepEqual(await allowedLoaded(["img.png", "link.css"]), []);
    const deadline = Date.now() + 10_000;
    while (!server.requests.some((r) => r.path === "/foreign/img.png") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(server.requests.some((r) => r.path === "/foreign/img.png" && r.headers.host.startsWith("localhost:")), "the allowed CDN's image loads");
    const csp = await viewerPage.evaluate(
      () => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument.head.firstElementChild.getAttribute("content"),
    );
    assert.match(csp, new RegExp(`img-src ${server.origin} ${server.otherOrigin} data:`));
    assert.doesNotMatch(csp, /javascript|\/path|null/);
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }

  // Only the CDN allowed: the address the (forged) snapshot names gives its origin nothing.
  server.reset();
  const second = await openViewer(browser, server, { allowedOrigins: [server.otherOrigin] });
  try {
    await deliver(second.page, hostileFrames(server.origin, server.otherOrigin).snapshot);
    await second.page.waitForFunction(() => document.getElementById("viewer").status === "live");
    const deadline = Date.now() + 10_000;
    while (!server.requests.some((r) => r.path === "/foreign/img.png") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(server.requests.some((r) => r.path === "/foreign/img.png"));
    await second.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200))));
    assert.deepEqual(server.requests.filter((r) => r.path.startsWith("/allowed/")).map((r) => r.path), []);
  } finally {
    await second.context.close();
  }
});

test("without origins from connect(), the gateway's hello names them: a forged page address gives its origin nothing", async () => {
  server.reset();
  const { page: viewerPage, problems, context } = await openViewer(browser, server);
  try {
    // The gateway's hello carries the site's allowed origins from the site's config; the forged
    // snapshot names a page on server.origin, which the site does not allow.
    const hello = { t: "hello", role: "agent", sessionId: "s", mode: "VIEW_ONLY", peerConnected: false, origins: [server.otherOrigin, "javascript:x"] };
    await deliver(viewerPage, [JSON.stringify(hello)]);
    await deliver(viewerPage, hostileFrames(server.origin, server.otherOrigin).snapshot);
    await viewerPage.waitForFunction(() => document.getElementById("viewer").status === "live");
    const deadline = Date.now() + 10_000;
    while (!server.requests.some((r) => r.path === "/foreign/img.png") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(server.requests.some((r) => r.path === "/foreign/img.png"), "the site's own origin loads");
    await viewerPage.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200))));
    assert.deepEqual(server.requests.filter((r) => r.path.startsWith("/allowed/")).map((r) => r.path), [],
      "nothing from the origin only the forged address names");
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});
