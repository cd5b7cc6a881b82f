/**
 * `<tandem-viewer>`: the visitor's page, rebuilt without scripts in a sandboxed iframe, with the
 * visitor's pointer on top. The agent points and highlights by moving and clicking on it.
 */
import type { AgentMessage } from "@tandem/protocol";
import { SnapshotAssembly } from "./assembly.js";
import { AgentConnection, gatewayBases, type Frame } from "./connection.js";
import { Replica } from "./replica.js";
import { between, caretAt, viewRanges, ViewMarks, wireRanges } from "./selection.js";
import { VIEWER_STYLES } from "./styles.js";

/** `away`: the visitor's page is there but the visitor switched to another tab or window. */
export type ViewerStatus = "idle" | "connecting" | "waiting" | "live" | "away" | "ended";

export type ViewerMode = "VIEW_ONLY" | "SHARED";

export interface ViewerStatusDetail {
  status: ViewerStatus;
  reason?: string;
}

export interface ViewerConnectOptions {
  /**
   * ws:// or wss:// base of the relay gateway, or several replicas (a list, or one string separated by
   * commas): the viewer starts with the first and, when a replica goes away, reconnects to the next.
   */
  gatewayUrl: string | readonly string[];
  /** The agent's join token from session-service. */
  joinToken: string;
  /** The agent's OIDC access token: the gateway checks that it is the session's agent. */
  accessToken?: string;
  /**
   * The session's id, sent as `?session=` so that an ingress hashing on it puts both sides of a
   * session on one gateway replica (frames then skip the Kafka hop). Not a credential.
   */
  sessionId?: string;
  /** The agent's display name: the label of its pointer on the visitor's page. */
  agentName?: string;
  /**
   * The site's `allowedOrigins` (from its config, a source the visitor cannot forge): the only
   * origins the rebuilt page may load images, styles, fonts and media from. Without them, the
   * origin of the address the visitor's snapshot names.
   */
  allowedOrigins?: readonly string[];
}

/** The entries of a list that are http(s) origins exactly as `URL#origin` writes them. */
function originsOf(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) {
    return undefined;
  }
  return list.filter((entry): entry is string => {
    try {
      const url = new URL(String(entry));
      return (url.protocol === "http:" || url.protocol === "https:") && url.origin === entry;
    } catch {
      return false;
    }
  });
}

/** What the visitor's tag answered when it did not carry out an action (`refused`), in words. */
const REFUSALS: Record<string, string> = {
  "view-only": "the session is view-only",
  submit: "only the visitor can submit",
  "secret-field": "the field is private",
  blocked: "that part of the page is private",
  "file-input": "only the visitor can choose files",
  "no-agent-control": "the site does not allow that",
  "unsafe-url": "that address is not allowed",
  "other-origin": "only pages of the same site",
  "new-window": "no new tabs or windows",
  disabled: "it is disabled",
  "not-found": "the page changed",
};

