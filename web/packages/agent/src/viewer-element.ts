/**
 * `<tandem-viewer>`: the visitor's page, rebuilt without scripts in a sandboxed iframe, with the
 * visitor's pointer on top. The agent points and highlights by moving and clicking on it.
 */
import { SnapshotAssembly } from "./assembly.js";
import { AgentConnection, type Frame } from "./connection.js";
import { Replica } from "./replica.js";
import { VIEWER_STYLES } from "./styles.js";

export type ViewerStatus = "idle" | "connecting" | "waiting" | "live" | "ended";

export interface ViewerStatusDetail {
  status: ViewerStatus;
  reason?: string;
}

export interface ViewerConnectOptions {
  /** ws:// or wss:// base of the relay gateway. */
  gatewayUrl: string;
  /** The agent's join token from session-service. */
  joinToken: string;
  /** The agent's OIDC access token: the gateway checks that it is the session's agent. */
  accessToken?: string;
  /**
   * The session's id, sent as `?session=` so that an ingress hashing on it puts both sides of a
   * session on one gateway replica (frames then skip the Kafka hop). Not a credential.
   */
  sessionId?: string;
}

const RESYNC_INTERVAL_MS = 2_000;
const END_GRACE_MS = 2_000;
const DEFAULT_VIEWPORT = { w: 1280, h: 800 };
const ARROW_PATH = "M1 1 L1 15 L5 11 L8 17 L10.5 16 L7.5 10 L13 10 Z";

const MESSAGES: Record<ViewerStatus, string> = {
  idle: "Not connected.",
  connecting: "Connecting\u2026",
  waiting: "Waiting for the visitor\u2019s page\u2026",
  live: "",
  ended: "The co-browsing session has ended.",
};

