/**
 * Capture: snapshot, mutations and interactions of one document (with its open shadow roots and
 * same-origin frames), masked, as protocol frames. It knows nothing about sockets; whoever starts
 * it decides where the frames go.
 */
import type { SiteRule } from "@tandem/protocol";
import { guard } from "../guard.js";
import type { DetectorSwitches } from "./detectors.js";
import { isDocument, isElement } from "./dom.js";
import type { FrameSink } from "./frames.js";
import { InteractionTracker } from "./interactions.js";
import { MaskingPolicy } from "./masking.js";
import { Mirror } from "./mirror.js";
import { MutationTracker } from "./mutations.js";
import { CanvasWatcher } from "./canvas.js";
import { onShadowAttached, patchPrototypes } from "./hooks.js";
import { frameDocument, type SerializeContext } from "./serialize.js";
import { SheetWatcher } from "./sheets.js";
import { writeSnapshot, type SnapshotJob } from "./snapshot-writer.js";

export interface CaptureOptions {
  win: Window;
  rules: readonly SiteRule[];
  detectors: DetectorSwitches;
  /** `<canvas>` pictures as bitmaps (the site's `capture.canvas`). */
  canvas?: boolean;
  /** True for the tag's own nodes, which are never captured. */
  ignore: (node: Node) => boolean;
  emit: FrameSink;
}

/** How often in-place changes of `adoptedStyleSheets` are looked for. */
const ADOPTED_POLL_MS = 1_000;

export class Capture {
  private readonly doc: Document;
  private readonly ctx: SerializeContext;
  private readonly mutations: MutationTracker;
  private readonly interactions: InteractionTracker;
  private readonly sheets: SheetWatcher;
  private snapshotId = 0;
  private running = false;
  private job: SnapshotJob | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private readonly frameLoads = new WeakSet<Document>();
  private unhook: (() => void) | null = null;
  private readonly canvases: CanvasWatcher | null;

  constructor(private readonly options: CaptureOptions) {
    this.doc = options.win.document;
    const mirror = new Mirror();
    const policy = new MaskingPolicy({ rules: options.rules, detectors: options.detectors }, this.doc);
    this.sheets = new SheetWatcher(mirror, policy, () => this.mutations.request());
    this.ctx = {
      mirror,
      policy,
      visibility: new WeakMap(),
      ignore: options.ignore,
      onRoot: (root) => this.follow(root),
      sheets: this.sheets,
      onCanvas: (el) => this.canvases?.note(el),
    };
    this.canvases = options.canvas === true ? new CanvasWatcher(this.ctx, () => this.mutations.request()) : null;
    this.mutations = new MutationTracker(this.doc, this.ctx, (batch) => {
      this.options.emit({ t: "mutations", snapshotId: this.snapshotId, ...batch });
    });
    this.mutations.sheetChanges = this.sheets;
    this.mutations.canvasChanges = this.canvases;
    this.interactions = new InteractionTracker(options.win, this.doc, this.ctx, () => this.mutations.flush(), (frame) => {
      if (frame.t === "pseudo") {
        this.options.emit({ t: "mutations", snapshotId: this.snapshotId, adds: [], removes: [], attrs: [], texts: [], ...frame.state });
      } else {
        this.options.emit(frame);
      }
    });
  }

  /** Sends a snapshot and starts following changes. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.ctx.policy.notePasswordFields(this.doc);
    patchPrototypes(this.options.win);
    this.unhook = onShadowAttached((host) => this.mutations.noteShadow(host));
    this.sheets.start(this.options.win);
    this.mutations.start();
    this.interactions.start();
    this.poll = setInterval(guard("adopted sheets", () => {
      this.sheets.poll();
      this.canvases?.tick();
    }), ADOPTED_POLL_MS);
    this.snapshot();
  }

  /**
   * Sends a fresh snapshot: new ids, and pending changes are folded into it. A snapshot still
   * being written is abandoned. Changes and interactions wait until the new one is out.
   */
  snapshot(): void {
    if (!this.running) {
      return;
    }
    this.job?.cancel();
    this.mutations.discard();
    this.canvases?.reset();
    this.ctx.mirror.clear();
    this.snapshotId += 1;
    this.interactions.hold();
    const job = writeSnapshot({
      win: this.options.win,
      doc: this.doc,
      ctx: this.ctx,
      mutations: this.mutations,
      snapshotId: this.snapshotId,
      emit: this.options.emit,
      onComplete: ({ textareas, scrolled }) => {
        // A textarea's text is its default; what was typed since lives in its value.
        for (const area of textareas) {
          if ((area as HTMLTextAreaElement).value !== (area as HTMLTextAreaElement).defaultValue) {
            this.interactions.sendField(area);
          }
        }
        for (const el of scrolled) {
          this.interactions.sendScroll(el);
        }
      },
    });
    this.job = job;
    void job.done.then(
      guard("snapshot done", () => {
        if (this.job === job && this.running) {
          this.job = null;
          this.mutations.release();
          this.interactions.release();
        }
      }),
    );
  }