/** Keys without text that are sent as `key`. */
const KEYS = new Set(["Backspace", "Delete", "Enter", "Escape", "Tab", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"]);

const RESYNC_INTERVAL_MS = 2_000;
/**
 * The latency probe: a `ping` every 15 s while the visitor's page is shown (and at once when it comes),
 * answered by the tag's `pong`. Round trip below 150 ms is good, below 400 ms fair, else poor; no answer
 * within 5 s shows "no answer". The visitor's side sends one pong of about 30 bytes on the wire per
 * 15 s: about 0.12 KB a minute.
 */
export const PING_INTERVAL_MS = 15_000;
export const PING_TIMEOUT_MS = 5_000;
export const LATENCY_GOOD_MS = 150;
export const LATENCY_FAIR_MS = 400;
const END_GRACE_MS = 2_000;
const DEFAULT_VIEWPORT = { w: 1280, h: 800 };
const ARROW_PATH = "M1 1 L1 15 L5 11 L8 17 L10.5 16 L7.5 10 L13 10 Z";

const MESSAGES: Record<ViewerStatus, string> = {
  idle: "Not connected.",
  connecting: "Connecting\u2026",
  waiting: "Waiting for the visitor\u2019s page\u2026",
  live: "",
  away: "The visitor is away (another tab or window). Their page shows again when they come back.",
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
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pingTimeout: ReturnType<typeof setTimeout> | null = null;
  /** The outstanding probe; its counter starts anywhere so that an observer's probes do not match ours. */
  private ping: { n: number; at: number } | null = null;
  private pingCounter = Math.floor(Math.random() * 1_000_000);
  private readonly latency: HTMLSpanElement;
  /** The visitor's tag said its tab is hidden (`away`): "live" shows as "away" until it says otherwise. */
  private visitorAway = false;
  /** The visitor agreed that this view follows them across the site's tabs (their tag's `follow`). */
  private followingTabs = false;
  /** A `follow-request` is out and its answer not in yet. */
  private followAsked = false;
  private readonly followButton: HTMLButtonElement;
  /** A chunked snapshot being put together, and the changes that arrived meanwhile. */
  private assembly: SnapshotAssembly | null = null;
  private held: Frame[] = [];
  /** `seq` of the last page-state frame; a gap means a lost frame, so a fresh snapshot. */
  private lastSeq: number | null = null;
  private currentMode: ViewerMode = "VIEW_ONLY";
  private agentName = "";
  /** The field the agent last clicked in shared mode: where its typing goes. */
  private focusId: number | null = null;
  private pendingCursor: Frame | null = null;
  private cursorFrame: number | null = null;
  private readonly toolbar: HTMLDivElement;
  private readonly modeBadge: HTMLSpanElement;
  private readonly notice: HTMLDivElement;
  private picker: HTMLSelectElement | null = null;
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private allowedOrigins: string[] | undefined;
  private originsFromOptions = false;
  /** Match the visitor's viewport by scaling it into the element (the default), or show it at actual size. */
  private fit = true;
  private readonly marks: HTMLDivElement;
  /** The visitor's text selection, and the agent's own (sent to the visitor's page). */
  private readonly visitorSelection: ViewMarks;
  private readonly agentSelection: ViewMarks;
  /** Where a drag over the view started; a drag selects text instead of clicking. */
  private dragFrom: { x: number; y: number } | null = null;
  private selecting = false;
  private skipClick = false;
  /** What a drag over the view does: select text, draw with the pen, or point with the laser. */
  private tool: "select" | "pen" | "laser" = "select";
  private stroke: { id: number; points: number[]; sent: number; laser: boolean; path: SVGPathElement } | null = null;
  private strokeIds = 0;
  private strokeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly ink: SVGSVGElement;
  private readonly inkGroup: SVGGElement;
  private readonly toolButtons = new Map<string, HTMLButtonElement>();

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
    this.marks = document.createElement("div");
    this.marks.className = "marks";
    this.visitorSelection = new ViewMarks(this.marks, "visitor-selection", "viewer-visitor-selection");
    this.agentSelection = new ViewMarks(this.marks, "agent-selection", "viewer-agent-selection");
    this.ink = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.ink.setAttribute("class", "ink");
    this.inkGroup = document.createElementNS("http://www.w3.org/2000/svg", "g");
    this.ink.append(this.inkGroup);
    this.stage.append(this.iframe, this.marks, this.ink, this.overlay, this.cursor);
    this.message = document.createElement("div");
    this.message.className = "message";
    this.message.setAttribute("role", "status");
    this.message.setAttribute("data-testid", "viewer-message");
    this.message.textContent = MESSAGES.idle;
    this.overlay.tabIndex = 0;
    this.overlay.setAttribute("aria-label", "The visitor\u2019s page");
    this.modeBadge = document.createElement("span");
    this.modeBadge.className = "mode";
    this.modeBadge.setAttribute("data-testid", "viewer-mode");
    this.latency = document.createElement("span");
    this.latency.className = "latency";
    this.latency.setAttribute("data-testid", "viewer-latency");
    this.latency.hidden = true;
    this.followButton = document.createElement("button");
    this.toolbar = this.createToolbar();
    this.notice = document.createElement("div");
    this.notice.className = "notice";
    this.notice.hidden = true;
    this.notice.setAttribute("role", "status");
    this.notice.setAttribute("data-testid", "viewer-notice");
    root.append(style, this.stage, this.message, this.toolbar, this.notice);
    // No attributes on the element itself here: createElement forbids it in a custom element's constructor.
    this.showMode(false);
    this.overlay.addEventListener("keydown", (event) => this.safely(() => this.onKeyDown(event)));
    this.overlay.addEventListener("paste", (event) => this.safely(() => this.onPaste(event)));
    this.overlay.addEventListener("wheel", (event) => this.safely(() => this.onWheel(event)), { passive: false });

    this.overlay.addEventListener("mousedown", (event) => this.safely(() => this.onMouseDown(event)));
    this.overlay.addEventListener("mouseup", (event) => this.safely(() => this.onMouseUp(event)));
    this.overlay.addEventListener("mousemove", (event) => this.safely(() => this.onMouseMove(event)));
    this.overlay.addEventListener("click", (event) => this.safely(() => this.onClick(event)));
    this.resizeObserver = typeof ResizeObserver === "function" ? new ResizeObserver(() => this.safely(() => this.layout())) : null;
  }

  /** Where the viewer is: connecting, waiting (for the visitor's page), live, ended. */
  get status(): ViewerStatus {
    return this.currentStatus;
  }

  /** Whether the visitor agreed that this view follows them to whichever tab of the site they are on. */
  get following(): boolean {
    return this.followingTabs;
  }

  /** The session's mode as the gateway last said: clicks and typing go to the visitor's page only when `SHARED`. */
  get mode(): ViewerMode {
    return this.currentMode;
  }

  connectedCallback(): void {
    this.showMode();
    this.resizeObserver?.observe(this);
    this.layout();
  }

  disconnectedCallback(): void {
    this.resizeObserver?.disconnect();
    this.teardown();
  }

  connect(options: ViewerConnectOptions): void {
    const bases = typeof options?.gatewayUrl === "string" || Array.isArray(options?.gatewayUrl)
      ? gatewayBases(options.gatewayUrl)
      : [];
    if (bases.length === 0 || typeof options.joinToken !== "string" || options.joinToken === "") {
      throw new TypeError("tandem-viewer: connect needs a ws(s):// gatewayUrl and a joinToken");
    }
    this.teardown();
    this.resetView();
    this.agentName = typeof options.agentName === "string" ? options.agentName.slice(0, 40) : "";
    this.allowedOrigins = originsOf(options.allowedOrigins);
    this.originsFromOptions = this.allowedOrigins !== undefined;
    this.setStatus("connecting");
    const query = typeof options.sessionId === "string" && options.sessionId !== ""
      ? `?session=${encodeURIComponent(options.sessionId)}`
      : "";
    this.connection = new AgentConnection(bases.map((base) => `${base}/ws/agent${query}`), options.joinToken, {
      open: () => this.safely(() => this.setStatus("waiting")),
      frame: (frame) => this.safely(() => this.onFrame(frame)),
      close: (code, reason) => this.safely(() => this.onClose(code, reason)),
      // The view stays as it was; the connection asks for a fresh snapshot once it is back.
      reconnecting: () => this.safely(() => {
        // The rest of a snapshot being put together went to the old connection: it never comes.
        this.abandonPartialSnapshot();
        this.setStatus("connecting", "reconnecting");
      }),
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

  /**
   * A chunked snapshot that will get no more parts (the visitor left, or this connection dropped).
   * Once its first record is shown the screen holds part of a page: it is taken down (the "waiting"
   * message shows) until the next snapshot, which is shown whole. Before that the last complete page
   * stays. Changes are ignored until the next snapshot either way.
   */
  private abandonPartialSnapshot(): void {
    const assembly = this.assembly;
    if (assembly === null) {
      return;
    }
    this.dropAssembly();
    this.lastSeq = null;
    this.awaitingSnapshot = true;
    if (assembly.begun) {
      this.resetView();
    }
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
        this.setMode(frame["mode"]);
        // The gateway names the site's allowed origins (from the site's config, which the visitor cannot
        // forge); unless the page embedding the viewer gave its own, they decide what the rebuilt page may load.
        if (!this.originsFromOptions) {
          const origins = originsOf(frame["origins"]);
          if (origins !== undefined) {
            this.allowedOrigins = origins;
          }
        }
        if (frame["peerConnected"] === true && this.replica === null) {
          this.requestResync(true);
        }
        break;
      case "mode":
        this.setMode(frame["mode"]);
        break;
      case "refused":
        this.showNotice(`Not done: ${REFUSALS[String(frame["reason"])] ?? "the visitor\u2019s page refused it"}.`);
        break;
      case "peer":
        if (frame["role"] === "visitor" && frame["connected"] === false) {
          // The visitor's next connection starts a new snapshot: the parts still missing never come.
          this.abandonPartialSnapshot();
          this.visitorAway = false;
          this.showLatency(null);
          this.setStatus("waiting", "visitor-away");
        }
        break;
      case "pong":
        this.onPong(frame["n"]);
        break;
      case "follow":
        this.onFollow(frame["on"] === true);
        break;
      case "away":
        this.visitorAway = frame["away"] === true;
        if (this.currentStatus === "live" || this.currentStatus === "away") {
          this.setStatus("live");
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
          this.pendingCursor = frame;
          this.cursorFrame ??= requestAnimationFrame(() => this.safely(() => this.placeCursor()));
        }
        break;
      case "selection":
        this.visitorSelection.show(this.replica === null ? [] : viewRanges(frame["ranges"], this.replica, this.replica.document), this.iframe.contentWindow);
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
    this.replica = Replica.build(iframe, snapshot, this.allowedOrigins);
    iframe.contentWindow?.addEventListener("scroll", () => this.safely(() => this.followInk()), { passive: true });
    this.followInk();
    // Fresh ids: both selections named the old ones (the tag sends its selection again).
    this.visitorSelection.clear();
    this.agentSelection.clear();
    this.awaitingSnapshot = false;
    this.clearResyncTimer();
    this.setStatus("live");
    this.startPinging();
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
    if (this.cursorFrame !== null) {
      cancelAnimationFrame(this.cursorFrame);
      this.cursorFrame = null;
    }
    this.pendingCursor = null;
    this.visitorSelection.remove();
    this.agentSelection.remove();
    this.dragFrom = null;
    this.selecting = false;
    this.stroke = null;
    if (this.strokeTimer !== null) {
      clearTimeout(this.strokeTimer);
      this.strokeTimer = null;
    }
    this.inkGroup.replaceChildren();
    this.focusId = null;
    this.closePicker();
    this.pendingPointer = null;
    this.stopPinging();
    this.visitorAway = false;
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

  /** Probes the round trip to the visitor's page now (unless a probe is out) and then every 15 s. */
  private startPinging(): void {
    if (this.ping === null) {
      this.sendPing();
    }
    this.pingTimer ??= setInterval(() => this.safely(() => this.sendPing()), PING_INTERVAL_MS);
  }

  private stopPinging(): void {
    if (this.pingTimer !== null) {
      clearInterval(this.pingTimer);
      this.pingTimer = null;
    }
    if (this.pingTimeout !== null) {
      clearTimeout(this.pingTimeout);
      this.pingTimeout = null;
    }
    this.ping = null;
    this.latency.hidden = true;
    this.latency.removeAttribute("data-quality");
  }

  private sendPing(): void {
    const connection = this.connection;
    if (connection === null) {
      return;
    }
    this.pingCounter = (this.pingCounter + 1) % 1_000_000_000;
    this.ping = { n: this.pingCounter, at: performance.now() };
    connection.send({ t: "ping", n: this.pingCounter });
    if (this.pingTimeout !== null) {
      clearTimeout(this.pingTimeout);
    }
    this.pingTimeout = setTimeout(() => this.safely(() => {
      this.pingTimeout = null;
      this.ping = null;
      this.showLatency(null);
    }), PING_TIMEOUT_MS);
  }

  private onPong(n: unknown): void {
    const ping = this.ping;
    if (ping === null || n !== ping.n) {
      return;
    }
    this.ping = null;
    if (this.pingTimeout !== null) {
      clearTimeout(this.pingTimeout);
      this.pingTimeout = null;
    }
    this.showLatency(performance.now() - ping.at);
  }

  /** The round trip in ms with good/fair/poor, or "no answer" (`null`). */
  private showLatency(ms: number | null): void {
    if (this.pingTimer === null && ms === null) {
      return;
    }
    const quality = ms === null ? "none" : ms < LATENCY_GOOD_MS ? "good" : ms < LATENCY_FAIR_MS ? "fair" : "poor";
    const words = { none: "no answer", good: "good", fair: "fair", poor: "poor" }[quality];
    this.latency.hidden = false;
    this.latency.setAttribute("data-quality", quality);
    this.latency.textContent = ms === null ? "No answer" : `${Math.round(ms)} ms`;
    this.latency.title = `Round trip to the visitor\u2019s page: ${words} (good below ${LATENCY_GOOD_MS} ms, fair below ${LATENCY_FAIR_MS} ms)`;
    this.latency.setAttribute("aria-label", this.latency.title);
  }

  private setStatus(requested: ViewerStatus, reason?: string): void {
    const status = requested === "live" && this.visitorAway ? "away" : requested;
    if (status === this.currentStatus && status === "away") {
      return;
    }
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
    // Fit: the visitor's whole viewport scaled into the element; otherwise actual size, scrolled.
    this.scale = this.fit ? Math.min(1, byWidth, byHeight) : 1;
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

  /** A press starts what may become a drag: a drag selects text (both modes), a click stays a click. */
  private onMouseDown(event: MouseEvent): void {
    this.selecting = false;
    if (this.tool !== "select") {
      this.dragFrom = null;
      if (this.currentStatus === "live" && event.button === 0 && this.replica !== null) {
        event.preventDefault();
        this.startStroke(this.toVisitor(event));
      }
      return;
    }
    this.dragFrom = this.currentStatus === "live" && event.button === 0 && !event.ctrlKey && !event.metaKey
      ? this.toVisitor(event)
      : null;
  }

  private onMouseUp(event: MouseEvent): void {
    if (this.stroke !== null) {
      this.addPoint(this.toVisitor(event));
      this.endStroke();
      this.skipClick = true;
      return;
    }
    if (this.selecting) {
      this.selectTo(this.toVisitor(event), true);
      this.skipClick = true;
    }
    this.dragFrom = null;
    this.selecting = false;
  }

  /** A pen or laser stroke: in the visitor's page coordinates, sent as it is drawn (every 50 ms). */
  private startStroke(at: { x: number; y: number }): void {
    this.strokeIds += 1;
    const laser = this.tool === "laser";
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("class", laser ? "laser" : "pen");
    path.setAttribute("data-testid", laser ? "viewer-laser" : "viewer-drawing");
    this.inkGroup.append(path);
    this.stroke = { id: this.strokeIds, points: [], sent: 0, laser, path };
    this.addPoint(at);
  }

  private addPoint(at: { x: number; y: number }): void {
    const stroke = this.stroke;
    const replica = this.replica;
    if (stroke === null || replica === null || stroke.points.length >= 8_000) {
      return;
    }
    const scroll = replica.scrollPosition();
    const x = Math.round((at.x + scroll.x) * 10) / 10;
    const y = Math.round((at.y + scroll.y) * 10) / 10;
    const n = stroke.points.length;
    if (n >= 2 && Math.hypot(x - (stroke.points[n - 2] as number), y - (stroke.points[n - 1] as number)) < 2) {
      return;
    }
    stroke.points.push(x, y);
    stroke.path.setAttribute("d", stroke.points.reduce((d, v, i) => d + (i % 2 === 0 ? `${i === 0 ? "M" : "L"}${v}` : ` ${v}`), ""));
    this.strokeTimer ??= setTimeout(() => this.safely(() => this.flushStroke()), 50);
  }

  private flushStroke(): void {
    if (this.strokeTimer !== null) {
      clearTimeout(this.strokeTimer);
      this.strokeTimer = null;
    }
    const stroke = this.stroke;
    if (stroke === null || stroke.sent >= stroke.points.length) {
      return;
    }
    const points = stroke.points.slice(stroke.sent);
    stroke.sent = stroke.points.length;
    this.connection?.send(stroke.laser ? { t: "draw", id: stroke.id, points, laser: true } : { t: "draw", id: stroke.id, points });
  }

  private endStroke(): void {
    const stroke = this.stroke;
    this.flushStroke();
    this.stroke = null;
    if (stroke?.laser === true) {
      setTimeout(() => stroke.path.remove(), 1_200);
    }
  }

  /** Strokes are in page coordinates: the view's own scroll moves them. */
  private followInk(): void {
    const scroll = this.replica?.scrollPosition() ?? { x: 0, y: 0 };
    this.inkGroup.setAttribute("transform", `translate(${-scroll.x} ${-scroll.y})`);
  }

  private erase(): void {
    for (const path of Array.from(this.inkGroup.querySelectorAll("path.pen"))) {
      path.remove();
    }
    if (this.currentStatus === "live") {
      this.connection?.send({ t: "erase" });
    }
  }

  private setTool(tool: "select" | "pen" | "laser"): void {
    this.tool = this.tool === tool ? "select" : tool;
    for (const [name, button] of this.toolButtons) {
      button.setAttribute("aria-pressed", String(name === this.tool));
    }
    this.toggleAttribute("data-drawing", this.tool !== "select");
  }

  /** Selects the text between the drag's start and `to` in the view; sends it once the drag ends. */
  private selectTo(to: { x: number; y: number }, send: boolean): void {
    const replica = this.replica;
    const from = this.dragFrom;
    if (replica === null || from === null) {
      return;
    }
    const doc = replica.document;
    const a = caretAt(doc, from.x, from.y);
    const b = caretAt(doc, to.x, to.y);
    const range = a === null || b === null ? null : between(doc, a, b);
    this.agentSelection.show(range === null || range.collapsed ? [] : [range], this.iframe.contentWindow);
    if (send) {
      this.connection?.send({ t: "selection", ranges: wireRanges(range, replica) });
    }
  }

  private onMouseMove(event: MouseEvent): void {
    if (this.currentStatus !== "live") {
      return;
    }
    if (this.stroke !== null && (event.buttons & 1) === 1) {
      this.addPoint(this.toVisitor(event));
    }
    if (this.dragFrom !== null && (event.buttons & 1) === 1) {
      const at = this.toVisitor(event);
      if (this.selecting || Math.hypot(at.x - this.dragFrom.x, at.y - this.dragFrom.y) > 4 / this.scale) {
        this.selecting = true;
        this.selectTo(at, false);
      }
    }
    this.pendingPointer = this.toVisitor(event);
    this.pointerFrame ??= requestAnimationFrame(() => {
      this.pointerFrame = null;
      const point = this.pendingPointer;
      this.pendingPointer = null;
      if (point !== null) {
        this.connection?.send({ t: "pointer", x: point.x, y: point.y, ...this.anchorOf(point.x, point.y), ...(this.agentName === "" ? {} : { name: this.agentName }) });
      }
    });
  }

  private onClick(event: MouseEvent): void {
    if (this.currentStatus !== "live") {
      return;
    }
    event.preventDefault();
    if (this.skipClick) {
      // the end of a drag that selected text
      this.skipClick = false;
      return;
    }
    if (this.agentSelection.count > 0) {
      this.agentSelection.clear();
      this.connection?.send({ t: "selection", ranges: [] });
    }
    const { x, y } = this.toVisitor(event);
    const wiggle = event.ctrlKey || event.metaKey;
    const id = this.replica?.idAt(x, y);
    this.connection?.send(id === undefined ? { t: "highlight", x, y, wiggle } : { t: "highlight", x, y, id, wiggle });
    this.closePicker();
    if (this.currentMode === "SHARED" && !wiggle && id !== undefined) {
      this.control(id, x, y);
    }
    const ring = document.createElement("div");
    ring.className = "ring";
    ring.style.left = `${x}px`;
    ring.style.top = `${y}px`;
    this.stage.append(ring);
    setTimeout(() => ring.remove(), 950);
  }
  /** The element under a point of the view and the point's place in it, as fractions of its box. */
  private anchorOf(x: number, y: number): { id?: number; fx?: number; fy?: number } {
    const id = this.replica?.idAt(x, y);
    const el = id === undefined ? undefined : this.replica?.element(id);
    if (id === undefined || el === undefined) {
      return {};
    }
    const box = el.getBoundingClientRect();
    const fraction = (v: number, from: number, size: number): number => (size > 0 ? Math.round(((v - from) / size) * 1000) / 1000 : 0);
    return { id, fx: fraction(x, box.left, box.width), fy: fraction(y, box.top, box.height) };
  }

  /** The visitor's pointer: on the same place of the same element when it is in the view. */
  private placeCursor(): void {
    this.cursorFrame = null;
    const frame = this.pendingCursor;
    this.pendingCursor = null;
    if (frame === null) {
      return;
    }
    let x = frame["x"] as number;
    let y = frame["y"] as number;
    const { id, fx, fy } = frame;
    const el = finite(id) ? this.replica?.element(id) : undefined;
    if (el !== undefined && finite(fx) && finite(fy) && fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) {
      // Where both layouts agree the point is already on the element; otherwise the anchor wins.
      const box = el.getBoundingClientRect();
      if (x < box.left || x > box.right || y < box.top || y > box.bottom) {
        x = box.left + fx * box.width;
        y = box.top + fy * box.height;
      }
    }
    this.cursor.hidden = false;
    this.cursor.style.transform = `translate(${x}px, ${y}px)`;
  }

  private setMode(mode: unknown): void {
    if ((mode !== "SHARED" && mode !== "VIEW_ONLY") || mode === this.currentMode) {
      return;
    }
    this.currentMode = mode;
    this.focusId = null;
    this.closePicker();
    this.showMode();
    this.dispatchEvent(new CustomEvent<{ mode: ViewerMode }>("mode", { detail: { mode } }));
  }

  private showMode(reflect = true): void {
    const shared = this.currentMode === "SHARED";
    if (reflect) {
      this.setAttribute("data-mode", this.currentMode);
    }
    this.modeBadge.textContent = shared ? "Shared control" : "View only";
    for (const el of Array.from(this.toolbar.querySelectorAll<HTMLElement>("[data-shared]"))) {
      el.hidden = !shared;
    }
  }

  private createToolbar(): HTMLDivElement {
    const bar = document.createElement("div");
    bar.className = "toolbar";
    const button = (label: string, testId: string, onClick: () => void): HTMLButtonElement => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.setAttribute("data-testid", testId);
      b.setAttribute("data-shared", "");
      b.addEventListener("click", () => this.safely(onClick));
      return b;
    };
    const url = document.createElement("input");
    url.type = "url";
    url.placeholder = "Same-site address";
    url.setAttribute("aria-label", "Open an address on the visitor\u2019s site");
    url.setAttribute("data-testid", "viewer-url");
    url.setAttribute("data-shared", "");
    const go = (): void => {
      if (url.value.trim() !== "") {
        this.sendControl({ t: "navigate", action: "go", url: url.value.trim() });
        url.value = "";
      }
    };
    url.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.safely(go);
      }
    });
    const fit = document.createElement("button");
    fit.type = "button";
    fit.textContent = "Fit";
    fit.title = "Scale the visitor\u2019s window to fit";
    fit.setAttribute("aria-pressed", "true");
    fit.setAttribute("data-testid", "viewer-fit");
    fit.addEventListener("click", () => this.safely(() => {
      this.fit = !this.fit;
      fit.setAttribute("aria-pressed", String(this.fit));
      this.toggleAttribute("data-actual-size", !this.fit);
      this.layout();
    }));
    const full = document.createElement("button");
    full.type = "button";
    full.textContent = "\u26f6";
    full.title = "Full screen";
    full.setAttribute("aria-label", "Full screen");
    full.setAttribute("data-testid", "viewer-fullscreen");
    full.addEventListener("click", () => this.safely(() => {
      if (document.fullscreenElement === this) {
        void document.exitFullscreen();
      } else if (typeof this.requestFullscreen === "function") {
        void this.requestFullscreen().catch(() => undefined);
      }
    }));
    const tool = (name: "pen" | "laser", label: string, title: string): HTMLButtonElement => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.title = title;
      b.setAttribute("aria-pressed", "false");
      b.setAttribute("data-testid", `viewer-${name}`);
      b.addEventListener("click", () => this.safely(() => this.setTool(name)));
      this.toolButtons.set(name, b);
      return b;
    };
    const erase = document.createElement("button");
    erase.type = "button";
    erase.textContent = "Erase";
    erase.title = "Erase your drawings on the visitor\u2019s page";
    erase.setAttribute("data-testid", "viewer-erase");
    erase.addEventListener("click", () => this.safely(() => this.erase()));
    const follow = this.followButton;
    follow.type = "button";
    follow.textContent = "Follow tabs";
    follow.title = "Ask the visitor to let you follow them to whichever tab of the site they are on";
    follow.setAttribute("aria-pressed", "false");
    follow.setAttribute("data-testid", "viewer-follow");
    follow.addEventListener("click", () => this.safely(() => this.requestFollow()));
    bar.append(
      this.modeBadge,
      this.latency,
      follow,
      tool("pen", "Pen", "Draw on the visitor\u2019s page"),
      tool("laser", "Laser", "Point with a fading laser line"),
      erase,
      fit,
      full,
      button("\u2190 Back", "viewer-back", () => this.sendControl({ t: "navigate", action: "back" })),
      button("\u21bb Reload", "viewer-reload", () => this.sendControl({ t: "navigate", action: "reload" })),
      url,
      button("Go", "viewer-go", go),
    );
    return bar;
  }

  private sendControl(message: AgentMessage): void {
    if (this.currentMode === "SHARED" && this.currentStatus === "live") {
      this.connection?.send(message);
    }
  }

  /** A shared-mode click on a rebuilt element: what the visitor's page should do with it. */
  private control(id: number, x: number, y: number): void {
    const el = this.replica?.element(id);
    if (el === undefined) {
      return;
    }
    const name = el.localName;
    const type = name === "input" ? (el.getAttribute("type") ?? "text").toLowerCase() : "";
    if (name === "select") {
      this.openPicker(id, el as HTMLSelectElement, x, y);
      return;
    }
    if (type === "checkbox" || type === "radio") {
      this.sendControl({ t: "check", id, checked: type === "radio" ? true : !(el as HTMLInputElement).checked });
      return;
    }
    this.sendControl({ t: "click", id });
    const field = name === "textarea" || (name === "input" && !NOT_TEXT.has(type));
    this.focusId = field ? id : null;
    if (field) {
      this.overlay.focus({ preventScroll: true });
    }
  }

  private openPicker(id: number, select: HTMLSelectElement, x: number, y: number): void {
    this.closePicker();
    const picker = document.createElement("select");
    picker.className = "picker";
    picker.setAttribute("data-testid", "viewer-select");
    picker.setAttribute("aria-label", "Choose an option for the visitor");
    picker.size = Math.min(8, Math.max(2, select.options.length));
    for (const option of Array.from(select.options)) {
      const copy = document.createElement("option");
      copy.textContent = option.textContent;
      copy.disabled = option.disabled;
      picker.append(copy);
    }
    picker.selectedIndex = select.selectedIndex;
    const stageBox = this.stage.getBoundingClientRect();
    const hostBox = this.getBoundingClientRect();
    picker.style.left = `${stageBox.left - hostBox.left + x * this.scale}px`;
    picker.style.top = `${stageBox.top - hostBox.top + y * this.scale}px`;
    const choose = (): void => {
      const index = picker.selectedIndex;
      this.closePicker();
      if (index >= 0) {
        this.sendControl({ t: "select", id, index });
      }
    };
    picker.addEventListener("change", () => this.safely(choose));
    picker.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        this.safely(() => this.closePicker());
      }
    });
    this.shadowRoot?.append(picker);
    this.picker = picker;
    picker.focus();
  }

  private closePicker(): void {
    this.picker?.remove();
    this.picker = null;
  }

  /** Typing in shared mode goes to the field the agent last clicked. */
  private onKeyDown(event: KeyboardEvent): void {
    if (this.currentMode !== "SHARED" || this.currentStatus !== "live" || this.focusId === null) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key.length === 1) {
      event.preventDefault();
      this.sendControl({ t: "type", id: this.focusId, text: event.key });
    } else if (KEYS.has(event.key)) {
      event.preventDefault();
      this.sendControl({ t: "key", id: this.focusId, key: event.key });
    }
  }

  private onPaste(event: ClipboardEvent): void {
    const text = event.clipboardData?.getData("text/plain") ?? "";
    if (this.currentMode === "SHARED" && this.focusId !== null && text !== "") {
      event.preventDefault();
      this.sendControl({ t: "type", id: this.focusId, text: text.slice(0, 10_000) });
    }
  }

  /** Shared: the wheel scrolls the visitor's page; view-only: only the agent's own view. */
  private onWheel(event: WheelEvent): void {
    const replica = this.replica;
    if (this.currentStatus !== "live" || replica === null) {
      return;
    }
    event.preventDefault();
    const dx = event.deltaX / this.scale;
    const dy = event.deltaY / this.scale;
    if (this.currentMode === "SHARED") {
      const { x, y } = replica.scrollPosition();
      this.sendControl({ t: "scroll-to", id: 0, x: Math.max(0, Math.round(x + dx)), y: Math.max(0, Math.round(y + dy)) });
    } else {
      replica.scrollBy(dx, dy);
    }
  }

  /** Asks the visitor to let this view follow them across the site's tabs (they are asked; nothing moves before a yes). */
  requestFollow(): void {
    if (this.followingTabs || (this.currentStatus !== "live" && this.currentStatus !== "away")) {
      return;
    }
    this.followAsked = true;
    this.connection?.send({ t: "follow-request" });
    this.showNotice("Asked the visitor whether you may follow them to their other tabs of this site.");
  }

  private onFollow(on: boolean): void {
    const asked = this.followAsked;
    this.followAsked = false;
    if (on !== this.followingTabs) {
      this.followingTabs = on;
      this.followButton.setAttribute("aria-pressed", String(on));
      this.toggleAttribute("data-following", on);
      this.dispatchEvent(new CustomEvent<{ on: boolean }>("follow", { detail: { on } }));
      this.showNotice(on ? "You now follow the visitor to whichever tab of the site they are on."
        : "The visitor stopped you following them across tabs.");
    } else if (asked && !on) {
      this.showNotice("The visitor declined: you see only the tab where the session started.");
    }
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    if (this.noticeTimer !== null) {
      clearTimeout(this.noticeTimer);
    }
    this.noticeTimer = setTimeout(() => {
      this.notice.hidden = true;
    }, 4_000);
  }
}

/** Input types that take no typing. */
const NOT_TEXT = new Set(["button", "submit", "reset", "image", "file", "checkbox", "radio", "range", "color", "hidden"]);
