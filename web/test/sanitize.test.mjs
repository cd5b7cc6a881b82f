// Sanitising: hostile snapshots and mutations fed straight to the viewer run no script, open no
// dialog, navigate nowhere, and leave nothing dangerous in the rebuilt page.
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

function builder() {
  let next = 0;
  const ids = {};
  const id = (name) => {
    next += 1;
    if (name) ids[name] = next;
    return next;
  };
  const el = (tag, attrs = {}, children = [], ns = undefined, name = undefined) => ({
    id: id(name),
    type: 1,
    tag,
    attrs,
    children,
    ...(ns ? { ns } : {}),
  });
  const text = (value, name) => ({ id: id(name), type: 3, text: value });
  return { el, text, id, ids };
}

const PWN = (tag) => `parent.__pwned=${JSON.stringify(tag)};top.__pwned=${JSON.stringify(tag)};alert(1)`;

function hostileSnapshot(origin, other) {
  const b = builder();
  const { el, text } = b;
  const svg = (tag, attrs, children = [], name) => el(tag, attrs, children, "svg", name);
  const root = {
    id: b.id("doc"),
    type: 9,
    children: [
      { id: b.id(), type: 10, name: "html" },
      el("html", {}, [
        el("head", {}, [
          el("base", { href: "http://evil.invalid/" }),
          el("meta", { "http-equiv": "refresh", content: `0;url=${origin}/navigated-meta` }),
          el("meta", { "HTTP-EQUIV": "Content-Security-Policy", content: "script-src *" }),
          el("script", {}, [text(PWN("head-script"))]),
          el("link", { rel: "stylesheet", href: `${other}/evil.css` }),
          el("link", { rel: "preload", as: "script", href: `${origin}/preload.js` }),
          el("style", {}, [text(`@import "${other}/import.css"; body { background: url("${other}/css-bg.png") }`, "styleText")]),
        ], undefined, "head"),
        el("body", { onload: PWN("body-onload") }, [
          el("img", { src: "nope.png", onerror: PWN("img-onerror") }),
          el("img", { src: `${other}/tracker.png` }),
          el("img", { src: "/fixtures/same-origin.png", id: "same" }),
          el("a", { href: `javascript:${PWN("href")}`, id: "jslink", target: "_top" }, [text("js link")]),
          el("a", { href: ` JaVa\tScRiPt:${PWN("href2")}`, id: "jslink2" }, [text("obfuscated")]),
          el("a", { href: `${origin}/navigated-link`, id: "link", target: "_top" }, [text("nav link")], undefined, "link"),
          el("a", { href: `data:text/html,<script>${PWN("data")}</script>`, id: "datalink" }, [text("data link")]),
          el("iframe", { srcdoc: `<script>${PWN("srcdoc")}</script>`, src: `javascript:${PWN("iframe-src")}`, width: "300", height: "100" }),
          el("frame", { src: `${origin}/navigated-frame` }),
          el("form", { action: `${origin}/navigated-form`, method: "post", id: "form" }, [
            el("input", { name: "q", value: "x", formaction: `javascript:${PWN("formaction")}` }),
            el("button", { type: "submit", id: "submit", formaction: `${origin}/navigated-formaction` }, [text("go")]),
          ]),
          el("object", { data: `data:text/html,<script>${PWN("object")}</script>` }, [el("param", { name: "x" })]),
          el("embed", { src: `data:text/html,<script>${PWN("embed")}</script>` }),
          el("applet", { code: "Evil.class" }),
          svg("svg", { onload: PWN("svg-onload"), width: "50", height: "50" }, [
            svg("script", {}, [text(PWN("svg-script"))]),
            svg("a", { "xlink:href": `javascript:${PWN("svg-a")}`, id: "svglink" }, [svg("text", { x: "5", y: "20" }, [text("svg link")])]),
            svg("set", { attributeName: "onmouseover", to: PWN("set") }),
            svg("animate", { attributeName: "href", values: `javascript:${PWN("animate")}` }),
            svg("image", { href: `data:text/html,<script>${PWN("svg-image")}</script>` }),
            svg("foreignObject", {}, [el("iframe", { srcdoc: `<script>${PWN("fo")}</script>` })]),
          ]),
          el("div", { style: `background-image: url('javascript:${PWN("css")}'); width: 10px`, id: "styled" }),
          el("img", { srcset: `javascript:alert(1) 1x, ${other}/srcset.png 2x` }),
          el("math", {}, [el("mi", { href: `javascript:${PWN("math")}` }, [text("x")], "math")], "math"),
          el("p", { id: "plain" }, [text("Plain text survives", "plainText")], undefined, "plain"),
          el("SCRIPT", {}, [text(PWN("upper-script"))]),
          el("noscript", {}, [text(`<img src=x onerror="${PWN("noscript")}">`)]),
          el("input", { autofocus: "", onfocus: PWN("focus") }),
          el("details", { open: "", ontoggle: PWN("toggle") }, [text("details")]),
          el("video", { poster: `javascript:${PWN("poster")}`, src: `${other}/video.mp4` }),
          el("table", { background: `javascript:${PWN("background")}` }),
        ], undefined, "body"),
      ]),
    ],
  };
  return {
    ids: b.ids,
    nextId: () => b.id(),
    frame: {
      t: "snapshot",
      seq: 1,
      snapshotId: 1,
      url: `${origin}/fixtures/hostile-page.html`,
      title: "Hostile",
      viewport: { w: 1000, h: 700 },
      scroll: { x: 0, y: 0 },
      root,
    },
  };
}