  /** Sends pending DOM changes now. */
  flush(): void {
    if (this.running) {
      this.mutations.flush();
    }
  }

  /** The live element behind an id of the current snapshot. */
  elementById(id: number): Element | undefined {
    const node = this.ctx.mirror.nodeOf(id);
    return isElement(node) && node.isConnected ? node : undefined;
  }

  /** Whether the agent may not see this element's content (a secret field, masked, or inside a masked element). */
  isMasked(el: Element): boolean {
    return this.ctx.policy.isMasked(el) || this.ctx.policy.isInsideBlocked(el);
  }

  isBlocked(el: Element): boolean {
    return this.ctx.policy.isInsideBlocked(el);
  }

  /** The id of any node of the current snapshot (a text node too), when the agent has it. */
  nodeId(node: Node): number | undefined {
    return this.ctx.mirror.idOf(node);
  }

  /** The live node (a text node too) behind an id of the current snapshot. */
  nodeById(id: number): Node | undefined {
    const node = this.ctx.mirror.nodeOf(id);
    return node !== undefined && node.isConnected ? node : undefined;
  }

  /**
   * Whether the agent sees this node as it is on the page: not the tag's own, not masked, not blocked,
   * and (text) not changed by the detectors. A text selection may only name and cross such nodes.
   */
  showsAsIs(node: Node): boolean {
    const policy = this.ctx.policy;
    if (this.options.ignore(node)) {
      return false;
    }
    if (isElement(node)) {
      return !policy.isMasked(node) && !policy.isInsideBlocked(node);
    }
    const parent = node.parentNode;
    if (policy.isMaskedContext(parent) || (parent !== null && policy.isInsideBlocked(parent))) {
      return false;
    }
    const text = node.nodeType === 3 ? (node as Text).data : null;
    return text === null || policy.text(text, false) === text;
  }

  /** The id of a node of the current snapshot (the deepest known ancestor of `el`). */
  idOf(el: Element | null): number | undefined {
    for (let node: Node | null = el; node !== null; node = node.parentNode) {
      const id = this.ctx.mirror.idOf(node);
      if (id !== undefined) {
        return isElement(node) ? id : undefined;
      }
    }
    return undefined;
  }

  stop(): void {
    this.running = false;
    this.job?.cancel();
    this.job = null;
    if (this.poll !== null) {
      clearInterval(this.poll);
      this.poll = null;
    }
    this.unhook?.();
    this.unhook = null;
    this.mutations.stop();
    this.interactions.stop();
    this.sheets.stop();
    this.ctx.mirror.clear();
  }

  /** A document or shadow root got serialised: follow its changes and events too. */
  private follow(root: Document | ShadowRoot): void {
    this.mutations.observe(root);
    this.sheets.follow(root);
    if (root !== this.doc) {
      this.interactions.listenTo(root);
    }
    if (isDocument(root) && root !== this.doc) {
      this.ctx.policy.notePasswordFields(root);
      if (root.defaultView !== null) {
        patchPrototypes(root.defaultView);
      }
      this.watchFrameLoads(root);
    }
    if (root === this.doc) {
      this.watchFrameLoads(root);
    }
  }

  /** A frame that loads (late, or again) is sent again whole with its new document. */
  private watchFrameLoads(doc: Document): void {
    if (this.frameLoads.has(doc)) {
      return;
    }
    this.frameLoads.add(doc);
    // Popovers leave no trace in attributes; their toggle events tell.
    doc.addEventListener(
      "toggle",
      guard("toggle", (event: Event) => {
        const target = event.target as Node | null;
        if (this.running && isElement(target)) {
          this.mutations.noteTopLayer(target);
        }
      }),
      { capture: true, passive: true },
    );
    doc.addEventListener(
      "load",
      guard("frame load", (event: Event) => {
        const target = event.target as Node | null;
        if (this.running && isElement(target) && (target.localName === "iframe" || target.localName === "frame")) {
          if (frameDocument(target) !== null) {
            this.mutations.resend(target);
          }
        }
      }),
      { capture: true, passive: true },
    );
  }
}
