/**
 * A live session on the visitor's side: the socket, capture of the page, the session frame and the
 * agent's pointer. Ends on X, on the agent's End, on the gateway's `ended`, or on a 1000 close.
 */
import type { JoinTokenGrant, SiteConfig, VisitorMessage } from "@tandem/protocol";
import { Capture } from "./capture/capture.js";
import type { CaptureFrame } from "./capture/frames.js";
import { TandemError } from "./errors.js";
import { guard, reportError } from "./guard.js";
import { booleanField, numberField, stringField, type JsonRecord } from "./json.js";
import { WebSocketTransport } from "./transport.js";
import { AgentPresence } from "./ui/agent-presence.js";
import type { TagHost } from "./ui/host.js";
import { showSessionFrame, type SessionFrame } from "./ui/session-frame.js";
import { SiteConfigWatcher } from "./site-config.js";

const MAX_RECONNECTS = 5;
/** How often the session checks that its frame is still on the page. */
const FRAME_CHECK_MS = 1_000;
const MAX_RECONNECT_DELAY_MS = 8_000;
/** Closes after which trying again cannot help: the gateway refused what was sent. */
const FINAL_CLOSE_CODES = new Set([1002, 1003, 1007, 1008, 1009]);

export interface LiveSessionOptions {
  win: Window;
  host: TagHost;
  /** ws:// or wss:// base of the relay gateway. */
  gateway: string;
  grant: JoinTokenGrant;
  config: SiteConfig;
  /** The site config's URL: polled while the session runs; a newer version is applied at once. */
  configUrl?: string;
  /** A fresh join token for reconnecting; throws a TandemError `session-ended` once it is over. */
  refreshGrant: () => Promise<JoinTokenGrant>;
  onStarted: (grant: JoinTokenGrant) => void;
  onEnded: (reason: string) => void;
}

export class LiveSession {
  private transport: WebSocketTransport | null = null;
  private capture: Capture | null = null;
  private frame: SessionFrame | null = null;
  private readonly presence: AgentPresence;
  private seq = 0;
  private started = false;
  private ended = false;
  private reconnects = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private frameCheck: ReturnType<typeof setInterval> | null = null;
  private configWatcher: SiteConfigWatcher | null = null;

  constructor(private readonly options: LiveSessionOptions) {
    this.presence = new AgentPresence(options.host, options.win);
    options.host.setColors({
      border: options.config.appearance.borderColor,
      highlight: options.config.appearance.highlightColor,
    });
  }

  start(): void {
    this.connect(this.options.grant);
    if (this.options.configUrl !== undefined) {
      this.configWatcher = new SiteConfigWatcher(this.options.configUrl, this.options.config.version,
        guard("config refresh", (config: SiteConfig) => this.applyConfig(config)));
      this.configWatcher.start();
    }
  }

  /** An admin changed the rules: from now on they apply, starting with a fresh snapshot; disabled ends it. */
  private applyConfig(config: SiteConfig): void {
    if (this.ended) {
      return;
    }
    if (!config.enabled) {
      this.end("site-disabled");
      return;
    }
    this.options.config = config;
    this.options.host.setColors({ border: config.appearance.borderColor, highlight: config.appearance.highlightColor });
    if (this.capture !== null) {
      this.startCapture();
    }
  }

  /** The visitor ends the session (the X, or the page stops the tag). */
  end(reason = "visitor-ended"): void {
    if (this.ended) {
      return;
    }
    this.transport?.send({ t: "end" });
    this.finish(reason);
  }

  private connect(grant: JoinTokenGrant): void {
    const transport = new WebSocketTransport(
      // ?session= lets an ingress hash both sides of a session onto one gateway replica (not a credential).
      `${this.options.gateway}/ws/visitor?session=${encodeURIComponent(grant.sessionId)}`,
      grant.joinToken,
      {
        open: () => this.onOpen(grant),
        message: (frame) => this.onMessage(frame),
        close: (code, reason) => this.onClose(code, reason),
      },
    );
    this.transport = transport;
    transport.connect();
  }

