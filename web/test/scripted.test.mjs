// What scripts do without events: field values set through properties, and shadow roots attached
// after the snapshot or closed. Each reaches the agent's view; masking follows them, and canaries
// in masked places never leave the tag.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchBrowser } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver, openViewer } from "./support/viewer.mjs";
import { PLACEHOLDER, acceptAndConnect, openVisitor, settle } from "./support/visitor.mjs";

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

function inView(page, fn, arg) {
  return page.evaluate(
    ([source, value]) => (0, eval)(source)(document.getElementById("viewer").shadowRoot.querySelector("iframe").contentDocument, value),
    [`(${fn.toString()})`, arg],
  );
}

async function start() {
  server.reset();
  const visitor = await openVisitor(browser, server, "scripted.html");
  const viewer = await openViewer(browser, server);
  const log = [];
  await acceptAndConnect(visitor.page);
  await pump(visitor.page, viewer.page, log);
  assert.equal(await viewer.page.evaluate(() => document.getElementById("viewer").status), "live");
  return { visitor, viewer, log };
}

test("values set by script without an event reach the view, masked exactly like typed ones", async () => {
  const { visitor, viewer, log } = await start();
  try {
    await visitor.page.evaluate(() => {
      const $ = (id) => document.getElementById(id);
      $("plain").value = "PLAIN-SET-BY-SCRIPT";
      $("secret").value = "CANARY-SCRIPT-SECRET-FIELD";
      $("pw").value = "CANARY-SCRIPT-PASSWORD";
      $("card").value = "CANARY-SCRIPT-CARD";
      $("inside-mask").value = "CANARY-SCRIPT-INSIDE-MASK";
      $("notes").value = "NOTES-SET-BY-SCRIPT";
      $("secret-notes").value = "CANARY-SCRIPT-SECRET-NOTES";
      $("pick").selectedIndex = 2;
      $("box").checked = true;
      $("secret-box").checked = true;
      $("when").valueAsNumber = Date.UTC(2026, 0, 2);
    });
    await pump(visitor.page, viewer.page, log);
    const seen = await inView(viewer.page, (doc) => ({
      plain: doc.getElementById("plain").value,
      secret: doc.getElementById("secret").value,
      pw: doc.getElementById("pw").value,
      card: doc.getElementById("card").value,
      insideMask: doc.getElementById("inside-mask").value,
      notes: doc.getElementById("notes").value,
      secretNotes: doc.getElementById("secret-notes").value,
      pick: doc.getElementById("pick").value,
      box: doc.getElementById("box").checked,
      secretBox: doc.getElementById("secret-box").checked,
      when: doc.getElementById("when").value,
    }));
    assert.deepEqual(seen, {
      plain: "PLAIN-SET-BY-SCRIPT",
      secret: PLACEHOLDER,
      pw: PLACEHOLDER,
      card: PLACEHOLDER,
      insideMask: PLACEHOLDER,
      notes: "NOTES-SET-BY-SCRIPT",
      secretNotes: PLACEHOLDER,
      pick: "c",
      box: true,
      secretBox: false,
      when: "2026-01-02",
    });

    // An option selected through its own property, a value set to something shorter: the masked
    // field's frame is the same placeholder whatever the length.
    await visitor.page.evaluate(() => {
      document.getElementById("pick").options[1].selected = true;
      document.getElementById("secret").value = "C";
    });
    const frames = await pump(visitor.page, viewer.page, log);
    const ids = frames.filter((f) => f.t === "input");
    assert.ok(ids.some((f) => f.value === "b"), "the option's selected setter was seen");
    assert.ok(ids.some((f) => f.value === PLACEHOLDER), "the masked field's change was sent as the placeholder");
    assert.equal(await inView(viewer.page, (doc) => doc.getElementById("pick").value), "b");

    // The page's own calls behave as before: the setter's result, and its exceptions.
    const page = await visitor.page.evaluate(() => {
      const input = document.createElement("input");
      input.type = "file";
      let threw = false;
      try {
        input.value = "C:\\fake";
      } catch (error) {
        threw = error instanceof DOMException;
      }
      return { threw, plain: document.getElementById("plain").value };
    });
    assert.deepEqual(page, { threw: true, plain: "PLAIN-SET-BY-SCRIPT" });

    await visitor.page.evaluate(() => window.__sockets[0].deliver({ t: "resync" }));
    await pump(visitor.page, viewer.page, log);
    assert.equal(await inView(viewer.page, (doc) => doc.getElementById("plain").value), "PLAIN-SET-BY-SCRIPT");

    const text = await sentText(visitor.page, log);
    assert.ok(text.includes("PLAIN-SET-BY-SCRIPT"));
    for (const canary of text.match(/CANARY-[A-Z-]+/g) ?? []) {
      assert.fail(`${canary} left the tag`);
    }
    assert.deepEqual(visitor.problems.errors, []);
    assert.deepEqual(viewer.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("a form reset, by its button or by script, reaches the view; its masked field stays masked", async () => {
  const { visitor, viewer, log } = await start();
  const formInView = () => inView(viewer.page, (doc) => ({
    text: doc.getElementById("in-form").value,
    notes: doc.getElementById("in-form-notes").value,
    pick: doc.getElementById("in-form-pick").value,
    box: doc.getElementById("in-form-box").checked,
  }));
  const defaults = { text: "default", notes: "note default", pick: "y", box: true };
  const edit = async () => {
    await visitor.page.locator("#in-form").fill("EDITED-IN-FORM");
    await visitor.page.locator("#in-form-secret").fill("CANARY-RESET-SECRET");
    await visitor.page.locator("#in-form-notes").fill("EDITED-NOTES");
    await visitor.page.locator("#in-form-pick").selectOption("x");
    await visitor.page.locator("#in-form-box").uncheck();
    await pump(visitor.page, viewer.page, log);
    assert.deepEqual(await formInView(), { text: "EDITED-IN-FORM", notes: "EDITED-NOTES", pick: "x", box: false });
  };
  try {
    await edit();
    // The visitor presses the form's reset button: no input event is fired for the defaults.
    await visitor.page.locator("#reset-form").click();
    await pump(visitor.page, viewer.page, log);
    assert.deepEqual(await formInView(), defaults, "the button's reset");

    await edit();
    await visitor.page.evaluate(() => document.getElementById("form").reset());
    await pump(visitor.page, viewer.page, log);
    assert.deepEqual(await formInView(), defaults, "the script's reset");

    const text = await sentText(visitor.page, log);
    assert.ok(text.includes("EDITED-IN-FORM"));
    for (const canary of text.match(/CANARY-[A-Z-]+/g) ?? []) {
      assert.fail(`${canary} left the tag`);
    }
    assert.equal(await inView(viewer.page, (doc) => doc.getElementById("in-form-secret").value.includes("CANARY")), false);
    assert.deepEqual(visitor.problems.errors, []);
    assert.deepEqual(viewer.problems.errors, []);
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});

test("shadow roots attached after the snapshot, and closed ones, reach the view; masking follows into them", async () => {
  const { visitor, viewer, log } = await start();
  try {
    await visitor.page.evaluate(() => {
      const $ = (id) => document.getElementById(id);
      $("late-open").attachShadow({ mode: "open" }).innerHTML =
        '<p id="lo">LATE-OPEN-TEXT</p><input id="lo-secret" class="secret" value="CANARY-LATE-OPEN-FIELD">';
      const closed = $("late-closed").attachShadow({ mode: "closed" });
      closed.innerHTML =
        '<p id="lc">LATE-CLOSED-TEXT</p><span data-tandem-mask>CANARY-CLOSED-MASKED</span><input id="lc-field"><input id="lc-secret" class="secret">';
      window.__closed = closed;
      $("masked-host").attachShadow({ mode: "closed" }).innerHTML = "<span>CANARY-CLOSED-IN-MASKED-HOST</span>";
      $("blocked-host").attachShadow({ mode: "closed" }).innerHTML = "<span>CANARY-CLOSED-IN-BLOCKED-HOST</span>";
    });
    await pump(visitor.page, viewer.page, log);
    const first = await inView(viewer.page, (doc) => ({
      open: doc.getElementById("late-open").shadowRoot?.getElementById("lo")?.textContent ?? null,
      openSecret: doc.getElementById("late-open").shadowRoot?.getElementById("lo-secret")?.value ?? null,
      closed: doc.getElementById("late-closed").shadowRoot?.getElementById("lc")?.textContent ?? null,
      masked: doc.getElementById("masked-host").shadowRoot?.textContent ?? null,
    }));
    assert.deepEqual(first, { open: "LATE-OPEN-TEXT", openSecret: PLACEHOLDER, closed: "LATE-CLOSED-TEXT", masked: PLACEHOLDER });
    // The page still cannot reach its closed roots through the host.
    assert.equal(await visitor.page.evaluate(() => document.getElementById("late-closed").shadowRoot), null);

    // Changes inside the closed root follow it: text, an added node, typed and script-set values.
    await visitor.page.evaluate(() => {
      const closed = window.__closed;
      closed.getElementById("lc").textContent = "LATE-CLOSED-CHANGED";
      closed.append(Object.assign(document.createElement("b"), { id: "lc-added", textContent: "ADDED-IN-CLOSED" }));
      closed.getElementById("lc-field").value = "CLOSED-FIELD-BY-SCRIPT";
      const secret = closed.getElementById("lc-secret");
      secret.value = "CANARY-CLOSED-TYPED";
      secret.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
    });
    await pump(visitor.page, viewer.page, log);
    const later = () =>
      inView(viewer.page, (doc) => {
        const root = doc.getElementById("late-closed").shadowRoot;
        return {
          text: root?.getElementById("lc")?.textContent ?? null,
          added: root?.getElementById("lc-added")?.textContent ?? null,
          field: root?.getElementById("lc-field")?.value ?? null,
          secret: root?.getElementById("lc-secret")?.value ?? null,
        };
      });
    const expected = { text: "LATE-CLOSED-CHANGED", added: "ADDED-IN-CLOSED", field: "CLOSED-FIELD-BY-SCRIPT", secret: PLACEHOLDER };
    assert.deepEqual(await later(), expected);

    // A fresh snapshot carries the closed roots too.
    await visitor.page.evaluate(() => window.__sockets[0].deliver({ t: "resync" }));
    await pump(visitor.page, viewer.page, log);
    assert.deepEqual(await later(), expected);
    assert.equal(
      await inView(viewer.page, (doc) => doc.querySelector("[data-tandem-blocked]") !== null && doc.getElementById("blocked-host") === null),
      true,
      "a blocked host stays an empty box",
    );

    const text = await sentText(visitor.page, log);
    assert.ok(text.includes("LATE-CLOSED-CHANGED"));
    assert.ok(!text.includes("EARLY-CLOSED-TEXT"), "a closed root attached before the tag loaded stays invisible (documented)");
    for (const canary of text.match(/CANARY-[A-Z-]+/g) ?? []) {
      assert.fail(`${canary} left the tag`);
    }
    assert.deepEqual(visitor.problems.errors, []);
    assert.deepEqual(viewer.problems.errors, []);
    const resyncs = (await viewer.page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f)))).filter((f) => f.t === "resync");
    assert.equal(resyncs.length, 0, "every change applied without a resync");
  } finally {
    await visitor.context.close();
    await viewer.context.close();
  }
});
