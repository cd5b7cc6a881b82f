// Rebuild: a page captured by the tag and rebuilt by the viewer looks the same, and stays the same
// as the page changes.
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

/** A normalised outline of a document's body: structure, key attributes, text and field state. */
function outline(doc) {
  const lines = [`title: ${doc.title}`];
  const walk = (node, depth) => {
    const pad = " ".repeat(depth);
    if (node.nodeType === 1) {
      const tag = node.localName;
      if (tag === "script" || tag === "noscript" || tag === "tandem-ui") return;
      const attrs = ["id", "class", "type", "name", "width", "viewBox", "fill", "alt"]
        .filter((a) => node.hasAttribute(a))
        .map((a) => ` ${a}=${JSON.stringify(node.getAttribute(a))}`)
        .join("");
      let state = "";
      if (tag === "input") state = node.type === "checkbox" || node.type === "radio" ? ` checked=${node.checked}` : ` value=${node.value}`;
      if (tag === "textarea" || tag === "select") state = ` value=${node.value}`;
      lines.push(`${pad}<${tag}${attrs}${state}>`);
      for (const child of node.childNodes) walk(child, depth + 1);
    } else if (node.nodeType === 3) {
      const text = node.data.replace(/\s+/g, " ").trim();
      if (text !== "") lines.push(`${pad}${JSON.stringify(text)}`);
    } else if (node.nodeType === 8) {
      lines.push(`${pad}<!--${node.data.trim()}-->`);
    }
  };
  walk(doc.body, 0);
  return lines.join("\n");
}

const OUTLINE = `(${outline.toString()})`;

async function visitorOutline(page) {
  return page.evaluate((fn) => (0, eval)(fn)(document), OUTLINE);
}

async function viewerOutline(page) {
  return page.evaluate((fn) => {
    const iframe = document.getElementById("viewer").shadowRoot.querySelector("iframe");
    return (0, eval)(fn)(iframe.contentDocument);
  }, OUTLINE);
}

async function pump(visitor, viewer) {
  await settle(visitor);
  const frames = await visitor.evaluate(() => window.__takeSent());
  await deliver(viewer, frames);
  await settle(viewer);
  return frames;
}

async function viewerSent(viewer) {
  return viewer.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f)));
}