  private onOpen(grant: JoinTokenGrant): void {
    if (this.ended) {
      return;
    }
    this.reconnects = 0;
    this.seq = 0;
    if (!this.started) {
      this.started = true;
      this.frame = showSessionFrame(this.options.host, () => this.end());
      // The visitor must always see that they are being seen: a page that removes the frame gets it back.
      this.frameCheck = setInterval(
        guard("frame check", () => this.options.host.reattach()),
        FRAME_CHECK_MS,
      );
      this.options.onStarted(grant);
    }
    this.startCapture();
  }

  private startCapture(): void {
    const { config, host, win } = this.options;
    this.capture?.stop();
    this.capture = new Capture({
      win,
      rules: config.rules,
      detectors: config.detectors,
      ignore: (node) => host.isOwn(node),
      emit: (frame) => this.send(frame),
    });
    this.capture.start();
  }

  private send(frame: CaptureFrame): void {
    const transport = this.transport;
    if (transport === null) {
      return;
    }
    if (frame.t === "pointer") {
      transport.send(frame);
      return;
    }
    this.seq += 1;
    if (frame.t === "snapshot.chunk") {
      const { payload, ...header } = frame;
      transport.sendBinary({ ...header, seq: this.seq }, payload);
      return;
    }
    transport.send({ ...frame, seq: this.seq } as VisitorMessage);
  }

  private onMessage(frame: JsonRecord & { t: string }): void {
    if (this.ended) {
      return;
    }
    switch (frame.t) {
      case "resync":
        this.capture?.snapshot();
        break;
      case "peer":
        // The agent (re)joined: the relay does not keep frames, so they need a fresh snapshot.
        if (stringField(frame, "role") === "agent" && booleanField(frame, "connected") === true) {
          this.capture?.snapshot();
        }
        break;
      case "pointer": {
        const x = numberField(frame, "x");
        const y = numberField(frame, "y");
        if (x !== undefined && y !== undefined) {
          this.presence.movePointer(x, y);
        }
        break;
      }
      case "highlight": {
        const x = numberField(frame, "x");
        const y = numberField(frame, "y");
        if (x !== undefined && y !== undefined) {
          const id = numberField(frame, "id");
          const target = id === undefined ? undefined : this.capture?.elementById(id);
          this.presence.highlight(x, y, target, booleanField(frame, "wiggle") === true);
        }
        break;
      }
      case "end":
        this.finish("agent-ended");
        break;
      case "ended":
        this.finish(stringField(frame, "reason") ?? "ended");
        break;
      default:
        // hello, and whatever a newer gateway sends.
        break;
    }
  }

  private onClose(code: number, reason: string): void {
    this.capture?.stop();
    this.capture = null;
    this.transport = null;
    if (this.ended) {
      return;
    }
    if (code === 1000) {
      this.finish(reason !== "" ? reason : "ended");
      return;
    }
    if (FINAL_CLOSE_CODES.has(code) || this.reconnects >= MAX_RECONNECTS) {
      this.finish(this.started ? "connection-lost" : "connection-failed");
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnects += 1;
    const delay = Math.min(500 * 2 ** this.reconnects, MAX_RECONNECT_DELAY_MS);
    this.reconnectTimer = setTimeout(
      guard("reconnect", () => {
        this.reconnectTimer = null;
        this.options
          .refreshGrant()
          .then((grant) => {
            if (!this.ended) {
              this.connect(grant);
            }
          })
          .catch((error: unknown) => {
            if (this.ended) {
              return;
            }
            if (error instanceof TandemError && error.reason === "session-ended") {
              this.finish("ended");
            } else if (this.reconnects >= MAX_RECONNECTS) {
              reportError(error, "reconnect");
              this.finish(this.started ? "connection-lost" : "connection-failed");
            } else {
              this.scheduleReconnect();
            }
          });
      }),
      delay,
    );
  }

  private finish(reason: string): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.configWatcher?.stop();
    if (this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    if (this.frameCheck !== null) {
      clearInterval(this.frameCheck);
      this.frameCheck = null;
    }
    this.capture?.stop();
    this.capture = null;
    this.transport?.close();
    this.transport = null;
    this.frame?.remove();
    this.frame = null;
    this.presence.remove();
    this.options.onEnded(reason);
  }
}
