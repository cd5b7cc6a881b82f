/**
 * What the visitor tag and the agent viewer both do with text selections: read a `selection` message's
 * ranges against a document (bad ones left out), check whether a range touches something hidden, and
 * draw boxes over ranges in a layer of their own. Each side keeps its own rules of what is hidden.
 */
import type { NodeId, SelectionRange } from "@tandem/protocol";

/** At most this many ranges are read from or sent in one `selection` message. */
export const MAX_RANGES = 16;
/** At most this many boxes are drawn for the ranges on screen. */
const MAX_BOXES = 500;

/** Whether any node the range touches, its boundary containers and their common ancestor included, is hidden. */
export function rangeTouches(range: Range, hidden: (node: Node) => boolean): boolean {
  const root = range.commonAncestorContainer;
  if (hidden(range.startContainer) || hidden(range.endContainer) || hidden(root)) {
    return true;
  }
  const doc = root.ownerDocument ?? (root as Document);
  const walker = doc.createTreeWalker(root, 0x1 | 0x4);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    if (range.intersectsNode(node) && hidden(node)) {
      return true;
    }
  }
  return false;
}

/** The wire form of a range, or undefined when either end is a node the other side does not know. */
export function wireRange(range: Range, nodeId: (node: Node) => NodeId | undefined): SelectionRange | undefined {
  const startId = nodeId(range.startContainer);
  const endId = nodeId(range.endContainer);
  return startId === undefined || endId === undefined
    ? undefined
    : { startId, startOffset: range.startOffset, endId, endOffset: range.endOffset };
}

function nodeLength(node: Node): number {
  return node.nodeType === 3 || node.nodeType === 8 ? (node as CharacterData).length : node.childNodes.length;
}

function offset(value: unknown, node: Node): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= nodeLength(node) ? value : undefined;
}

/**
 * The ranges of `doc` that a `selection` message's `ranges` name. Anything that is not a range of known
 * nodes of this document with offsets inside them, a collapsed range, or one `accept` turns down is left out.
 */
export function rangesFromWire(
  raw: unknown,
  node: (id: number) => Node | undefined,
  doc: Document,
  accept: (range: Range) => boolean = () => true,
): Range[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  const ranges: Range[] = [];
  for (const item of raw.slice(0, MAX_RANGES)) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      continue;
    }
    const wire = item as Record<string, unknown>;
    const start = typeof wire["startId"] === "number" ? node(wire["startId"]) : undefined;
    const end = typeof wire["endId"] === "number" ? node(wire["endId"]) : undefined;
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
    if (!range.collapsed && accept(range)) {
      ranges.push(range);
    }
  }
  return ranges;
}

/**
 * Positioned boxes over the client rectangles of ranges, in a layer whose origin is the ranges' viewport.
 * Reuses its boxes from one drawing to the next.
 */
export class RangeBoxes {
  private readonly boxes: HTMLElement[] = [];

  constructor(
    private readonly layer: HTMLElement,
    private readonly className: string,
    private readonly testId: string,
  ) {}

  draw(ranges: readonly Range[]): void {
    const rects: DOMRect[] = [];
    for (const range of ranges) {
      for (const rect of Array.from(range.getClientRects())) {
        if (rect.width > 0 && rect.height > 0 && rects.length < MAX_BOXES) {
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

  clear(): void {
    for (const box of this.boxes.splice(0)) {
      box.remove();
    }
  }
}