test("a snapshot rebuilt in the viewer matches the page, and mutations keep it in step", async () => {
  server.reset();
  const visitor = await openVisitor(browser, server, "rich.html");
  const viewer = await openViewer(browser, server);
  try {
    await acceptAndConnect(visitor.page);
    await visitor.page.locator("#name").fill("Ada Lovelace");
    await visitor.page.locator("#notes").fill("Typed notes");
    await pump(visitor.page, viewer.page);
    assert.equal(await viewer.page.evaluate(() => document.getElementById("viewer").status), "live");
    assert.equal(await viewerOutline(viewer.page), await visitorOutline(visitor.page));

    // Links do not navigate in the view, and resources resolve against the visitor's page.
    const details = await viewer.page.evaluate(() => {
      const doc = document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument;
      const link = doc.querySelector("nav a");
      return {
        href: link.getAttribute("href"),
        target: link.getAttribute("target"),
        dataHref: link.getAttribute("data-tandem-href"),
        img: doc.querySelector("img").getAttribute("src"),
        stylesheet: doc.querySelector("link").getAttribute("href"),
        firstInHead: doc.head.firstElementChild.getAttribute("http-equiv"),
        sheets: doc.styleSheets.length,
      };
    });
    assert.equal(details.href, null);
    assert.equal(details.target, null);
    assert.equal(details.dataHref, `${server.origin}/fixtures/other.html`);
    assert.equal(details.img, `${server.origin}/fixtures/pixel.png`);
    assert.equal(details.stylesheet, `${server.origin}/fixtures/rich.css`);
    assert.equal(details.firstInHead, "Content-Security-Policy");

    // The page changes in many ways at once.
    await visitor.page.evaluate(() => {
      const list = document.getElementById("list");
      const li = document.createElement("li");
      li.textContent = "Four";
      list.append(li);
      list.insertBefore(document.createElement("li"), list.firstChild).textContent = "Zero";
      list.children[2].remove();
      document.getElementById("section-1").querySelector("h2").textContent = "Why people choose us";
      document.body.classList.add("changed");
      document.getElementById("prices").tBodies[0].rows[0].cells[1].firstChild.data = "£11";
      // A move: the table goes before the first section.
      const main = document.querySelector("main");
      main.insertBefore(document.getElementById("prices"), main.firstChild);
      const section = document.getElementById("section-2");
      section.innerHTML = "<h2>Replaced</h2><p>New <b>content</b> here</p>";
      const svg = document.getElementById("logo") ?? document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", "0 0 10 10");
      const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      rect.setAttribute("width", "5");
      section.append(svg);
      svg.append(rect);
      const temp = document.createElement("p");
      document.body.append(temp);
      temp.remove();
      document.getElementById("pre").before("text before pre");
    });
    await pump(visitor.page, viewer.page);
    await visitor.page.evaluate(() => {
      document.getElementById("bottom").textContent = "Bottom, changed in a second batch";
      document.getElementById("list").replaceChildren();
      document.querySelector("#section-2 p").remove();
    });
    await visitor.page.locator("#agree").uncheck();
    await visitor.page.locator("input[value=ww]").check();
    await visitor.page.locator("#cover").selectOption("Single trip");
    await pump(visitor.page, viewer.page);
    assert.equal(await viewerOutline(viewer.page), await visitorOutline(visitor.page));
    assert.ok(!(await viewerSent(viewer.page)).some((f) => f.t === "resync"), "the viewer never needed a resync");

    // Scrolling follows the visitor.
    await visitor.page.evaluate(() => window.scrollTo(0, 600));
    await pump(visitor.page, viewer.page);
    const scrollY = await viewer.page.evaluate(
      () => document.getElementById("viewer").shadowRoot.querySelector("iframe").contentWindow.scrollY,
    );
    assert.equal(scrollY, 600);

    // The visitor's pointer shows in the view; the agent's click highlights on the visitor's page.
    await visitor.page.mouse.move(120, 80);
    await pump(visitor.page, viewer.page);
    const cursor = viewer.page.getByTestId("visitor-pointer");
    assert.equal(await cursor.isVisible(), true);
    assert.match(await cursor.getAttribute("style"), /translate\(120px, 80px\)/);
    assert.equal(await cursor.textContent(), "Visitor");

    await viewer.page.getByTestId("viewer-overlay").click({ position: { x: 300, y: 200 }, modifiers: ["Control"] });
    const highlight = (await viewerSent(viewer.page)).find((f) => f.t === "highlight");
    assert.deepEqual({ x: highlight.x, y: highlight.y, wiggle: highlight.wiggle }, { x: 300, y: 200, wiggle: true });
    await visitor.page.evaluate((frame) => window.__sockets[0].deliver(frame), highlight);
    await visitor.page.getByTestId("tandem-highlight").waitFor();

    // A resync gives a fresh snapshot that rebuilds the same page.
    await visitor.page.evaluate(() => window.__sockets[0].deliver({ t: "resync" }));
    const frames = await pump(visitor.page, viewer.page);
    assert.ok(frames.some((f) => f.t === "snapshot"));
    assert.equal(await viewerOutline(viewer.page), await visitorOutline(visitor.page));

    assert.deepEqual(viewer.problems.errors, []);
    assert.deepEqual(visitor.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("the view scales to fit and the agent's coordinates are the visitor's", async () => {
  server.reset();
  const visitor = await openVisitor(browser, server, "rich.html", { viewport: { width: 1600, height: 1000 } });
  const viewer = await openViewer(browser, server);
  try {
    await acceptAndConnect(visitor.page);
    await pump(visitor.page, viewer.page);
    const transform = await viewer.page.evaluate(
      () => document.getElementById("viewer").shadowRoot.querySelector(".stage").style.transform,
    );
    assert.equal(transform, "scale(0.625)");
    // 400 x 300 screen px into a view at 0.625 is 640 x 480 on the visitor's screen.
    await viewer.page.mouse.click(400, 300);
    const highlight = (await viewerSent(viewer.page)).find((f) => f.t === "highlight");
    assert.deepEqual({ x: highlight.x, y: highlight.y, wiggle: highlight.wiggle }, { x: 640, y: 480, wiggle: false });
    // The visitor's pointer is drawn in the scaled view: 800 px on their screen is 500 px here.
    await visitor.page.mouse.move(800, 400);
    await pump(visitor.page, viewer.page);
    const box = await viewer.page.getByTestId("visitor-pointer").boundingBox();
    assert.ok(Math.abs(box.x - 500) < 2 && Math.abs(box.y - 250) < 2, `pointer at ${box.x},${box.y}`);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});
