/**
 * Turns MutationObserver records into `mutations` frames, one per animation frame at most.
 *
 * The frame is applied by the viewer in this order: removes, adds (in array order), attrs, texts.
 * A node that is moved is removed and added again with a new id. An element whose visibility
 * changes (say a `.secret` class is added) is sent again whole, so that masking follows the page.
 */
import type { AdoptedChange, AttributeChange, CanvasBitmap, MutationAdd, NodeId, StyleSheetChange, TextChange } from "@tandem/protocol";
import { isElement } from "./dom.js";
import { FrameScheduler } from "../frame-scheduler.js";
import { guard } from "../guard.js";
import type { Visibility } from "./masking.js";
import { shadowRootOf } from "./hooks.js";
import { isSkipped, serializeNode, TOP_LAYER_ATTRIBUTE, topLayerState, type SerializeContext } from "./serialize.js";

export interface MutationBatch {
  adds: MutationAdd[];
  removes: NodeId[];
  attrs: AttributeChange[];
  texts: TextChange[];
  sheets?: StyleSheetChange[];
  adopted?: AdoptedChange[];
  canvas?: CanvasBitmap[];
}

/** CSSOM changes the DOM does not show; collected by the sheet watcher, sent with the next batch. */
export interface SheetChanges {
  take(): { sheets: StyleSheetChange[]; adopted: AdoptedChange[] };
}

const OBSERVE: MutationObserverInit = {
  childList: true,
  subtree: true,
  attributes: true,
  attributeOldValue: true,
  characterData: true,
};

const XLINK_NS = "http://www.w3.org/1999/xlink";
const XML_NS = "http://www.w3.org/XML/1998/namespace";

