/**
 * Capture: snapshot, mutations and interactions of one document, masked, as protocol frames.
 * It knows nothing about sockets; whoever starts it decides where the frames go.
 */
import type { SiteRule } from "@tandem/protocol";
import type { DetectorSwitches } from "./detectors.js";
import type { FrameSink } from "./frames.js";
import { InteractionTracker } from "./interactions.js";
import { MaskingPolicy } from "./masking.js";
import { Mirror } from "./mirror.js";
import { MutationTracker } from "./mutations.js";
import { serializeDocument, type SerializeContext } from "./serialize.js";

export interface CaptureOptions {
  win: Window;
  rules: readonly SiteRule[];
  detectors: DetectorSwitches;
  /** True for the tag's own nodes, which are never captured. */
  ignore: (node: Node) => boolean;
  emit: FrameSink;
}

export class Capture {
  private readonly doc: Document;
  private readonly ctx: SerializeContext;
  private readonly mutations: MutationTracker;
  private readonly interactions: InteractionTracker;
  private snapshotId = 0;
  private running = false;

  constructor(private readonly options: CaptureOptions) {
    this.doc = options.win.document;
    this.ctx = {
      mirror: new Mirror(),
      policy: new MaskingPolicy({ rules: options.rules, detectors: options.detectors }, this.doc),
      visibility: new WeakMap(),
      ignore: options.ignore,
    };
    this.mutations = new MutationTracker(this.doc, this.ctx, (batch) => {
      this.options.emit({ t: "mutations", snapshotId: this.snapshotId, ...batch });
    });
    this.interactions = new InteractionTracker(options.win, this.doc, this.ctx, () => this.mutations.flush(), options.emit);
  }

  /** Sends a snapshot and starts following changes. */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.ctx.policy.notePasswordFields(this.doc);
    this.mutations.start();
    this.interactions.start();
    this.snapshot();
  }

  /** Sends a fresh snapshot: new ids, and pending changes are folded into it. */
  snapshot(): void {
    if (!this.running) {
      return;
    }
    this.mutations.discard();
    this.ctx.mirror.clear();
    this.snapshotId += 1;
    const { win } = this.options;
    const root = serializeDocument(this.doc, this.ctx);
    this.options.emit({
      t: "snapshot",
      snapshotId: this.snapshotId,
      url: win.location.href,
      title: this.doc.title,
      viewport: { w: win.innerWidth, h: win.innerHeight },
      scroll: { x: win.scrollX, y: win.scrollY },
      root,
    });
    // A textarea's text is its default; what was typed since lives in its value.
    for (const area of Array.from(this.doc.querySelectorAll("textarea"))) {
      if (area.value !== area.defaultValue) {
        this.interactions.sendField(area);
      }
    }
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
    return node instanceof Element && node.isConnected ? node : undefined;
  }

  stop(): void {
    this.running = false;
    this.mutations.stop();
    this.interactions.stop();
    this.ctx.mirror.clear();
  }
}
