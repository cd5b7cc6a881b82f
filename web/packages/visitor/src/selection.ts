/**
 * Text selection shared both ways, as node ids and offsets of the current snapshot (`selection`): the
 * visitor's selection goes to the agent, the agent's is marked on the visitor's page. A selection that
 * touches a masked or blocked node, or text the detectors scrub, is never sent (`ranges: []` instead),
 * so that selecting never tells the agent anything about masked content, not even its length.
 */
import type { SelectionRange } from "@tandem/protocol";
import { guard } from "./guard.js";
import { isRecord, type JsonRecord } from "./json.js";

/** What the selection needs of capture. */
export interface SelectionNodes {
  nodeId(node: Node): number | undefined;
  nodeById(id: number): Node | undefined;
  /** Not the tag's own, not masked, not blocked, not scrubbed: the agent sees it as it is. */
  showsAsIs(node: Node): boolean;
}

const MAX_RANGES = 16;
/** Selection changes while dragging come in floods: at most one message per this many ms. */
const THROTTLE_MS = 100;

/** Every node a range touches, its boundary containers included, shows as it is. */
function rangeShowsAsIs(range: Range, nodes: SelectionNodes): boolean {
  if (!nodes.showsAsIs(range.startContainer) || !nodes.showsAsIs(range.endContainer)) {
    return false;
  }
  const root = range.commonAncestorContainer;
  if (!nodes.showsAsIs(root)) {
    return false;
  }
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 0x1 | 0x4);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    if (range.intersectsNode(node) && !nodes.showsAsIs(node)) {
      return false;
    }
  }
  return true;
}

/** The wire form of a selection; [] when it is empty, collapsed, unknown to the agent, or touches hidden content. */
export function selectionRanges(selection: Selection | null, nodes: SelectionNodes): SelectionRange[] {
  if (selection === null || selection.rangeCount === 0 || selection.isCollapsed) {
    return [];
  }
  const ranges: SelectionRange[] = [];
  for (let i = 0; i < Math.min(selection.rangeCount, MAX_RANGES); i += 1) {
    const range = selection.getRangeAt(i);
    if (range.collapsed) {
      continue;
    }
    const startId = nodes.nodeId(range.startContainer);
    const endId = nodes.nodeId(range.endContainer);
    if (startId === undefined || endId === undefined || !rangeShowsAsIs(range, nodes)) {
      return [];
    }
    ranges.push({ startId, startOffset: range.startOffset, endId, endOffset: range.endOffset });
  }
  return ranges;
}

function nodeLength(node: Node): number {
  return node.nodeType === 3 || node.nodeType === 8 ? (node as CharacterData).length : node.childNodes.length;
}

function offset(value: unknown, node: Node): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= nodeLength(node) ? value : undefined;
}

/** The live ranges of a `selection` message; a range naming unknown or hidden nodes, or bad offsets, is left out. */
export function liveRanges(raw: unknown, nodes: SelectionNodes, doc: Document): Range[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  const ranges: Range[] = [];
  for (const item of raw.slice(0, MAX_RANGES)) {
    if (!isRecord(item)) {
      continue;
    }
    const wire = item as JsonRecord;
    const start = typeof wire["startId"] === "number" ? nodes.nodeById(wire["startId"]) : undefined;
    const end = typeof wire["endId"] === "number" ? nodes.nodeById(wire["endId"]) : undefined;
    if (start === undefined || end === undefined || start.ownerDocument !== doc || end.ownerDocument !== doc) {
      continue;
    }
    const startOffset = offset(wire["startOffset"], start);
    const endOffset = offset(wire["endOffset"], end);
    if (startOffset === undefined || endOffset === undefined) {
      continue;
    }
    const range = doc.createRange();
    try {
      range.setStart(start, startOffset);
      range.setEnd(end, endOffset);
    } catch {
      continue;
    }
    if (!range.collapsed && rangeShowsAsIs(range, nodes)) {
      ranges.push(range);
    }
  }
  return ranges;
}

/** Follows the visitor's selection and sends it when it changes (throttled, the same one never twice). */
export class SelectionFollower {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private last = "[]";
  private readonly onChange = guard("selection change", () => this.schedule());

  constructor(
    private readonly doc: Document,
    private readonly nodes: SelectionNodes,
    private readonly send: (ranges: SelectionRange[]) => void,
  ) {}

  start(): void {
    this.doc.addEventListener("selectionchange", this.onChange);
    this.schedule();
  }

  stop(): void {
    this.doc.removeEventListener("selectionchange", this.onChange);
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** After a fresh snapshot (fresh ids): the selection again, even when it did not change. */
  refresh(): void {
    this.last = "";
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(guard("selection", () => {
      this.timer = null;
      const ranges = selectionRanges(this.doc.getSelection(), this.nodes);
      const text = JSON.stringify(ranges);
      if (text !== this.last) {
        this.last = text;
        this.send(ranges);
      }
    }), THROTTLE_MS);
  }
}

/**
 * Marks ranges with boxes in a layer of their own (never in the page's DOM, never the visitor's own
 * selection), kept on the text as the page scrolls or changes.
 */
export class RangeMarks {
  private ranges: Range[] = [];
  private readonly boxes: HTMLElement[] = [];
  private frame: number | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private readonly onMove = (): void => this.request();

  constructor(
    private readonly layer: HTMLElement,
    private readonly win: Window,
    private readonly className: string,
    private readonly testId: string,
  ) {}

  show(ranges: Range[]): void {
    this.ranges = ranges;
    const listening = this.poll !== null;
    if (ranges.length > 0 && !listening) {
      this.win.addEventListener("scroll", this.onMove, { capture: true, passive: true });
      this.win.addEventListener("resize", this.onMove, { passive: true });
      // Layout changes without scrolling (text reflows, images load) move the text too.
      this.poll = setInterval(this.onMove, 500);
    } else if (ranges.length === 0 && listening) {
      this.unlisten();
    }
    this.request();
  }

  clear(): void {
    this.show([]);
  }

  remove(): void {
    this.unlisten();
    this.ranges = [];
    if (this.frame !== null) {
      this.win.cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    for (const box of this.boxes.splice(0)) {
      box.remove();
    }
  }

  private unlisten(): void {
    this.win.removeEventListener("scroll", this.onMove, { capture: true });
    this.win.removeEventListener("resize", this.onMove);
    if (this.poll !== null) {
      clearInterval(this.poll);
      this.poll = null;
    }
  }

  private request(): void {
    this.frame ??= this.win.requestAnimationFrame(guard("selection marks", () => {
      this.frame = null;
      this.draw();
    }));
  }

  private draw(): void {
    const rects: DOMRect[] = [];
    for (const range of this.ranges) {
      for (const rect of Array.from(range.getClientRects())) {
        if (rect.width > 0 && rect.height > 0 && rects.length < 500) {
          rects.push(rect);
        }
      }
    }
    const doc = this.layer.ownerDocument;
    while (this.boxes.length < rects.length) {
      const box = doc.createElement("div");
      box.className = this.className;
      box.setAttribute("data-testid", this.testId);
      box.setAttribute("aria-hidden", "true");
      this.layer.append(box);
      this.boxes.push(box);
    }
    for (const box of this.boxes.splice(rects.length)) {
      box.remove();
    }
    rects.forEach((rect, i) => {
      const box = this.boxes[i] as HTMLElement;
      box.style.transform = `translate(${rect.left}px, ${rect.top}px)`;
      box.style.width = `${rect.width}px`;
      box.style.height = `${rect.height}px`;
    });
  }
}
