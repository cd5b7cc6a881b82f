// Masking: nothing secret on the fixture page may appear in any frame the tag sends.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { PLACEHOLDER, acceptAndConnect, openVisitor, settle } from "./support/visitor.mjs";

const SECRETS = [
  "CANARY",
  "078-05-1120",
  "219-09-9999",
  "4111 1111 1111 1111",
  "4111111111111111",
  "5500-0000-0000-0004",
  "378282246310005",
  "4242424242424242",
  "6011 0009 9013 9424",
];
const ORDINARY = [
  "ORDINARY-TEXT-1",
  "ORDINARY-TEXT-2",
  "ORDINARY-TEXT-3",
  "ORDINARY-TEXT-4",
  "ORDINARY-VALUE",
  "ORDINARY-TYPED",
  "ORDINARY-DYN",
  "ORDINARY-COMMENT",
];

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

function leaks(frames) {
  const text = frames.map((f) => JSON.stringify(f)).join("\n");
  return SECRETS.filter((secret) => text.includes(secret));
}

test("no masked value reaches any frame: snapshot, mutations, typing, resync", async () => {
  server.reset();
  const { page, problems, context } = await openVisitor(browser, server, "masking.html");
  try {
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute("aria-modal"), "true");
    assert.match(await dialog.textContent(), /Shared control/);
    await acceptAndConnect(page);
    // The session id rides in the query for the ingress's hashing; the join token only in the subprotocol.
    const socket = await page.evaluate(() => ({ url: window.__sockets[0].url, protocols: window.__sockets[0].protocols }));
    assert.equal(socket.url, "ws://127.0.0.1:9/ws/visitor?session=ses-1");
    assert.deepEqual(socket.protocols, ["tandem.v1", "tandem.token.header.payload.signature"]);

    // Typing into every kind of masked field, and into a plain one.
    await page.locator("#pw2").pressSequentially("CANARY-TYPED-PW");
    await page.locator("#card").pressSequentially("4242424242424242");
    await page.locator("#cvc").pressSequentially("737");
    await page.locator("#secret").fill("CANARY-TYPED-SECRET");
    await page.locator("#masked-input").pressSequentially("CANARY-TYPED-MASK");
    await page.locator("#masked-area").pressSequentially(" CANARY-TYPED-AREA");
    await page.locator("#masked-editable").pressSequentially(" CANARY-TYPED-EDIT");
    await page.locator("#masked-select").selectOption("a");
    await page.locator("#masked-check").uncheck();
    await page.locator("#plain").fill("ORDINARY-TYPED");
    // A password field switched to text (a "show password" button) stays masked.
    await page.evaluate(() => document.getElementById("pw-switch").setAttribute("type", "text"));
    await settle(page);
    await page.locator("#pw-switch").pressSequentially("CANARY-TYPED-SWITCH");
    await settle(page);

    // The page changes under the tag.
    await page.evaluate(() => {
      const add = (html) => {
        const holder = document.createElement("div");
        holder.innerHTML = html;
        document.body.append(holder);
        return holder;
      };
      add('<p class="secret">CANARY-DYN-SECRET <b title="CANARY-DYN-B">x</b></p>');
      add('<div data-tandem-block title="CANARY-DYN-BLOCK-ATTR">CANARY-DYN-BLOCK</div>');
      add('<input type="password" value="CANARY-DYN-PW">');
      add("<p>SSN 219-09-9999 and card 6011 0009 9013 9424 and ORDINARY-DYN</p>");
      const script = document.createElement("script");
      script.textContent = "window.dynamic = 'CANARY-DYN-SCRIPT'";
      document.body.append(script);
      document.querySelector("#secret-div").firstChild.data = "CANARY-DYN-TEXT ";
      document.querySelector("#masked-input").setAttribute("title", "CANARY-DYN-TITLE");
      document.querySelector("#masked-input").setAttribute("value", "CANARY-DYN-VALUE-ATTR");
      document.querySelector("#blocked").setAttribute("data-y", "CANARY-DYN-BLOCKED-ATTR");
      document.querySelector("#blocked").append(" CANARY-DYN-INSIDE-BLOCK");
      // A plain paragraph becomes secret, then its text changes.
      const p = document.getElementById("becomes-secret");
      p.classList.add("secret");
      p.firstChild.data = "CANARY-AFTER-SECRET";
      // A plain block becomes blocked, then changes inside.
      const q = document.getElementById("becomes-blocked");
      q.setAttribute("data-tandem-block", "");
      q.querySelector("span").textContent = "CANARY-AFTER-BLOCK";
      q.querySelector("span").setAttribute("title", "CANARY-AFTER-BLOCK-ATTR");
    });
    await settle(page);
    // Mask state changes across batches too.
    await page.evaluate(() => {
      document.getElementById("plain-p").setAttribute("data-tandem-mask", "");
    });
    await settle(page);
    await page.evaluate(() => {
      document.getElementById("plain-p").append(" CANARY-LATE-MASKED");
    });
    await settle(page);

    // The agent asks for a fresh snapshot of the changed page.
    await page.evaluate(() => window.__sockets[0].deliver({ t: "resync" }));
    await settle(page);

    const frames = await page.evaluate(() => window.__takeSent());
    const kinds = new Set(frames.map((f) => f.t));
    for (const kind of ["snapshot", "mutations", "input"]) {
      assert.ok(kinds.has(kind), `expected ${kind} frames, got ${[...kinds].join(", ")}`);
    }
    assert.equal(frames.filter((f) => f.t === "snapshot").length, 2, "a snapshot at start and one on resync");

    assert.deepEqual(leaks(frames), [], "secrets leaked into frames");

    const all = frames.map((f) => JSON.stringify(f)).join("\n");
    for (const ordinary of ORDINARY) {
      assert.ok(all.includes(ordinary), `ordinary text ${ordinary} should be sent`);
    }
    assert.ok(all.includes(PLACEHOLDER), "masked content shows as the placeholder");
    assert.ok(all.includes("data-tandem-blocked"), "blocked elements are sent as boxes");
    assert.ok(!all.includes("Co-browsing with your agent"), "the tag's own UI is not captured");
    assert.ok(!all.includes("tandem-ui"), "the tag's host element is not captured");

    // Masked input frames carry the placeholder, never something with the value's length.
    for (const frame of frames.filter((f) => f.t === "input" && typeof f.value === "string")) {
      assert.ok(
        frame.value === PLACEHOLDER || frame.value === "" || /ORDINARY|Alpha|^a$/.test(frame.value),
        `unexpected input value ${JSON.stringify(frame.value)}`,
      );
    }
    // Elements that become masked or blocked are sent again, masked, so the agent's view follows.
    const added = frames.filter((f) => f.t === "mutations").flatMap((f) => f.adds.map((a) => a.node));
    const resent = added.find((n) => n.attrs?.id === "becomes-secret");
    assert.ok(resent, "the paragraph that became secret is sent again");
    assert.deepEqual(resent.children.map((c) => c.text), [PLACEHOLDER]);
    assert.ok(
      added.some((n) => n.tag === "div" && "data-tandem-blocked" in n.attrs && n.children.length === 0),
      "the element that became blocked is sent again as a box",
    );

    // seq increases by one per state frame on this connection (pointer, page and selection are interactions and carry none).
    const seqs = frames.filter((f) => f.t !== "pointer" && f.t !== "page" && f.t !== "selection").map((f) => f.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1));

    // The blocked element is an empty box of its size, with nothing of its own.
    const snapshot = frames.find((f) => f.t === "snapshot");
    const boxes = [];
    const walk = (node) => {
      if (node.type === 1 && "data-tandem-blocked" in node.attrs) boxes.push(node);
      for (const child of node.children ?? []) walk(child);
    };
    walk(snapshot.root);
    assert.equal(boxes.length, 2);
    assert.deepEqual(Object.keys(boxes[0].attrs).sort(), ["data-tandem-blocked", "style"]);
    assert.equal(boxes[0].tag, "div");
    assert.deepEqual(boxes[0].children, []);
    assert.match(boxes[0].attrs.style, /width:200px;height:50px/);

    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

test("fails closed: no connection at all when the rules cannot be loaded", async () => {
  for (const [configure, reason] of [
    [(s) => (s.configStatus = 500), "config-unavailable"],
    [(s) => (s.config.enabled = false), "site-disabled"],
    [(s) => (s.config.rules = [{ kind: "MASK" }]), "config-unavailable"],
  ]) {
    server.reset();
    configure(server.state);
    const { page, context } = await openVisitor(browser, server, "masking.html");
    try {
      await page.getByTestId("tandem-accept").click();
      await page.waitForFunction(() => window.__events.some((e) => e.name === "session-ended"), null, { timeout: 15_000 });
      const events = await page.evaluate(() => window.__events);
      assert.deepEqual(events.find((e) => e.name === "session-ended").detail, { reason });
      assert.equal(await page.evaluate(() => window.__sockets.length), 0, "no WebSocket may be opened");
      assert.equal(await page.locator("tandem-ui").count(), 0, "the tag's UI is gone");
    } finally {
      await context.close();
    }
  }
});

test("declining sends decline and starts nothing", async () => {
  server.reset();
  const { page, context } = await openVisitor(browser, server, "masking.html");
  try {
    await page.getByTestId("tandem-decline").click();
    await page.evaluate(() => window.__inviteDone);
    assert.equal(server.state.inviteState, "DECLINED");
    assert.ok(!server.requests.some((r) => r.path === "/api/visitor/session-token"));
    assert.equal(await page.evaluate(() => window.__sockets.length), 0);
  } finally {
    await context.close();
  }
});

test("the consent dialog keeps focus inside and Escape declines", async () => {
  server.reset();
  const { page, context } = await openVisitor(browser, server, "masking.html");
  try {
    await page.getByRole("dialog").waitFor();
    const focused = () => page.evaluate(() => document.querySelector("tandem-ui").shadowRoot.activeElement?.textContent ?? null);
    await page.keyboard.press("Tab");
    const first = await focused();
    await page.keyboard.press("Tab");
    const second = await focused();
    await page.keyboard.press("Tab");
    assert.deepEqual([first, second, await focused()], ["Decline", "Accept", "Decline"]);
    await page.keyboard.press("Escape");
    await page.evaluate(() => window.__inviteDone);
    assert.equal(server.state.inviteState, "DECLINED");
  } finally {
    await context.close();
  }
});

test("session frame: X sends end and removes the frame; a 1000 close ends it too", async () => {
  server.reset();
  const { page, context } = await openVisitor(browser, server, "masking.html");
  try {
    await acceptAndConnect(page);
    await page.getByTestId("tandem-frame").waitFor();
    // A page that removes the tag's element does not hide the session from the visitor.
    await page.evaluate(() => document.querySelector("tandem-ui").remove());
    await page.getByTestId("tandem-frame").waitFor({ timeout: 3_000 });
    assert.equal(await page.getByRole("button", { name: "End co-browsing" }).count(), 1);
    await page.getByRole("button", { name: "End co-browsing" }).click();
    const sent = await page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f).t));
    assert.equal(sent.at(-1), "end");
    assert.equal(await page.locator("tandem-ui").count(), 0);
    const ended = await page.evaluate(() => window.__events.filter((e) => e.name === "session-ended"));
    assert.deepEqual(ended.map((e) => e.detail.reason), ["visitor-ended"]);
  } finally {
    await context.close();
  }

  server.reset();
  const second = await openVisitor(browser, server, "masking.html");
  try {
    await acceptAndConnect(second.page);
    await second.page.evaluate(() => window.__sockets[0].deliver({ t: "highlight", x: 50, y: 50, wiggle: true }));
    await second.page.getByTestId("tandem-highlight").waitFor();
    await second.page.evaluate(() => window.__sockets[0].serverClose(1000, "agent-ended"));
    await second.page.waitForFunction(() => window.__events.some((e) => e.name === "session-ended"));
    assert.equal(await second.page.locator("tandem-ui").count(), 0);
    const ended = await second.page.evaluate(() => window.__events.find((e) => e.name === "session-ended").detail);
    assert.deepEqual(ended, { reason: "agent-ended" });
  } finally {
    await second.context.close();
  }
});
