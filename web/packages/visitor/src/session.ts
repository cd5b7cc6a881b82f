/**
 * A live session on the visitor's side: the socket, capture of the page, the session frame and the
 * agent's pointer. Ends on X, on the agent's End, on the gateway's `ended`, or on a 1000 close.
 */
import type { JoinTokenGrant, ModeRequestView, SessionMode, SiteConfig, VisitorMessage } from "@tandem/protocol";
import { Capture } from "./capture/capture.js";
import type { CaptureFrame } from "./capture/frames.js";
import { CONTROL_TYPES, Controller } from "./control.js";
import { TandemError } from "./errors.js";
import { guard, reportError } from "./guard.js";
import { booleanField, numberField, stringField, type JsonRecord } from "./json.js";
import { backoffDelay, GatewayList, pageAddress, WebSocketTransport } from "./transport.js";
import { AgentPresence } from "./ui/agent-presence.js";
import type { Ask } from "./consent.js";
import type { ConsentPrompt } from "./ui/consent-dialog.js";
import { liveRanges, RangeMarks, SelectionFollower } from "./selection.js";
import { Drawings } from "./ui/drawings.js";
import type { TagHost } from "./ui/host.js";
import { showSessionFrame, type SessionFrame } from "./ui/session-frame.js";
import type { TandemStrings } from "./ui/strings.js";
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
  /** ws:// or wss:// base of the relay gateway, or several separated by commas (tried in turn on reconnect). */
  gateway: string;
  grant: JoinTokenGrant;
  config: SiteConfig;
  /** What the visitor reads and hears (ui/strings.ts). */
  strings: TandemStrings;
  /** Asks the visitor (the tag's dialog or the brand's own UI, consent.ts). */
  ask: Ask;
  /** The site config's URL: polled while the session runs; a newer version is applied at once. */
  configUrl?: string;
  /** A fresh join token for reconnecting; throws a TandemError `session-ended` once it is over. */
  refreshGrant: () => Promise<JoinTokenGrant>;
  onStarted: (grant: JoinTokenGrant) => void;
  onEnded: (reason: string) => void;
  onModeChanged?: (mode: SessionMode) => void;
  /** The agent's requests to move to shared control (invite-service), polled while view-only. */
  modeRequests?: {
    latest(): Promise<ModeRequestView | null>;
    answer(accept: boolean): Promise<void>;
  };
  /** The visitor agreed earlier (maybe in another tab) that the agent follows them across the site's tabs. */
  following?: boolean;
  /** The visitor said yes or no to following, or stopped it from the session frame. */
  onFollowChanged?: (on: boolean) => void;
  /** The session went on in another tab (`leave`): stopped here, not ended. */
  onLeft?: () => void;
}

/** After the visitor declines to be followed, further requests within this time are declined without asking. */
const FOLLOW_ASK_AGAIN_MS = 30_000;
/** How long the question to be followed stays open. */
const FOLLOW_QUESTION_MS = 120_000;

