// Opens a fixture page as the visitor, with the tag started against the test server.
import { FAKE_WEBSOCKET, watchPage } from "./browser.mjs";

export const PLACEHOLDER = "\u2022\u2022\u2022\u2022\u2022\u2022";

export async function openVisitor(browser, server, fixture, { viewport = { width: 1000, height: 700 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  const problems = watchPage(page);
  await page.goto(`${server.origin}/fixtures/${fixture}`);
  await page.addScriptTag({ url: "/dist/tandem.js" });
  await page.evaluate((origin) => {
    window.__events = [];
    const handle = window.Tandem.start({
      siteId: "test-site",
      endpoints: { invites: origin, sessions: origin, config: origin, gateway: "ws://127.0.0.1:9" },
    });
    for (const name of ["invite", "session-started", "session-ended", "error"]) {
      handle.on(name, (detail) => window.__events.push({ name, detail }));
    }
    window.__handle = handle;
    window.__inviteDone = handle.receiveInvite("test-credential");
  }, server.origin);
  return { context, page, problems };
}

/** Accepts the consent prompt and waits until the tag sent its first frame. */
export async function acceptAndConnect(page) {
  await page.getByTestId("tandem-accept").click();
  await page.waitForFunction(() => window.__sockets.length > 0 && window.__sockets[0].sent.length > 0, null, {
    timeout: 15_000,
  });
  await page.evaluate(() =>
    window.__sockets[0].deliver({ t: "hello", role: "visitor", sessionId: "ses-1", mode: "SHARED", peerConnected: true }),
  );
}

/** Lets pending animation frames (and the tag's batching) run. */
export async function settle(page) {
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 30)))),
  );
}
