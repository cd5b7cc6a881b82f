// Headless Debian Chromium through playwright-core, and a fake WebSocket the tests drive by hand.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * Replaces window.WebSocket in a page. Each socket records what the page sends (`sent`), opens on
 * its own with the tandem.v1 subprotocol, and takes frames from the test through `deliver`.
 */
export const FAKE_WEBSOCKET = `
(() => {
  const sockets = [];
  class FakeWebSocket extends EventTarget {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    constructor(url, protocols) {
      super();
      this.url = String(url);
      this.protocols = [].concat(protocols ?? []);
      this.readyState = 0;
      this.protocol = "";
      this.bufferedAmount = 0;
      this.binaryType = "blob";
      this.extensions = "";
      this.sent = [];
      this.closedWith = null;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      sockets.push(this);
      setTimeout(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        this.protocol = "tandem.v1";
        this.fire(new Event("open"));
      }, 0);
    }
    send(data) {
      if (this.readyState !== 1) throw new DOMException("not open", "InvalidStateError");
      if (typeof data === "string") {
        this.sent.push(data);
        return;
      }
      // A binary frame is recorded as JSON too: its header, and the whole frame in base64.
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const length = (bytes[0] << 8) | bytes[1];
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(2, 2 + length)));
      let binary = "";
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      this.sent.push(JSON.stringify({ ...header, __binary: btoa(binary), __bytes: bytes.length }));
    }
    close(code = 1000, reason = "") {
      if (this.readyState >= 2) return;
      this.closedWith = { code, reason };
      this.readyState = 3;
      setTimeout(() => this.fire(new CloseEvent("close", { code, reason, wasClean: true })), 0);
    }
    deliver(frame) {
      if (this.readyState !== 1) return;
      if (frame !== null && typeof frame === "object" && typeof frame.__binary === "string") {
        const text = atob(frame.__binary);
        const bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
        this.fire(new MessageEvent("message", { data: bytes.buffer }));
        return;
      }
      this.fire(new MessageEvent("message", { data: typeof frame === "string" ? frame : JSON.stringify(frame) }));
    }
    serverClose(code, reason = "") {
      if (this.readyState === 3) return;
      this.readyState = 3;
      this.fire(new CloseEvent("close", { code, reason, wasClean: code === 1000 }));
    }
    fire(event) {
      const handler = this["on" + event.type];
      if (typeof handler === "function") handler.call(this, event);
      this.dispatchEvent(event);
    }
  }
  Object.defineProperty(window, "WebSocket", { value: FakeWebSocket, configurable: true, writable: true });
  window.__sockets = sockets;
  /** Frames sent on all sockets since the last call, parsed. */
  window.__takeSent = () => sockets.flatMap((s) => s.sent.splice(0)).map((f) => JSON.parse(f));
  /** Binary frames with their payload inflated into \`__text\` (as a test reads them). */
  window.__decodeFrames = async (frames) => {
    const out = [];
    for (const frame of frames) {
      if (typeof frame.__binary !== "string") {
        out.push(frame);
        continue;
      }
      const text = atob(frame.__binary);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
      const length = (bytes[0] << 8) | bytes[1];
      let payload = bytes.subarray(2 + length);
      if (frame.enc === "deflate-raw") {
        const stream = new Blob([payload]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
        payload = new Uint8Array(await new Response(stream).arrayBuffer());
      }
      out.push({ ...frame, __text: new TextDecoder().decode(payload) });
    }
    return out;
  };
})();
`;

/** Collects what would be a problem on a page: uncaught errors, console errors, dialogs. */
export function watchPage(page) {
  const problems = { errors: [], console: [], dialogs: [] };
  page.on("pageerror", (error) => problems.errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") problems.console.push(message.text());
  });
  page.on("dialog", (dialog) => {
    problems.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  return problems;
}
