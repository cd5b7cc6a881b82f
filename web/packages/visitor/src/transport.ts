/**
 * The WebSocket to the relay gateway. It knows frames, not pages: capture hands it messages and
 * it hands back whatever the agent or the gateway sent.
 */
import type { SnapshotChunkHeader, VisitorMessage } from "@tandem/protocol";
import { guard } from "./guard.js";
import { isRecord, parseJson, type JsonRecord } from "./json.js";

const SUBPROTOCOL = "tandem.v1";
const TOKEN_PREFIX = "tandem.token.";
/** Above this much unsent data, pointer frames are dropped rather than queued. */
const POINTER_BACKLOG_BYTES = 256 * 1024;

/**
 * Full jitter: a random wait in [0, min(max, base * 2^attempt)) before the attempt-th reconnect, so
 * that the visitors of a replica that went away do not all come back at the same moment.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/**
 * The gateway replicas the tag may use: `endpoints.gateway` is one ws(s):// base or several separated
 * by commas. The tag starts with the first; each reconnect moves on to the next (the one that dropped
 * the socket is the least likely to answer).
 */
export class GatewayList {
  private readonly bases: string[];
  private index = 0;

  constructor(spec: string) {
    const bases = spec
      .split(/[\s,]+/)
      .map((part) => part.trim().replace(/\/+$/, ""))
      .filter((part) => /^wss?:\/\/\S+$/i.test(part));
    this.bases = bases.length > 0 ? bases : [spec];
  }

  get current(): string {
    return this.bases[this.index] as string;
  }

  next(): void {
    this.index = (this.index + 1) % this.bases.length;
  }
}

/**
 * The page's address as the audit trail may keep it (the `page` message): scheme, host, port and path
 * only. The query string and the fragment are cut off, and any user:password@ too, because they can
 * hold personal data (search terms, e-mail addresses, tokens). Only http(s) pages; null otherwise.
 */
export function pageAddress(href: string): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return null;
  }
  const address = `${url.protocol}//${url.host}${url.pathname}`;
  return address.length > 2048 ? address.slice(0, 2048) : address;
}

export interface TransportHandlers {
  open(): void;
  /** A parsed frame with a string `t`; anything else from the socket is ignored. */
  message(frame: JsonRecord & { t: string }): void;
  close(code: number, reason: string): void;
}

export interface VisitorTransport {
  send(message: VisitorMessage): void;
  close(): void;
}

export class WebSocketTransport implements VisitorTransport {
  private socket: WebSocket | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly handlers: TransportHandlers,
  ) {}

  connect(): void {
    const socket = new WebSocket(this.url, [SUBPROTOCOL, TOKEN_PREFIX + this.token]);
    this.socket = socket;
    socket.onopen = guard("socket open", () => {
      if (socket.protocol !== SUBPROTOCOL) {
        // Not a gateway that speaks this protocol; 1002 is reported, the socket closes normally.
        this.close();
        this.handlers.close(1002, "unexpected subprotocol");
        return;
      }
      this.handlers.open();
    });
    socket.onmessage = guard("socket message", (event: MessageEvent) => {
      if (typeof event.data !== "string") {
        return;
      }
      const frame = parseJson(event.data);
      if (isRecord(frame) && typeof frame["t"] === "string") {
        this.handlers.message(frame as JsonRecord & { t: string });
      }
    });
    socket.onclose = guard("socket close", (event: CloseEvent) => {
      this.socket = null;
      if (!this.closed) {
        this.closed = true;
        this.handlers.close(event.code, event.reason);
      }
    });
  }

  get isOpen(): boolean {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(message: VisitorMessage): void {
    const socket = this.socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    if (message.t === "pointer" && socket.bufferedAmount > POINTER_BACKLOG_BYTES) {
      return;
    }
    socket.send(JSON.stringify(message));
  }

  /**
   * A binary frame: uint16 big-endian header length, the UTF-8 JSON header (`t` first), then the
   * payload (docs/engine.md). Used for `snapshot.chunk`.
   */
  sendBinary(header: SnapshotChunkHeader, payload: Uint8Array): void {
    const socket = this.socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) {
      return;
    }
    const head = new TextEncoder().encode(JSON.stringify(header));
    const frame = new Uint8Array(2 + head.length + payload.length);
    frame[0] = head.length >> 8;
    frame[1] = head.length & 0xff;
    frame.set(head, 2);
    frame.set(payload, 2 + head.length);
    socket.send(frame);
  }

  /** Closes without calling the close handler: the caller is the one ending things. */
  close(): void {
    this.closed = true;
    const socket = this.socket;
    this.socket = null;
    if (socket !== null && socket.readyState < WebSocket.CLOSING) {
      socket.close(1000);
    }
  }
}