function documentOrder(a: Node, b: Node): number {
  if (a === b) {
    return 0;
  }
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

/** The qualified name of a changed attribute, as it appears in `Element.attributes`. */
function qualifiedName(record: MutationRecord): string {
  const local = record.attributeName ?? "";
  const ns = record.attributeNamespace;
  if (ns === null) {
    return local;
  }
  const attr = (record.target as Element).getAttributeNodeNS(ns, local);
  if (attr !== null) {
    return attr.name;
  }
  if (ns === XLINK_NS) {
    return `xlink:${local}`;
  }
  if (ns === XML_NS) {
    return `xml:${local}`;
  }
  return local;
}

export class MutationTracker {
  private readonly observer: MutationObserver;
  private readonly scheduler: FrameScheduler;
  private pending: MutationRecord[] = [];
  private observing = false;
  private readonly roots = new WeakSet<Node>();
  /** While a snapshot is being written: nothing is sent, and nodes added meanwhile are noted. */
  private held = false;
  private addedWhileHeld = new WeakSet<Node>();
  sheetChanges: SheetChanges | null = null;
  /** Canvas pictures that changed, sent with the next batch. */
  canvasChanges: { take(): CanvasBitmap[] } | null = null;
  /** Elements to send again whole (a shadow root attached, a frame loaded). */
  private readonly forced = new Set<Element>();
  /** Elements whose top-layer state may have changed (a dialog opened, a popover toggled). */
  private readonly topLayer = new Set<Element>();
  /** Hosts that got a shadow root since the last flush. */
  private readonly shadows = new Set<Element>();

  constructor(
    private readonly doc: Document,
    private readonly ctx: SerializeContext,
    private readonly sink: (batch: MutationBatch) => void,
  ) {
    this.observer = new MutationObserver(
      guard("mutation observer", (records: MutationRecord[]) => {
        this.take(records);
        this.scheduler.request();
      }),
    );
    this.scheduler = new FrameScheduler("mutation flush", () => this.flush());
  }

  start(): void {
    if (this.observing) {
      return;
    }
    this.observing = true;
    this.observe(this.doc);
  }

  /** Follows another document (a same-origin frame's) or an open shadow root too. */
  observe(root: Document | ShadowRoot): void {
    if (!this.observing || this.roots.has(root)) {
      return;
    }
    this.roots.add(root);
    this.observer.observe(root, OBSERVE);
  }

  /** Requests a flush at the next frame (for changes the observer does not see). */
  request(): void {
    this.scheduler.request();
  }

  private take(records: MutationRecord[]): void {
    if (this.held) {
      for (const record of records) {
        for (const added of Array.from(record.addedNodes)) {
          this.addedWhileHeld.add(added);
        }
      }
    }
    this.pending.push(...records);
  }

  /** Sends an element again whole with the next batch. */
  resend(el: Element): void {
    if (this.ctx.mirror.has(el)) {
      this.forced.add(el);
      this.scheduler.request();
    }
  }

  /** A shadow root was attached to `host`: it goes out as an add (a type 11 first child). */
  noteShadow(host: Element): void {
    this.shadows.add(host);
    this.scheduler.request();
  }

  /** A dialog or popover may have entered or left the top layer. */
  noteTopLayer(el: Element): void {
    this.topLayer.add(el);
    this.scheduler.request();
  }

  /** Starts holding changes back while a snapshot is written in slices. */
  hold(): void {
    this.held = true;
    this.addedWhileHeld = new WeakSet();
  }

  /** Whether a node was inserted after the snapshot began: the snapshot leaves it to the changes. */
  addedSinceHold(node: Node): boolean {
    return this.addedWhileHeld.has(node);
  }

  /** Collects what the observer has, so that `addedSinceHold` knows about it. */
  collect(): void {
    this.take(this.observer.takeRecords());
  }

  /** Stops holding: what happened meanwhile goes out now, after the snapshot. */
  release(): void {
    this.held = false;
    this.flush();
  }

  /** Drops what happened so far: the next snapshot shows it anyway. */
  discard(): void {
    this.observer.takeRecords();
    this.pending = [];
    this.scheduler.cancel();
    this.sheetChanges?.take();
  }

  stop(): void {
    this.discard();
    this.observer.disconnect();
    this.observing = false;
    this.held = false;
  }

  /** Sends what changed since the last flush, now (not while a snapshot is being written). */
  flush(): void {
    this.scheduler.cancel();
    if (this.held) {
      return;
    }
    const records = this.pending.concat(this.observing ? this.observer.takeRecords() : []);
    this.pending = [];
    const batch =
      records.length === 0 && this.forced.size === 0 && this.topLayer.size === 0 && this.shadows.size === 0
        ? { adds: [], removes: [], attrs: [], texts: [] }
        : this.process(records);
    const css = this.sheetChanges?.take();
    if (css !== undefined && css.sheets.length > 0) {
      batch.sheets = css.sheets;
    }
    if (css !== undefined && css.adopted.length > 0) {
      batch.adopted = css.adopted;
    }
    const canvas = this.canvasChanges?.take() ?? [];
    if (canvas.length > 0) {
      batch.canvas = canvas;
    }
    if (batch.adds.length + batch.removes.length + batch.attrs.length + batch.texts.length + (css?.sheets.length ?? 0) + (css?.adopted.length ?? 0) + canvas.length > 0) {
      this.sink(batch);
    }
  }

  private process(records: MutationRecord[]): MutationBatch {
    const { mirror, policy } = this.ctx;
    const batch: MutationBatch = { adds: [], removes: [], attrs: [], texts: [] };

    // A field that was a password stays masked: learn that before anything is serialised.
    for (const record of records) {
      if (record.type === "attributes" && record.attributeName === "type" && isElement(record.target)) {
        policy.notePasswordType(record.target, record.oldValue);
        policy.notePasswordType(record.target, record.target.getAttribute("type"));
      }
    }

    const resend = this.elementsWithNewVisibility(records);
    for (const el of this.forced) {
      if (mirror.has(el) && el.isConnected && !resend.includes(el)) {
        resend.push(el);
      }
    }
    this.forced.clear();

    const candidates = new Set<Node>();
    for (const record of records) {
      if (record.type !== "childList") {
        continue;
      }
      const parentKnown = mirror.has(record.target);
      for (const removed of Array.from(record.removedNodes)) {
        const id = mirror.idOf(removed);
        if (id === undefined) {
          continue;
        }
        // When the old parent is gone already, the viewer dropped this node along with it.
        if (parentKnown) {
          batch.removes.push(id);
        }
        mirror.forget(removed);
      }
      for (const added of Array.from(record.addedNodes)) {
        candidates.add(added);
      }
    }
    for (const el of resend) {
      const id = mirror.idOf(el);
      if (id === undefined) {
        continue;
      }
      batch.removes.push(id);
      mirror.forget(el);
      candidates.add(el);
    }

    const firstNewId = mirror.watermark;
    const additions = Array.from(candidates)
      .filter((node) => node.isConnected && !mirror.has(node))
      .sort(documentOrder);
    for (const node of additions) {
      this.addNode(node, batch);
    }
    for (const host of this.shadows) {
      const root = shadowRootOf(host);
      const hostId = mirror.idOf(host);
      if (root !== null && hostId !== undefined && !mirror.has(root) && host.isConnected && this.ctx.visibility.get(host) !== "blocked" && !policy.isInsideBlocked(host)) {
        const node = serializeNode(root, this.ctx, policy.isMaskedContext(root));
        if (node !== null) {
          batch.adds.push({ parentId: hostId, nextId: null, node });
        }
      }
    }
    this.shadows.clear();

    const attrs = new Map<string, AttributeChange>();
    const texts = new Map<NodeId, TextChange>();
    for (const record of records) {
      const target = record.target;
      const id = mirror.idOf(target);
      // Blocked now, even if it was not when it was sent: nothing of it goes out.
      if (id === undefined || id >= firstNewId || !target.isConnected || policy.isInsideBlocked(target)) {
        continue;
      }
      if (record.type === "attributes" && isElement(target)) {
        const name = qualifiedName(record);
        const current = target.getAttribute(name);
        const masked = policy.isMasked(target);
        const value = current === null ? null : policy.attribute(name, current, masked);
        if (value !== undefined) {
          attrs.set(`${id}\u0000${name}`, { id, name, value });
        }
      } else if (record.type === "characterData") {
        const masked = policy.isMaskedContext(target.parentNode);
        texts.set(id, { id, value: policy.text((target as CharacterData).data, masked) });
      }
    }
    for (const record of records) {
      if (record.type === "attributes" && record.attributeName === "open" && isElement(record.target)) {
        this.topLayer.add(record.target);
      }
    }
    for (const el of this.topLayer) {
      const id = mirror.idOf(el);
      if (id !== undefined && id < firstNewId && el.isConnected && !policy.isInsideBlocked(el)) {
        attrs.set(`${id}\u0000${TOP_LAYER_ATTRIBUTE}`, { id, name: TOP_LAYER_ATTRIBUTE, value: topLayerState(el) ?? null });
      }
    }
    this.topLayer.clear();
    batch.attrs = Array.from(attrs.values());
    batch.texts = Array.from(texts.values());
    return batch;
  }

  private addNode(node: Node, batch: MutationBatch): void {
    const { mirror, policy, visibility } = this.ctx;
    if (mirror.has(node) || isSkipped(node, this.ctx)) {
      return;
    }
    const parent = node.parentNode;
    const parentId = mirror.idOf(parent);
    if (parent === null || parentId === undefined) {
      return;
    }
    if (isElement(parent) && visibility.get(parent) === "blocked") {
      return;
    }
    const serialized = serializeNode(node, this.ctx, policy.isMaskedContext(parent));
    if (serialized === null) {
      return;
    }
    let nextId: NodeId | null = null;
    for (let sibling = node.nextSibling; sibling !== null; sibling = sibling.nextSibling) {
      const id = mirror.idOf(sibling);
      if (id !== undefined) {
        nextId = id;
        break;
      }
    }
    batch.adds.push({ parentId, nextId, node: serialized });
  }

  /** Elements whose attributes changed so that they, or something inside them, are seen differently. */
  private elementsWithNewVisibility(records: MutationRecord[]): Element[] {
    const changed = new Set<Element>();
    for (const record of records) {
      const target = record.target;
      if (record.type !== "attributes" || !isElement(target) || changed.has(target)) {
        continue;
      }
      if (this.ctx.mirror.has(target) && target.isConnected && this.visibilityChangedWithin(target)) {
        changed.add(target);
      }
    }
    return Array.from(changed).sort(documentOrder);
  }

  private visibilityChangedWithin(root: Element): boolean {
    const { mirror, visibility } = this.ctx;
    const walker = this.doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let el: Node | null = root; el !== null; el = walker.nextNode()) {
      const element = el as Element;
      const before = visibility.get(element);
      if (before === undefined || !mirror.has(element)) {
        continue;
      }
      if (before !== this.currentVisibility(element)) {
        return true;
      }
    }
    return false;
  }

  private currentVisibility(el: Element): Visibility {
    const { policy } = this.ctx;
    if (policy.isBlocked(el)) {
      return "blocked";
    }
    return policy.isMasked(el) ? "masked" : "plain";
  }
}