function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export class TandemViewerElement extends HTMLElement {
  private readonly stage: HTMLDivElement;
  private iframe: HTMLIFrameElement;
  private readonly overlay: HTMLDivElement;
  private readonly cursor: HTMLDivElement;
  private readonly message: HTMLDivElement;
  private readonly resizeObserver: ResizeObserver | null;
  private connection: AgentConnection | null = null;
  private replica: Replica | null = null;
  private awaitingSnapshot = true;
  private lastResyncAt = -Infinity;
  private resyncTimer: ReturnType<typeof setTimeout> | null = null;
  private endTimer: ReturnType<typeof setTimeout> | null = null;
  private viewport = { ...DEFAULT_VIEWPORT };
  private scale = 1;
  private pendingPointer: { x: number; y: number } | null = null;
  private pointerFrame: number | null = null;
  private currentStatus: ViewerStatus = "idle";
  /** A chunked snapshot being put together, and the changes that arrived meanwhile. */
  private assembly: SnapshotAssembly | null = null;
  private held: Frame[] = [];
  /** `seq` of the last page-state frame; a gap means a lost frame, so a fresh snapshot. */
  private lastSeq: number | null = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent = VIEWER_STYLES;
    this.stage = document.createElement("div");
    this.stage.className = "stage";
    this.stage.hidden = true;
    this.iframe = this.createFrame();
    this.overlay = document.createElement("div");
    this.overlay.className = "overlay";
    this.overlay.setAttribute("data-testid", "viewer-overlay");
    this.cursor = this.createCursor();
    this.stage.append(this.iframe, this.overlay, this.cursor);
    this.message = document.createElement("div");
    this.message.className = "message";
    this.message.setAttribute("role", "status");
    this.message.textContent = MESSAGES.idle;
    root.append(style, this.stage, this.message);

    this.overlay.addEventListener("mousemove", (event) => this.safely(() => this.onMouseMove(event)));
    this.overlay.addEventListener("click", (event) => this.safely(() => this.onClick(event)));
    this.resizeObserver = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.safely(() => this.layout())) : null;
  }

  /** Where the viewer is: connecting, waiting (for the visitor's page), live, ended. */
  get status(): ViewerStatus {
    return this.currentStatus;
  }

  connectedCallback(): void {
    this.resizeObserver?.observe(this);
    this.layout();
  }

  disconnectedCallback(): void {
    this.resizeObserver?.disconnect();
    this.teardown();
  }

  connect(options: ViewerConnectOptions): void {
    const base = typeof options?.gatewayUrl === "string" ? options.gatewayUrl.replace(/\/+$/, "") : "";
    if (!/^wss?:\/\//i.test(base) || typeof options.joinToken !== "string" || options.joinToken === "") {
      throw new TypeError("tandem-viewer: connect needs a ws(s):// gatewayUrl and a joinToken");
    }
    this.teardown();
    this.resetView();
    this.setStatus("connecting");
    const query = typeof options.sessionId === "string" && options.sessionId !== ""
      ? `?session=${encodeURIComponent(options.sessionId)}`
      : "";
    this.connection = new AgentConnection(`${base}/ws/agent${query}`, options.joinToken, {
      open: () => this.safely(() => this.setStatus("waiting")),
      frame: (frame) => this.safely(() => this.onFrame(frame)),
      close: (code, reason) => this.safely(() => this.onClose(code, reason)),
    }, options.accessToken);
  }

  /** Ends the session for both sides: sends `end`, then waits briefly for the gateway's `ended`. */
  end(): void {
    const connection = this.connection;
    if (connection === null || this.currentStatus === "ended") {
      return;
    }
    connection.send({ t: "end" });
    this.endTimer ??= setTimeout(() => this.safely(() => this.finish("agent-ended")), END_GRACE_MS);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // The viewer never throws into the console page; a broken frame leads to a resync instead.
      if (this.connection !== null) {
        this.requestResync();
      }
    }
  }

  /** Frames that change the page: applied in order, after a snapshot still being assembled. */
  private static readonly PAGE_STATE = new Set(["mutations", "input", "scroll", "viewport"]);

  private onFrame(frame: Frame): void {
    if (!this.checkSequence(frame)) {
      return;
    }
    if (this.assembly !== null && TandemViewerElement.PAGE_STATE.has(frame.t)) {
      this.held.push(frame);
      return;
    }
    this.applyFrame(frame);
  }

  /**
   * Follows `seq`: a snapshot (or its first chunk) starts the count, and any frame that does not
   * follow the one before means something was lost: nothing more is applied until a fresh snapshot.
   */
  private checkSequence(frame: Frame): boolean {
    const seq = frame["seq"];
    if (typeof seq !== "number" || !Number.isInteger(seq)) {
      return true;
    }
    const starts = frame.t === "snapshot" || (frame.t === "snapshot.chunk" && frame["part"] === 0);
    if (starts) {
      this.lastSeq = seq;
      return true;
    }
    if (this.lastSeq === null) {
      return true;
    }
    if (seq !== this.lastSeq + 1) {
      this.lastSeq = null;
      this.dropAssembly();
      if (this.replica !== null || this.currentStatus === "live") {
        this.requestResync();
      }
      return false;
    }
    this.lastSeq = seq;
    return true;
  }

  private dropAssembly(): void {
    this.assembly?.cancel();
    this.assembly = null;
    this.held = [];
  }

  private onChunk(frame: Frame): void {
    const payload = frame["payload"];
    const snapshotId = frame["snapshotId"];
    if (!(payload instanceof Uint8Array) || typeof snapshotId !== "string") {
      return;
    }
    if (frame["part"] === 0) {
      this.dropAssembly();
      const assembly: SnapshotAssembly = new SnapshotAssembly(snapshotId, {
        record: (record, first) => {
          if (this.assembly !== assembly) {
            return;
          }
          if (first) {
            if (record["t"] !== "snapshot" || String(record["snapshotId"]) !== snapshotId) {
              throw new Error("bad first record");
            }
            this.onSnapshot(record as Frame);
          } else if (this.replica !== null && !this.awaitingSnapshot) {
            this.replica.applyPart(record);
          }
        },
        done: () => {
          if (this.assembly !== assembly) {
            return;
          }
          this.safely(() => {
            this.assembly = null;
            this.replica?.finishSnapshot();
            const held = this.held.splice(0);
            for (const next of held) {
              this.applyFrame(next);
            }
          });
        },
        fail: () => {
          if (this.assembly !== assembly) {
            return;
          }
          this.dropAssembly();
          this.requestResync();
        },
      });
      this.assembly = assembly;
    } else if (this.assembly === null || this.assembly.snapshotId !== snapshotId) {
      // The middle of a snapshot whose start this view never saw (it joined late): ignored.
      return;
    }
    this.assembly.push(frame["part"], frame["last"], frame["enc"], payload);
  }

  private applyFrame(frame: Frame): void {
    switch (frame.t) {
      case "snapshot.chunk":
        this.onChunk(frame);
        break;
      case "hello":
        if (frame["peerConnected"] === true && this.replica === null) {
          this.requestResync(true);
        }
        break;
      case "peer":
        if (frame["role"] === "visitor" && frame["connected"] === false) {
          this.setStatus("waiting", "visitor-away");
        }
        break;
      case "snapshot":
        this.dropAssembly();
        this.onSnapshot(frame);
        break;
      case "mutations":
        this.withReplica(frame, (replica) => replica.applyMutations(frame));
        break;
      case "input":
        this.withReplica(frame, (replica) => replica.applyInput(frame));
        break;
      case "scroll":
        this.withReplica(frame, (replica) => replica.scroll(frame));
        break;
      case "viewport":
        if (finite(frame["w"]) && finite(frame["h"])) {
          this.setViewport(frame["w"], frame["h"]);
        }
        break;
      case "pointer":
        if (finite(frame["x"]) && finite(frame["y"])) {
          this.cursor.hidden = false;
          this.cursor.style.transform = `translate(${frame["x"]}px, ${frame["y"]}px)`;
        }
        break;
      case "end":
        this.finish("visitor-ended");
        break;
      case "ended":
        this.finish(typeof frame["reason"] === "string" ? frame["reason"] : "ended");
        break;
      default:
        break;
    }
  }

  private onSnapshot(snapshot: Frame): void {
    const viewport = snapshot["viewport"];
    if (typeof viewport === "object" && viewport !== null) {
      const { w, h } = viewport as Record<string, unknown>;
      if (finite(w) && finite(h)) {
        this.setViewport(w, h);
      }
    }
    // A fresh iframe per snapshot: a clean document, and a policy for this page's origin only.
    const iframe = this.createFrame();
    this.stage.replaceChild(iframe, this.iframe);
    this.iframe = iframe;
    this.replica = null;
    this.stage.hidden = false;
    this.replica = Replica.build(iframe, snapshot);
    this.awaitingSnapshot = false;
    this.clearResyncTimer();
    this.setStatus("live");
  }

  /** Applies a follow-up frame, unless the view is out of step and waits for a snapshot. */
  private withReplica(frame: Frame, apply: (replica: Replica) => void): void {
    const replica = this.replica;
    if (replica === null || this.awaitingSnapshot) {
      return;
    }
    if (frame["snapshotId"] !== undefined && frame["snapshotId"] !== replica.snapshotId) {
      return;
    }
    try {
      apply(replica);
    } catch {
      this.requestResync();
    }
  }

  /** Asks the visitor for a fresh snapshot and ignores changes until it comes; at most every 2 s. */
  private requestResync(force = false): void {
    this.awaitingSnapshot = true;
    if (this.resyncTimer !== null) {
      return;
    }
    const wait = force ? 0 : this.lastResyncAt + RESYNC_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.sendResync();
      return;
    }
    this.resyncTimer = setTimeout(() => {
      this.resyncTimer = null;
      if (this.awaitingSnapshot) {
        this.sendResync();
      }
    }, wait);
  }

  private sendResync(): void {
    this.lastResyncAt = Date.now();
    this.connection?.send({ t: "resync" });
  }

  private clearResyncTimer(): void {
    if (this.resyncTimer !== null) {
      clearTimeout(this.resyncTimer);
      this.resyncTimer = null;
    }
  }

  private onClose(code: number, reason: string): void {
    this.connection = null;
    if (this.currentStatus === "ended") {
      return;
    }
    if (code === 1000) {
      this.finish(reason !== "" ? reason : "ended");
    } else {
      this.finish(`connection-closed-${code}`);
    }
  }

  private finish(reason: string): void {
    if (this.currentStatus === "ended") {
      return;
    }
    this.teardown();
    this.setStatus("ended", reason);
  }

  private teardown(): void {
    this.connection?.close();
    this.connection = null;
    this.clearResyncTimer();
    if (this.endTimer !== null) {
      clearTimeout(this.endTimer);
      this.endTimer = null;
    }
    if (this.pointerFrame !== null) {
      cancelAnimationFrame(this.pointerFrame);
      this.pointerFrame = null;
    }
    this.pendingPointer = null;
    this.awaitingSnapshot = true;
    this.dropAssembly();
    this.lastSeq = null;
  }

  private resetView(): void {
    const iframe = this.createFrame();
    this.stage.replaceChild(iframe, this.iframe);
    this.iframe = iframe;
    this.replica = null;
    this.stage.hidden = true;
    this.cursor.hidden = true;
    this.lastResyncAt = -Infinity;
  }

  private setStatus(status: ViewerStatus, reason?: string): void {
    this.currentStatus = status;
    this.setAttribute("data-status", status);
    const text = status === "ended" && reason !== undefined ? `${MESSAGES.ended} (${reason})` : MESSAGES[status];
    this.message.textContent = text;
    this.message.hidden = status === "live";
    if (status === "ended") {
      this.stage.hidden = true;
    }
    const detail: ViewerStatusDetail = reason === undefined ? { status } : { status, reason };
    this.dispatchEvent(new CustomEvent<ViewerStatusDetail>("status", { detail }));
  }

  private setViewport(w: number, h: number): void {
    this.viewport = { w: Math.max(1, Math.round(w)), h: Math.max(1, Math.round(h)) };
    this.layout();
  }

  /** Sizes the iframe like the visitor's viewport and scales it down to fit the element. */
  private layout(): void {
    const { w, h } = this.viewport;
    this.iframe.style.width = `${w}px`;
    this.iframe.style.height = `${h}px`;
    this.stage.style.width = `${w}px`;
    this.stage.style.height = `${h}px`;
    const box = this.getBoundingClientRect();
    const byWidth = box.width > 0 ? box.width / w : 1;
    const byHeight = box.height > 0 ? box.height / h : byWidth;
    this.scale = Math.min(1, byWidth, byHeight);
    this.stage.style.transform = `scale(${this.scale})`;
  }

  private createFrame(): HTMLIFrameElement {
    const iframe = document.createElement("iframe");
    // Same origin so that the viewer can write into it; never scripts, forms, popups or navigation.
    iframe.setAttribute("sandbox", "allow-same-origin");
    iframe.setAttribute("referrerpolicy", "no-referrer");
    iframe.setAttribute("title", "The visitor\u2019s page");
    iframe.setAttribute("tabindex", "-1");
    iframe.style.width = `${this.viewport.w}px`;
    iframe.style.height = `${this.viewport.h}px`;
    return iframe;
  }

  private createCursor(): HTMLDivElement {
    const cursor = document.createElement("div");
    cursor.className = "cursor";
    cursor.hidden = true;
    cursor.setAttribute("data-testid", "visitor-pointer");
    cursor.setAttribute("aria-hidden", "true");
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 18 18");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ARROW_PATH);
    path.setAttribute("fill", "#b45309");
    path.setAttribute("stroke", "#fff");
    path.setAttribute("stroke-width", "1.2");
    svg.append(path);
    const label = document.createElement("span");
    label.textContent = "Visitor";
    cursor.append(svg, label);
    return cursor;
  }

  /** A point on the view, in the visitor's viewport CSS px. */
  private toVisitor(event: MouseEvent): { x: number; y: number } {
    const box = this.overlay.getBoundingClientRect();
    const x = (event.clientX - box.left) / this.scale;
    const y = (event.clientY - box.top) / this.scale;
    return { x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 };
  }

  private onMouseMove(event: MouseEvent): void {
    if (this.currentStatus !== "live") {
      return;
    }
    this.pendingPointer = this.toVisitor(event);
    this.pointerFrame ??= requestAnimationFrame(() => {
      this.pointerFrame = null;
      const point = this.pendingPointer;
      this.pendingPointer = null;
      if (point !== null) {
        this.connection?.send({ t: "pointer", x: point.x, y: point.y });
      }
    });
  }

  private onClick(event: MouseEvent): void {
    if (this.currentStatus !== "live") {
      return;
    }
    event.preventDefault();
    const { x, y } = this.toVisitor(event);
    const wiggle = event.ctrlKey || event.metaKey;
    const id = this.replica?.idAt(x, y);
    this.connection?.send(id === undefined ? { t: "highlight", x, y, wiggle } : { t: "highlight", x, y, id, wiggle });
    const ring = document.createElement("div");
    ring.className = "ring";
    ring.style.left = `${x}px`;
    ring.style.top = `${y}px`;
    this.stage.append(ring);
    setTimeout(() => ring.remove(), 950);
  }
}
