/**
 * Text selection shared both ways, as node ids and offsets of the current snapshot (`selection`): the
 * visitor's selection goes to the agent, the agent's is marked on the visitor's page. A selection that
 * touches a masked or blocked node, or text the detectors scrub, is never sent (`ranges: []` instead),
 * so that selecting never tells the agent anything about masked content, not even its length.
 */
import type { SelectionRange } from "@tandem/protocol";
import { MAX_RANGES, RangeBoxes, rangesFromWire, rangeTouches, wireRange } from "@tandem/dom";
import { guard } from "./guard.js";

/** What the selection needs of capture. */
export interface SelectionNodes {
  nodeId(node: Node): number | undefined;
  nodeById(id: number): Node | undefined;
  /** Not the tag's own, not masked, not blocked, not scrubbed: the agent sees it as it is. */
  showsAsIs(node: Node): boolean;
}

/** Selection changes while dragging come in floods: at most one message per this many ms. */
const THROTTLE_MS = 100;

/** Every node a range touches, its boundary containers included, shows as it is. */
function rangeShowsAsIs(range: Range, nodes: SelectionNodes): boolean {
  return !rangeTouches(range, (node) => !nodes.showsAsIs(node));
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
    const wire = wireRange(range, (node) => nodes.nodeId(node));
    if (wire === undefined || !rangeShowsAsIs(range, nodes)) {
      return [];
    }
    ranges.push(wire);
  }
  return ranges;
}

/** The live ranges of a `selection` message; a range naming unknown or hidden nodes, or bad offsets, is left out. */
export function liveRanges(raw: unknown, nodes: SelectionNodes, doc: Document): Range[] {
  return rangesFromWire(raw, (id) => nodes.nodeById(id), doc, (range) => rangeShowsAsIs(range, nodes));
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
  private readonly boxes: RangeBoxes;
  private frame: number | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private readonly onMove = (): void => this.request();

  constructor(
    layer: HTMLElement,
    private readonly win: Window,
    className: string,
    testId: string,
  ) {
    this.boxes = new RangeBoxes(layer, className, testId);
  }

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
    this.boxes.clear();
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
    this.boxes.draw(this.ranges);
  }
}