function hostileMutations(ids, nextId, origin, other) {
  const node = (tag, attrs = {}, children = [], ns) => ({ id: nextId(), type: 1, tag, attrs, children, ...(ns ? { ns } : {}) });
  const metaId = nextId();
  return {
    t: "mutations",
    seq: 2,
    snapshotId: 1,
    removes: [],
    adds: [
      { parentId: ids.body, nextId: null, node: node("script", {}, [{ id: nextId(), type: 3, text: PWN("added-script") }]) },
      { parentId: ids.body, nextId: ids.plain, node: node("iframe", { srcdoc: `<script>${PWN("added-srcdoc")}</script>` }) },
      { parentId: ids.head, nextId: null, node: node("meta", { "http-equiv": "refresh", content: `0;url=${origin}/navigated-added-meta` }) },
      { parentId: ids.head, nextId: null, node: { id: metaId, type: 1, tag: "meta", attrs: { name: "x" }, children: [] } },
      { parentId: ids.head, nextId: null, node: node("base", { href: "http://evil.invalid/" }) },
      { parentId: ids.body, nextId: null, node: node("img", { src: "x.png", onerror: PWN("added-onerror") }) },
      { parentId: ids.body, nextId: null, node: node("svg", {}, [node("script", {}, [], "svg")], "svg") },
      { parentId: ids.body, nextId: null, node: node("a", { href: `vbscript:msgbox(1)`, id: "vblink" }, [], undefined) },
    ],
    attrs: [
      { id: ids.plain, name: "onclick", value: PWN("attr-onclick") },
      { id: ids.plain, name: "ONMOUSEOVER", value: PWN("attr-onmouseover") },
      { id: ids.link, name: "href", value: `javascript:${PWN("attr-href")}` },
      { id: metaId, name: "http-equiv", value: "refresh" },
      { id: metaId, name: "content", value: `0;url=${origin}/navigated-attr-meta` },
      { id: ids.plain, name: "style", value: `background: url(${other}/attr-bg.png)` },
      { id: ids.plain, name: "srcdoc", value: "<script>1</script>" },
    ],
    texts: [{ id: ids.styleText, value: `body { background: url("${other}/text-bg.png") } @import url('javascript:${PWN("css-text")}');` }],
  };
}

