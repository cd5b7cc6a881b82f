/**
 * Text selection in the view, both ways (`selection`, node ids and offsets of the current snapshot):
 * the visitor's selection is marked in the view, and what the agent selects by dragging over the view
 * is sent to the visitor's page. A range touching what the visitor's tag hid (masked text, blocked
 * stand-ins) is never sent; the tag checks the same again.
 */
import type { SelectionRange } from "@tandem/protocol";
import { RangeBoxes, rangesFromWire, rangeTouches, wireRange } from "@tandem/dom";

/** What the tag puts in place of masked text (capture/detectors.ts). */
const PLACEHOLDER = "\u2022\u2022\u2022\u2022\u2022\u2022";

/** What the selection needs of the rebuilt page. */
export interface ViewNodes {
  node(id: number): Node | undefined;
  nodeId(node: Node): number | undefined;
}

function hidden(node: Node): boolean {
  if (node.nodeType === 3) {
    return ((node as Text).data).includes(PLACEHOLDER);
  }
  if (node.nodeType === 1) {
    const el = node as Element;
    return el.closest("[data-tandem-blocked]") !== null || (el.localName === "input" && (el as HTMLInputElement).value.includes(PLACEHOLDER));
  }
  return false;
}

/** The wire form of a range of the view; [] when it is collapsed, names unknown nodes or touches hidden content. */
export function wireRanges(range: Range | null, nodes: ViewNodes): SelectionRange[] {
  if (range === null || range.collapsed || rangeTouches(range, hidden)) {
    return [];
  }
  const wire = wireRange(range, (node) => nodes.nodeId(node));
  return wire === undefined ? [] : [wire];
}

/** The view's ranges for a `selection` message from the visitor; bad or unknown ranges are left out. */
export function viewRanges(raw: unknown, nodes: ViewNodes, doc: Document): Range[] {
  return rangesFromWire(raw, (id) => nodes.node(id), doc);
}

/** The caret position at a point of the view's document, as a collapsed range. */
export function caretAt(doc: Document, x: number, y: number): Range | null {
  const withPosition = doc as Document & { caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null };
  if (typeof withPosition.caretPositionFromPoint === "function") {
    const position = withPosition.caretPositionFromPoint(x, y);
    if (position === null) {
      return null;
    }
    const range = doc.createRange();
    range.setStart(position.offsetNode, position.offset);
    return range;
  }
  const withRange = doc as Document & { caretRangeFromPoint?: (x: number, y: number) => Range | null };
  return typeof withRange.caretRangeFromPoint === "function" ? withRange.caretRangeFromPoint(x, y) : null;
}

/** The range between two caret positions, whichever comes first in the document. */
export function between(doc: Document, a: Range, b: Range): Range {
  const range = doc.createRange();
  if (a.compareBoundaryPoints(Range.START_TO_START, b) <= 0) {
    range.setStart(a.startContainer, a.startOffset);
    range.setEnd(b.startContainer, b.startOffset);
  } else {
    range.setStart(b.startContainer, b.startOffset);
    range.setEnd(a.startContainer, a.startOffset);
  }
  return range;
}

/**
 * Boxes over ranges of the view, in a layer of the (unscaled) stage: the view's viewport coordinates
 * are the stage's. Redrawn when the view scrolls.
 */
export class ViewMarks {
  private ranges: Range[] = [];
  private readonly boxes: RangeBoxes;
  private win: Window | null = null;
  private frame: number | null = null;
  private readonly onScroll = (): void => this.request();

  constructor(layer: HTMLElement, className: string, testId: string) {
    this.boxes = new RangeBoxes(layer, className, testId);
  }

  get count(): number {
    return this.ranges.length;
  }

  show(ranges: Range[], view: Window | null): void {
    if (view !== this.win) {
      this.win?.removeEventListener("scroll", this.onScroll, { capture: true });
      this.win = view;
      this.win?.addEventListener("scroll", this.onScroll, { capture: true, passive: true });
    }
    this.ranges = ranges;
    this.request();
  }

  clear(): void {
    this.ranges = [];
    this.draw();
  }

  remove(): void {
    this.win?.removeEventListener("scroll", this.onScroll, { capture: true });
    this.win = null;
    if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    this.clear();
  }

  private request(): void {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = null;
      try {
        this.draw();
      } catch {
        // a range whose nodes went away draws nothing
      }
    });
  }

  private draw(): void {
    this.boxes.draw(this.ranges);
  }
}
