// Opens the viewer fixture with a fake gateway socket.
import { FAKE_WEBSOCKET, watchPage } from "./browser.mjs";

/** `connect` adds options to the viewer's connect() (e.g. `allowedOrigins`). */
export async function openViewer(browser, server, connect = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(FAKE_WEBSOCKET);
  const problems = watchPage(page);
  await page.goto(`${server.origin}/fixtures/viewer.html`);
  await page.waitForFunction(() => customElements.get("tandem-viewer") !== undefined);
  await page.evaluate((extra) => {
    window.__statuses = [];
    const viewer = document.getElementById("viewer");
    viewer.addEventListener("status", (event) => window.__statuses.push(event.detail));
    viewer.connect({ gatewayUrl: "ws://127.0.0.1:9", joinToken: "agent.token.sig", ...extra });
  }, connect);
  await page.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].readyState === 1);
  await page.evaluate(() =>
    window.__sockets[0].deliver({ t: "hello", role: "agent", sessionId: "ses-1", mode: "SHARED", peerConnected: false }),
  );
  return { context, page, problems };
}

/** Hands frames to the viewer, as the gateway would. */
export async function deliver(page, frames) {
  await page.evaluate((list) => {
    for (const frame of list) window.__sockets[0].deliver(frame);
  }, frames);
}

export function frameHandle(page) {
  return page.evaluateHandle(() => document.getElementById("viewer").shadowRoot.querySelector("iframe"));
}