test("hostile snapshots and mutations run nothing and navigate nowhere", async () => {
  server.reset();
  const { page, problems, context } = await openViewer(browser, server);
  try {
    const viewerUrl = page.url();
    const hostile = hostileSnapshot(server.origin, server.otherOrigin);
    await deliver(page, [hostile.frame]);
    assert.equal(await page.evaluate(() => document.getElementById("viewer").status), "live");
    const frameUrl = await page.evaluate(() => {
      const iframe = document.getElementById("viewer").shadowRoot.querySelector("iframe");
      window.__builtDoc = iframe.contentDocument;
      return iframe.contentWindow.location.href;
    });
    await deliver(page, [hostileMutations(hostile.ids, hostile.nextId, server.origin, server.otherOrigin)]);

    // Give anything that could fire (events, refreshes, loads) time to, and poke at the links.
    await page.evaluate(() => {
      const doc = document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument;
      for (const selector of ["#jslink", "#jslink2", "#link", "#datalink", "#vblink", "#submit"]) {
        doc.querySelector(selector)?.click();
      }
      doc.querySelector("#svglink")?.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      doc.querySelector("#plain")?.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      doc.querySelector("#plain")?.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
    });
    await page.waitForTimeout(1500);

    const report = await page.evaluate(() => {
      const iframe = document.getElementById("viewer").shadowRoot.querySelector("iframe");
      const doc = iframe.contentDocument;
      const all = Array.from(doc.querySelectorAll("*"));
      const badAttributes = [];
      for (const el of all) {
        for (const attr of Array.from(el.attributes)) {
          const name = attr.name.toLowerCase();
          const value = attr.value.replace(/[\s\u0000-\u001f]/g, "").toLowerCase();
          if (
            name.startsWith("on") ||
            ["srcdoc", "action", "formaction", "target", "autofocus"].includes(name) ||
            (name === "href" && el.localName === "a") ||
            /javascript:|vbscript:|data:text/.test(value) ||
            (name === "http-equiv" && el !== doc.head.firstElementChild)
          ) {
            badAttributes.push(`${el.localName}[${attr.name}=${attr.value}]`);
          }
        }
      }
      return {
        pwnedTop: window.__pwned ?? null,
        pwnedFrame: iframe.contentWindow.__pwned ?? null,
        sameDocument: window.__builtDoc === doc,
        frameUrl: iframe.contentWindow.location.href,
        sandbox: iframe.getAttribute("sandbox"),
        badElements: all
          .map((el) => el.localName.toLowerCase())
          .filter((tag) => ["script", "noscript", "object", "embed", "applet", "param", "iframe", "frame", "base", "set", "animate"].includes(tag)),
        badAttributes,
        metas: Array.from(doc.querySelectorAll("meta[http-equiv]")).map((m) => m.getAttribute("http-equiv")),
        firstInHead: doc.head.firstElementChild?.outerHTML ?? "",
        plain: doc.getElementById("plain")?.textContent,
        placeholders: doc.querySelectorAll("[data-tandem-placeholder]").length,
        linkData: doc.getElementById("link")?.getAttribute("data-tandem-href"),
      };
    });

    assert.equal(report.pwnedTop, null, "no hostile script ran in the viewer's page");
    assert.equal(report.pwnedFrame, null, "no hostile script ran in the view");
    assert.deepEqual(problems.dialogs, [], "no dialog opened");
    assert.equal(page.url(), viewerUrl, "the viewer's page did not navigate");
    assert.equal(report.sameDocument, true, "the view did not navigate");
    assert.equal(report.frameUrl, frameUrl);
    assert.equal(report.sandbox, "allow-same-origin");
    assert.deepEqual(report.badElements, []);
    assert.deepEqual(report.badAttributes, []);
    assert.deepEqual(report.metas, ["Content-Security-Policy"]);
    assert.match(report.firstInHead, /http-equiv="Content-Security-Policy"/);
    assert.match(report.firstInHead, /script-src 'none'/);
    assert.match(report.firstInHead, new RegExp(`img-src ${server.origin} data:`));
    assert.equal(report.plain, "Plain text survives");
    assert.equal(report.placeholders, 4, "frames become placeholder boxes");
    assert.equal(report.linkData, null, "an unsafe link target is not even kept as data");

    const paths = server.requests.map((r) => `${r.headers.host}${r.path}`);
    assert.ok(!paths.some((p) => p.includes("/navigated")), `navigation requests: ${paths.join(", ")}`);
    assert.ok(!paths.some((p) => p.startsWith("localhost:")), `requests to another origin: ${paths.join(", ")}`);
    assert.ok(paths.some((p) => p.endsWith("/fixtures/same-origin.png")), "same-origin images still load");

    assert.deepEqual(problems.errors, [], "nothing was thrown");
    // The browser reports the resources the policy refused and the form submit the sandbox blocked
    // (both walls working); any other console error would be the viewer's.
    const consoleErrors = problems.console.filter((m) => !/Content Security Policy|Refused to|Blocked form submission/.test(m));
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test("a mutation that does not fit asks for a resync and nothing more is applied until then", async () => {
  server.reset();
  const { page, problems, context } = await openViewer(browser, server);
  try {
    const hostile = hostileSnapshot(server.origin, server.otherOrigin);
    await deliver(page, [hostile.frame]);
    const plainText = hostile.ids.plainText;
    await deliver(page, [
      "not json at all",
      { t: "mutations", seq: 2, snapshotId: 1, adds: [], removes: [999999], attrs: [], texts: [] },
      { t: "mutations", seq: 3, snapshotId: 1, adds: [], removes: [], attrs: [], texts: [{ id: plainText, value: "changed" }] },
      { t: "mutations", seq: 4, snapshotId: 1, adds: "nope" },
      { t: "input", seq: 5, id: "x" },
      { t: "snapshot", seq: 6, snapshotId: 2, root: null },
    ]);
    const sent = await page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f)));
    assert.ok(sent.some((f) => f.t === "resync"), "the viewer asked for a fresh snapshot");
    const text = await page.evaluate(
      () => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument.getElementById("plain")?.textContent ?? null,
    );
    assert.notEqual(text, "changed", "changes after a failed one wait for the snapshot");

    // A good snapshot brings it back in step.
    const fresh = hostileSnapshot(server.origin, server.otherOrigin);
    fresh.frame.snapshotId = 3;
    await deliver(page, [fresh.frame]);
    await deliver(page, [
      // The next seq after the snapshot's: a gap would (rightly) wait for yet another snapshot.
      { t: "mutations", seq: fresh.frame.seq + 1, snapshotId: 3, adds: [], removes: [], attrs: [], texts: [{ id: fresh.ids.plainText, value: "changed" }] },
    ]);
    const after = await page.evaluate(
      () => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument.getElementById("plain").textContent,
    );
    assert.equal(after, "changed");
    assert.deepEqual(problems.errors, []);
    const consoleErrors = problems.console.filter((m) => !/Content Security Policy|Refused to/.test(m));
    assert.deepEqual(consoleErrors, []);
  } finally {
    await context.close();
  }
});

test("ended from the gateway ends the view with its reason", async () => {
  server.reset();
  const { page, context } = await openViewer(browser, server);
  try {
    await deliver(page, [{ t: "ended", reason: "visitor-ended" }]);
    const statuses = await page.evaluate(() => window.__statuses);
    assert.deepEqual(statuses.at(-1), { status: "ended", reason: "visitor-ended" });
    assert.deepEqual(await page.evaluate(() => window.__sockets[0].closedWith), { code: 1000, reason: "" });
  } finally {
    await context.close();
  }
});
