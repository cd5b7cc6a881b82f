// Fidelity beyond plain DOM: shadow roots, same-origin frames, CSSOM and adopted sheets, the top
// layer, hover and focus, scroll containers, form state, URLs, legacy encodings. Each is checked in
// the agent's rebuilt DOM, and masking is checked on every one of these paths.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver, openViewer } from "./support/viewer.mjs";
import { PLACEHOLDER, acceptAndConnect, openVisitor, settle } from "./support/visitor.mjs";

let browser;
let server;
// "こんにちは、世界" in Shift_JIS: a page served in a legacy encoding.
const SJIS_TEXT = Buffer.from("82b182f182c982bf82cd814190a28a45", "hex");

before(async () => {
  browser = await launchBrowser();
  server = await startServer({
    handle: (req, res, url) => {
      if (url.pathname !== "/sjis.html") return false;
      res.writeHead(200, { "Content-Type": "text/html; charset=Shift_JIS" });
      res.end(Buffer.concat([Buffer.from('<!DOCTYPE html><html><head><title>sjis</title></head><body><p id="jp">'), SJIS_TEXT, Buffer.from("</p></body></html>")]));
      return true;
    },
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Everything the tag sent, binary payloads inflated, as one text to look for canaries in. */
async function sentText(page, frames) {
  const decoded = await page.evaluate((list) => window.__decodeFrames(list), frames);
  return decoded.map((f) => (f.__text ?? "") + JSON.stringify({ ...f, __binary: undefined })).join("\n");
}

async function pump(visitor, viewer, log) {
  await settle(visitor);
  const frames = await visitor.evaluate(() => window.__takeSent());
  log.push(...frames);
  await deliver(viewer, frames);
  await settle(viewer);
  return frames;
}

/** Runs `fn` on the rebuilt document inside the viewer. */
function inView(page, fn, arg) {
  return page.evaluate(
    ([source, value]) => (0, eval)(source)(document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument, value),
    [`(${fn.toString()})`, arg],
  );
}

test("shadow roots, frames, CSSOM, top layer, hover and focus, scrolling and form state reach the view", async () => {
  server.reset();
  const visitor = await openVisitor(browser, server, "fidelity.html");
  const viewer = await openViewer(browser, server);
  const log = [];
  try {
    await visitor.page.waitForFunction(() => document.getElementById("frame").contentDocument?.getElementById("inner-text") !== null);
    await visitor.page.evaluate(() => {
      const host = document.getElementById("host").attachShadow({ mode: "open" });
      host.innerHTML = '<style>p { margin: 0 }</style><p id="in-shadow">Shadow text</p><input id="shadow-secret" class="secret" value="CANARY-SHADOW-FIELD">';
      const shadowSheet = new CSSStyleSheet();
      shadowSheet.replaceSync("p { letter-spacing: 2px; }");
      host.adoptedStyleSheets = [shadowSheet];
      document.getElementById("masked-host").attachShadow({ mode: "open" }).innerHTML = "<span>CANARY-SHADOW-MASKED</span>";
      const sheet = document.getElementById("cssom-style").sheet;
      sheet.insertRule("#title { color: rgb(1, 2, 3); }");
      sheet.insertRule('input[value="CANARY-CSS-VALUE"] { color: red; }');
      const adopted = new CSSStyleSheet();
      adopted.replaceSync("h1 { letter-spacing: 3px; }");
      document.adoptedStyleSheets = [adopted];
      document.getElementById("scroller").scrollTop = 100;
      document.getElementById("choice").value = "c";
      document.getElementById("box").checked = true;
    });
    await acceptAndConnect(visitor.page);
    await pump(visitor.page, viewer.page, log);

    const first = await inView(viewer.page, (doc) => {
      const host = doc.getElementById("host");
      const frame = doc.getElementById("frame");
      const inner = frame?.contentDocument;
      const win = doc.defaultView;
      return {
        shadow: host.shadowRoot?.getElementById("in-shadow")?.textContent,
        shadowSpacing: win.getComputedStyle(host.shadowRoot.getElementById("in-shadow")).letterSpacing,
        shadowField: host.shadowRoot?.getElementById("shadow-secret")?.value,
        maskedShadow: doc.getElementById("masked-host").shadowRoot?.textContent,
        frameText: inner?.getElementById("inner-text")?.textContent,
        frameColor: inner && inner.defaultView.getComputedStyle(inner.getElementById("inner-text")).color,
        frameSecret: inner?.getElementById("inner-secret")?.value,
        frameSandbox: frame?.getAttribute("sandbox"),
        frameSrc: frame?.getAttribute("src"),
        titleColor: win.getComputedStyle(doc.getElementById("title")).color,
        titleSpacing: win.getComputedStyle(doc.getElementById("title")).letterSpacing,
        scrollTop: doc.getElementById("scroller").scrollTop,
        choice: doc.getElementById("choice").value,
        box: doc.getElementById("box").checked,
        pic: doc.getElementById("pic").getAttribute("src"),
      };
    });
    assert.deepEqual(first, {
      shadow: "Shadow text",
      shadowSpacing: "2px",
      shadowField: PLACEHOLDER,
      maskedShadow: PLACEHOLDER,
      frameText: "Inside the frame",
      frameColor: "rgb(0, 128, 0)",
      frameSecret: PLACEHOLDER,
      frameSandbox: "allow-same-origin",
      frameSrc: null,
      titleColor: "rgb(1, 2, 3)",
      titleSpacing: "3px",
      scrollTop: 100,
      choice: "c",
      box: true,
      pic: `${server.origin}/fixtures/pixel.png`,
    });

    // Changes on every path.
    await visitor.page.evaluate(() => {
      document.getElementById("cssom-style").sheet.insertRule("#hover-target { font-size: 40px; }");
      document.getElementById("host").shadowRoot.append(Object.assign(document.createElement("b"), { id: "added-in-shadow", textContent: "Added" }));
      document.getElementById("masked-host").shadowRoot.append(Object.assign(document.createElement("i"), { textContent: "CANARY-SHADOW-LATER" }));
      const late = document.createElement("iframe");
      late.id = "late-frame";
      late.src = "/fixtures/frame.html";
      document.getElementById("late-frame-holder").append(late);
      document.getElementById("modal").showModal();
      document.getElementById("scroller").scrollTop = 200;
      // A plain node moved into a masked area is masked from then on.
      const moved = document.getElementById("title");
      document.getElementById("masked-host").shadowRoot.append(moved);
      moved.textContent = "CANARY-MOVED-INTO-MASK";
    });
    await visitor.page.waitForFunction(() => document.getElementById("late-frame").contentDocument?.getElementById("inner-text") !== null);
    await visitor.page.evaluate(() => document.getElementById("late-frame").contentDocument.getElementById("inner-text").append(" and later"));
    await pump(visitor.page, viewer.page, log);
    await pump(visitor.page, viewer.page, log);

    const second = await inView(viewer.page, (doc) => {
      const late = doc.getElementById("late-frame")?.contentDocument;
      const masked = doc.getElementById("masked-host").shadowRoot;
      return {
        added: doc.getElementById("host").shadowRoot.getElementById("added-in-shadow")?.textContent,
        late: late?.getElementById("inner-text")?.textContent,
        modal: doc.getElementById("modal").matches(":modal"),
        scrollTop: doc.getElementById("scroller").scrollTop,
        moved: masked.getElementById("title")?.textContent,
        fontSize: doc.defaultView.getComputedStyle(doc.getElementById("hover-target")).fontSize,
      };
    });
    assert.deepEqual(second, {
      added: "Added",
      late: "Inside the frame and later",
      modal: true,
      scrollTop: 200,
      moved: PLACEHOLDER,
      fontSize: "40px",
    });

    // The top layer again, then hover and focus.
    await visitor.page.evaluate(() => {
      document.getElementById("modal").close();
      document.getElementById("pop").showPopover();
    });
    await pump(visitor.page, viewer.page, log);
    await visitor.page.locator("#focus-target").focus();
    await visitor.page.locator("#hover-target").hover();
    await pump(visitor.page, viewer.page, log);
    const third = await inView(viewer.page, (doc) => {
      const win = doc.defaultView;
      const hover = doc.getElementById("hover-target");
      const focus = doc.getElementById("focus-target");
      return {
        modal: doc.getElementById("modal").matches(":modal"),
        popover: doc.getElementById("pop").matches(":popover-open"),
        hovered: hover.hasAttribute("data-tandem-hover"),
        hoverColor: win.getComputedStyle(hover).color,
        focused: focus.hasAttribute("data-tandem-focus"),
        outline: win.getComputedStyle(focus).outlineColor,
      };
    });
    assert.deepEqual(third, {
      modal: false,
      popover: true,
      hovered: true,
      hoverColor: "rgb(255, 0, 0)",
      focused: true,
      outline: "rgb(0, 0, 255)",
    });

    // A resync rebuilds all of it from a fresh snapshot.
    await visitor.page.evaluate(() => window.__sockets[0].deliver({ t: "resync" }));
    await pump(visitor.page, viewer.page, log);
    const fourth = await inView(viewer.page, (doc) => ({
      shadow: doc.getElementById("host").shadowRoot?.getElementById("added-in-shadow")?.textContent,
      late: doc.getElementById("late-frame")?.contentDocument?.getElementById("inner-text")?.textContent,
      popover: doc.getElementById("pop").matches(":popover-open"),
    }));
    assert.deepEqual(fourth, { shadow: "Added", late: "Inside the frame and later", popover: true });

    // No canary in any frame, on any of these paths.
    const text = await sentText(visitor.page, log);
    const leaked = text.match(/CANARY[-A-Z]*/g) ?? [];
    assert.deepEqual(leaked, [], "secrets leaked");
    assert.ok(!(await viewer.page.evaluate(() => window.__sockets[0].sent.some((f) => f.includes("resync")))), "no resync needed");
    assert.deepEqual(visitor.problems.errors, []);
    assert.deepEqual(viewer.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("a page served in Shift_JIS arrives as the text the visitor reads", async () => {
  server.reset();
  const visitor = await openVisitor(browser, server, "../sjis.html");
  const viewer = await openViewer(browser, server);
  const log = [];
  try {
    await acceptAndConnect(visitor.page);
    assert.equal(await visitor.page.evaluate(() => document.characterSet), "Shift_JIS");
    await pump(visitor.page, viewer.page, log);
    const expected = new TextDecoder("shift_jis").decode(SJIS_TEXT);
    assert.equal(expected, "こんにちは、世界");
    assert.equal(await inView(viewer.page, (doc) => doc.getElementById("jp")?.textContent), expected);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});
