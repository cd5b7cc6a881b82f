/**
 * The agent's WebSocket to the relay gateway; frames in and out, nothing about pages. When a gateway
 * replica goes away (1001) or the socket drops (1006) after it was open, it reconnects on its own, to
 * the next gateway of its list, with exponential backoff and full jitter, and then asks the visitor
 * for a fresh snapshot.
 */
import type { AgentMessage } from "@tandem/protocol";
import { decodeBinaryFrame } from "./binary.js";

const SUBPROTOCOL = "tandem.v1";
const TOKEN_PREFIX = "tandem.token.";
/** The agent's OIDC access token, the way Quarkus turns a subprotocol into an Authorization header. */
const BEARER_PREFIX = "quarkus-http-upgrade#Authorization#Bearer%20";
/**
 * Closes worth another try: the replica is going away (1001), the connection dropped (1006), or the
 * transport closed without the gateway deciding anything (1005 no status, 1012 service restart).
 * Never 1000 (ended or replaced) or 1003/1007/1008/1009 (the gateway refused what was sent). A first
 * connection that never opened (a 403 and a dead replica both show as 1006) is tried once on each other
 * replica of the list, never more.
 */
const RETRY_CLOSE_CODES = new Set([1001, 1005, 1006, 1012]);

export type Frame = Record<string, unknown> & { t: string };

export interface ConnectionHandlers {
  open(): void;
  frame(frame: Frame): void;
  close(code: number, reason: string): void;
  /** The socket dropped with `code` and another is being tried (`attempt` from 1); `open` follows on success. */
  reconnecting?(code: number, attempt: number): void;
}

export interface ReconnectPolicy {
  /** The first retry waits up to this long; each further one up to twice as long as the one before. */
  baseDelayMs: number;
  /** No retry waits longer. */
  maxDelayMs: number;
  /** Failed tries in a row before giving up (then `close` reports the last code). */
  maxAttempts: number;
  /** [0, 1): the jitter's source, for tests. */
  random: () => number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxAttempts: 8,
  random: Math.random,
};

/** Full jitter: a random wait in [0, min(max, base * 2^(attempt-1))) for the attempt-th retry (from 1). */
export function backoffDelay(attempt: number, policy: Pick<ReconnectPolicy, "baseDelayMs" | "maxDelayMs" | "random">): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/**
 * The gateway replicas to use: one ws(s):// base, or several separated by commas or spaces (the
 * console's `gatewayUrl` may list them), trailing slashes removed; anything else is left out.
 */
export function gatewayBases(spec: string | readonly string[]): string[] {
  const parts = typeof spec === "string" ? spec.split(/[\s,]+/) : [...spec];
  return parts
    .filter((part): part is string => typeof part === "string")
    .map((part) => part.trim().replace(/\/+$/, ""))
    .filter((part) => /^wss?:\/\/[^\s,]+$/i.test(part));
}

export class AgentConnection {
  private socket: WebSocket | null = null;
  private closed = false;
  private readonly urls: string[];
  private index = 0;
  /** Whether any socket of this connection ever opened: before that, a failure is final. */
  private everOpen = false;
  private attempts = 0;
  /** Other replicas tried for a first connection that never opened. */
  private firstTries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** After a reconnect: ask for a fresh snapshot once the gateway's `hello` says the visitor is there. */
  private resyncOnHello = false;
  private readonly policy: ReconnectPolicy;

  constructor(
    url: string | readonly string[],
    private readonly token: string,
    private readonly handlers: ConnectionHandlers,
    private readonly accessToken?: string,
    policy: Partial<ReconnectPolicy> = {},
  ) {
    this.urls = typeof url === "string" ? [url] : [...url];
    if (this.urls.length === 0) {
      throw new TypeError("AgentConnection: no gateway URL");
    }
    this.policy = { ...DEFAULT_RECONNECT, ...policy };
    this.open();
  }

  /** The URL of the current (or last) socket. */
  get url(): string {
    return this.urls[this.index] as string;
  }

  private open(): void {
    const protocols = [SUBPROTOCOL, TOKEN_PREFIX + this.token];
    if (typeof this.accessToken === "string" && this.accessToken !== "") {
      protocols.push(BEARER_PREFIX + this.accessToken);
    }
    const socket = new WebSocket(this.url, protocols);
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) {
        return;
      }
      if (socket.protocol !== SUBPROTOCOL) {
        this.close();
        this.handlers.close(1002, "unexpected subprotocol");
        return;
      }
      this.resyncOnHello = this.everOpen;
      this.everOpen = true;
      this.attempts = 0;
      this.handlers.open();
    };
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event: MessageEvent) => {
      if (socket !== this.socket) {
        return;
      }
      if (event.data instanceof ArrayBuffer) {
        const binary = decodeBinaryFrame(event.data);
        if (binary !== null) {
          this.handlers.frame(binary);
        }
        return;
      }
      if (typeof event.data !== "string") {
        return;
      }
      let parsed: unknown;
      try {
        // JSON parse boundary: every field is checked where it is used.
        parsed = JSON.parse(event.data) as unknown;
      } catch {
        return;
      }
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && typeof (parsed as Frame).t === "string") {
        const frame = parsed as Frame;
        this.handlers.frame(frame);
        if (frame.t === "hello" && this.resyncOnHello) {
          this.resyncOnHello = false;
          // The relay keeps no frames: what the visitor's page did meanwhile comes only with a snapshot.
          if (frame["peerConnected"] === true) {
            this.send({ t: "resync" });
          }
        }
      }
    };
    socket.onclose = (event: CloseEvent) => {
      if (socket !== this.socket) {
        return;
      }
      this.socket = null;
      if (this.closed) {
        return;
      }
      if (this.everOpen && RETRY_CLOSE_CODES.has(event.code) && this.attempts < this.policy.maxAttempts) {
        this.retry(event.code);
        return;
      }
      if (!this.everOpen && event.code === 1006 && this.firstTries < this.urls.length - 1) {
        // The first replica of the list may be the one that is down: the next one, at once.
        this.firstTries += 1;
        this.index = (this.index + 1) % this.urls.length;
        this.open();
        return;
      }
      this.closed = true;
      this.handlers.close(event.code, event.reason);
    };
  }

  private retry(code: number): void {
    this.attempts += 1;
    // The next replica of the list: the one that went away is the least likely to answer.
    this.index = (this.index + 1) % this.urls.length;
    const delay = backoffDelay(this.attempts, this.policy);
    this.handlers.reconnecting?.(code, this.attempts);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) {
        this.open();
      }
    }, delay);
  }

  send(message: AgentMessage): void {
    if (this.socket !== null && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

  /** Closes without reporting it: the caller is the one ending things. */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const socket = this.socket;
    this.socket = null;
    if (socket !== null && socket.readyState < WebSocket.CLOSING) {
      socket.close(1000);
    }
  }
}