/** How often a view-only session asks whether the agent wants shared control. */
const MODE_REQUEST_POLL_MS = 1_500;

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
  private readonly gateways: GatewayList;
  /** The page address last reported on this socket (`page`, for the audit trail). */
  private reportedPage: string | null = null;
  private mode: SessionMode;
  private controller: Controller | null = null;
  private modePoll: ReturnType<typeof setTimeout> | null = null;
  private modePrompt: ConsentPrompt | null = null;
  private readonly answeredRequests = new Set<string>();
  private selection: SelectionFollower | null = null;
  /** The agent's text selection, marked on the page (never the visitor's own selection). */
  private readonly agentSelection: RangeMarks;
  /** The agent's pen and laser strokes (page coordinates); gone when the session ends. */
  private readonly drawings: Drawings;
  /** What this socket last told the agent about the tab being hidden (`away`). */
  private reportedAway = false;
  private following: boolean;
  private followPrompt: ConsentPrompt | null = null;
  private followDeclinedAt = Number.NEGATIVE_INFINITY;
  private readonly onVisibility = guard("visibility", () => this.reportAway(false));

  constructor(private readonly options: LiveSessionOptions) {
    this.presence = new AgentPresence(options.host, options.win, options.strings.agentLabel);
    this.drawings = new Drawings(options.host, options.win);
    this.agentSelection = new RangeMarks(options.host.layer, options.win, "agent-selection", "tandem-agent-selection");
    this.gateways = new GatewayList(options.gateway);
    this.mode = options.grant.mode;
    this.following = options.following === true;
    options.host.setColors({
      border: options.config.appearance.borderColor,
      highlight: options.config.appearance.highlightColor,
    });
  }

  start(): void {
    // The session is bound to this tab: when the visitor switches away, the agent sees "visitor is away".
    this.options.win.document.addEventListener("visibilitychange", this.onVisibility);
    this.connect(this.options.grant);
    if (this.options.configUrl !== undefined) {
      this.configWatcher = new SiteConfigWatcher(this.options.configUrl, this.options.config.version,
        guard("config refresh", (config: SiteConfig) => this.applyConfig(config)));
      this.configWatcher.start();
    }
    this.scheduleModePoll();
  }

  /** Whether the session may move to another tab of the site now: it runs here and the visitor agreed to be followed. */
  get followsTabs(): boolean {
    return this.started && !this.ended && this.following;
  }

  /** The session goes on in another tab of the site: it stops here without ending (no `end`, no `onEnded`). */
  leave(): void {
    this.finish("moved", false);
  }

  /** The session's mode as the gateway last said (the join token's until then). */
  get currentMode(): SessionMode {
    return this.mode;
  }

  private setMode(mode: SessionMode): void {
    if (mode === this.mode) {
      return;
    }
    this.mode = mode;
    this.presence.announce(mode === "SHARED" ? this.options.strings.saidShared : this.options.strings.saidViewOnly);
    this.frame?.setMode(mode);
    this.options.onModeChanged?.(mode);
  }

  private scheduleModePoll(): void {
    if (this.options.modeRequests === undefined || this.ended || this.modePoll !== null) {
      return;
    }
    this.modePoll = setTimeout(() => {
      this.modePoll = null;
      void this.pollModeRequest().finally(() => this.scheduleModePoll());
    }, MODE_REQUEST_POLL_MS);
  }

  /** Shows the consent prompt for a pending request to move to shared control, once per request. */
  private async pollModeRequest(): Promise<void> {
    const requests = this.options.modeRequests;
    if (requests === undefined || this.ended || !this.started || this.mode === "SHARED" || this.modePrompt !== null) {
      return;
    }
    let request: ModeRequestView | null;
    try {
      request = await requests.latest();
    } catch {
      return;
    }
    if (request === null || request.state !== "PENDING" || this.answeredRequests.has(request.id) || this.ended) {
      return;
    }
    this.answeredRequests.add(request.id);
    const prompt = this.options.ask("shared-control", { id: request.id, state: "PENDING", mode: "SHARED", message: null, expiresAt: request.expiresAt });
    this.modePrompt = prompt;
    const accepted = await prompt.answer;
    this.modePrompt = null;
    if (this.ended) {
      return;
    }
    try {
      await requests.answer(accepted);
    } catch (error) {
      reportError(error, "mode request answer");
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
      `${this.gateways.current}/ws/visitor?session=${encodeURIComponent(grant.sessionId)}`,
      grant.joinToken,
      {
        open: () => this.onOpen(grant),
        message: (frame) => this.onMessage(frame),
        close: (code, reason) => this.onClose(code, reason),
      },
    );
    this.transport = transport;
    this.reportedPage = null;
    this.reportedAway = false;
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
      this.frame = showSessionFrame(this.options.host, this.options.strings, () => this.end());
      this.frame.setMode(this.mode);
      this.showFollowing();
      // The visitor must always see that they are being seen: a page that removes the frame gets it back.
      this.frameCheck = setInterval(
        guard("frame check", () => this.options.host.reattach()),
        FRAME_CHECK_MS,
      );
      this.options.onStarted(grant);
    }
    this.startCapture();
    this.reportAway(false);
    if (this.following) {
      // A tab the session moved to, or a new socket: the agent's view learns it still follows.
      this.transport?.send({ t: "follow", on: true });
    }
  }

  /**
   * The agent asks to follow the visitor across the site's tabs: the visitor is asked (once at a time;
   * a no stands for a while), and the answer goes back as `follow`.
   */
  private onFollowRequest(): void {
    if (!this.started || this.followPrompt !== null) {
      return;
    }
    if (this.following || Date.now() - this.followDeclinedAt < FOLLOW_ASK_AGAIN_MS) {
      this.transport?.send({ t: "follow", on: this.following });
      return;
    }
    const prompt = this.options.ask("follow-tabs", {
      id: "follow-tabs", state: "PENDING", mode: this.mode, message: null,
      expiresAt: new Date(Date.now() + FOLLOW_QUESTION_MS).toISOString(),
    });
    this.followPrompt = prompt;
    const lapse = setTimeout(() => prompt.cancel(), FOLLOW_QUESTION_MS);
    void prompt.answer.then(guard("follow answer", (accepted: boolean) => {
      clearTimeout(lapse);
      if (this.followPrompt !== prompt || this.ended) {
        return;
      }
      this.followPrompt = null;
      if (!accepted) {
        this.followDeclinedAt = Date.now();
      }
      this.setFollowing(accepted);
    }));
  }

  /** Follows across tabs or not, as the visitor said; the agent is told. */
  private setFollowing(on: boolean): void {
    const changed = on !== this.following;
    this.following = on;
    this.showFollowing();
    this.transport?.send({ t: "follow", on });
    if (changed) {
      this.presence.announce(on ? this.options.strings.saidFollowing : this.options.strings.saidFollowStopped);
      this.options.onFollowChanged?.(on);
    }
  }

  private showFollowing(): void {
    this.frame?.setFollowing(this.following ? () => this.setFollowing(false) : null);
  }

  /**
   * Tells the agent whether this tab is hidden (`away`), when that changes; `force` again for an agent
   * who just (re)joined and knows nothing yet. A visible tab on a fresh socket says nothing: not away is
   * where every viewer starts.
   */
  private reportAway(force: boolean): void {
    const transport = this.transport;
    if (transport === null || this.ended) {
      return;
    }
    const away = this.options.win.document.visibilityState === "hidden";
    if (away !== this.reportedAway || (force && away)) {
      this.reportedAway = away;
      transport.send({ t: "away", away });
    }
  }

  private startCapture(): void {
    const { config, host, win } = this.options;
    this.capture?.stop();
    const capture = new Capture({
      win,
      rules: config.rules,
      detectors: config.detectors,
      canvas: config.capture?.canvas === true,
      ignore: (node) => host.isOwn(node),
      emit: (frame) => this.send(frame),
    });
    this.capture = capture;
    this.controller = new Controller(
      {
        win,
        elementById: (id) => capture.elementById(id),
        isMasked: (el) => capture.isMasked(el),
        isBlocked: (el) => capture.isBlocked(el),
        strings: this.options.strings,
      },
      config.rules.filter((rule) => rule.kind === "NO_AGENT_CONTROL").map((rule) => rule.selector),
    );
    this.presence.anchor = (id) => capture.elementById(id);
    // Ids are fresh in each snapshot: the agent's marks name the old ones.
    this.agentSelection.clear();
    this.selection?.stop();
    capture.start();
    this.selection = new SelectionFollower(win.document, capture, (ranges) => this.transport?.send({ t: "selection", ranges }));
    this.selection.start();
  }

  private send(frame: CaptureFrame): void {
    const transport = this.transport;
    if (transport === null) {
      return;
    }
    if (frame.t === "pointer") {
      // Anchored to the element under it, so that it lands on the same element on the agent's screen.
      const el = this.options.win.document.elementFromPoint(frame.x, frame.y);
      const id = el === null || this.options.host.isOwn(el) ? undefined : this.capture?.idOf(el);
      if (el !== null && id !== undefined) {
        const box = el.getBoundingClientRect();
        const fx = box.width > 0 ? Math.round(((frame.x - box.left) / box.width) * 1000) / 1000 : 0;
        const fy = box.height > 0 ? Math.round(((frame.y - box.top) / box.height) * 1000) / 1000 : 0;
        transport.send({ t: "pointer", x: frame.x, y: frame.y, id, fx, fy });
      } else {
        transport.send(frame);
      }
      return;
    }
    this.reportPage(transport);
    this.seq += 1;
    if (frame.t === "snapshot.chunk") {
      const { payload, ...header } = frame;
      transport.sendBinary({ ...header, seq: this.seq }, payload);
      return;
    }
    transport.send({ ...frame, seq: this.seq } as VisitorMessage);
  }

  /** Before page state: the page's address (no query, no fragment) when it is new on this socket. */
  private reportPage(transport: WebSocketTransport): void {
    const url = pageAddress(this.options.win.location.href);
    if (url !== null && url !== this.reportedPage) {
      this.reportedPage = url;
      transport.send({ t: "page", url });
    }
  }

  private onMessage(frame: JsonRecord & { t: string }): void {
    if (this.ended) {
      return;
    }
    if (CONTROL_TYPES.has(frame.t)) {
      this.control(frame);
      return;
    }
    switch (frame.t) {
      case "hello":
      case "mode": {
        const mode = stringField(frame, "mode");
        if (mode === "SHARED" || mode === "VIEW_ONLY") {
          this.setMode(mode);
        }
        break;
      }
      case "resync":
        this.capture?.snapshot();
        this.selection?.refresh();
        break;
      case "peer":
        // The agent (re)joined: the relay does not keep frames, so they need a fresh snapshot.
        if (stringField(frame, "role") === "agent" && booleanField(frame, "connected") === true) {
          this.capture?.snapshot();
          this.selection?.refresh();
          this.reportAway(true);
          if (this.following) {
            this.transport?.send({ t: "follow", on: true });
          }
        }
        break;
      case "follow-request":
        this.onFollowRequest();
        break;
      case "pointer": {
        const x = numberField(frame, "x");
        const y = numberField(frame, "y");
        if (x !== undefined && y !== undefined) {
          this.presence.movePointer(x, y, numberField(frame, "id"), numberField(frame, "fx"), numberField(frame, "fy"));
          const name = stringField(frame, "name");
          if (name !== undefined) {
            this.presence.setName(name);
            this.frame?.setAgentName(this.presence.name);
          }
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
      case "selection": {
        const capture = this.capture;
        this.agentSelection.show(capture === null ? [] : liveRanges(frame["ranges"], capture, this.options.win.document));
        break;
      }
      case "ping": {
        // The viewer's latency probe: answered at once, with nothing but its counter.
        const n = numberField(frame, "n");
        if (n !== undefined && Number.isSafeInteger(n)) {
          this.transport?.send({ t: "pong", n });
        }
        break;
      }
      case "draw":
        this.drawings.draw(frame["id"], frame["points"], booleanField(frame, "laser") === true);
        break;
      case "erase":
        this.drawings.erase();
        break;
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

  /**
   * An agent's control message: only in shared mode (checked here again, whatever the gateway let
   * through), and only what `Controller` allows. A refusal goes back to the agent as `refused`.
   */
  private control(frame: JsonRecord & { t: string }): void {
    const outcome = this.mode !== "SHARED" || this.controller === null
      ? { ok: false as const, reason: "view-only", id: numberField(frame, "id") }
      : this.controller.apply(frame);
    if (outcome.ok) {
      if (outcome.say !== "") {
        this.presence.announce(outcome.say);
      }
      return;
    }
    if (outcome.reason !== "view-only") {
      this.presence.announce(this.options.strings.saidRefused);
    }
    const refused: VisitorMessage = outcome.id === undefined
      ? { t: "refused", action: frame.t, reason: outcome.reason }
      : { t: "refused", action: frame.t, id: outcome.id, reason: outcome.reason };
    this.transport?.send(refused);
  }

  private onClose(code: number, reason: string): void {
    this.selection?.stop();
    this.selection = null;
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
    this.gateways.next();
    const delay = backoffDelay(this.reconnects, 500, MAX_RECONNECT_DELAY_MS);
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

  private finish(reason: string, ended = true): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    this.options.win.document.removeEventListener("visibilitychange", this.onVisibility);
    this.configWatcher?.stop();
    if (this.modePoll !== null) {
      clearTimeout(this.modePoll);
      this.modePoll = null;
    }
    this.modePrompt?.cancel();
    this.modePrompt = null;
    this.followPrompt?.cancel();
    this.followPrompt = null;
    this.controller = null;
    if (this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    if (this.frameCheck !== null) {
      clearInterval(this.frameCheck);
      this.frameCheck = null;
    }
    this.selection?.stop();
    this.selection = null;
    this.agentSelection.remove();
    this.drawings.remove();
    this.capture?.stop();
    this.capture = null;
    this.transport?.close();
    this.transport = null;
    this.frame?.remove();
    this.frame = null;
    this.presence.remove();
    if (ended) {
      this.options.onEnded(reason);
    } else {
      this.options.onLeft?.();
    }
  }
}
