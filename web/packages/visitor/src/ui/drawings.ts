/**
 * The agent's pen and laser on the visitor's page (`draw`, `erase`): strokes in the page's
 * coordinates, drawn in the tag's own layer and moved with the page as it scrolls. Laser strokes fade
 * a moment after their last point; pen strokes stay until the agent erases them or the session ends.
 */
import type { TagHost } from "./host.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_STROKES = 200;
const MAX_POINTS = 4_000;
const LASER_MS = 1_200;
const LIMIT = 1_000_000;

interface Stroke {
  path: SVGPathElement;
  points: number;
  d: string;
  fade: ReturnType<typeof setTimeout> | null;
}

export class Drawings {
  private svg: SVGSVGElement | null = null;
  private group: SVGGElement | null = null;
  private readonly strokes = new Map<number, Stroke>();
  private frame: number | null = null;
  private readonly onScroll = (): void => {
    this.frame ??= this.win.requestAnimationFrame(() => {
      this.frame = null;
      this.follow();
    });
  };

  constructor(
    private readonly host: TagHost,
    private readonly win: Window,
  ) {}

  /** Adds points (page CSS px, `[x, y, x, y, …]`) to a stroke, starting it when new. */
  draw(id: unknown, raw: unknown, laser: boolean): void {
    if (typeof id !== "number" || !Number.isInteger(id) || !Array.isArray(raw)) {
      return;
    }
    const points: number[] = [];
    for (let i = 0; i + 1 < raw.length && points.length < MAX_POINTS * 2; i += 2) {
      const x = raw[i];
      const y = raw[i + 1];
      if (typeof x === "number" && typeof y === "number" && Number.isFinite(x) && Number.isFinite(y)
        && Math.abs(x) <= LIMIT && Math.abs(y) <= LIMIT) {
        points.push(Math.round(x * 10) / 10, Math.round(y * 10) / 10);
      }
    }
    let stroke = this.strokes.get(id);
    if (stroke === undefined) {
      if (points.length === 0 || this.strokes.size >= MAX_STROKES) {
        return;
      }
      const path = this.win.document.createElementNS(SVG, "path");
      path.setAttribute("class", laser ? "laser" : "pen");
      path.setAttribute("data-testid", laser ? "tandem-laser" : "tandem-drawing");
      this.layer().append(path);
      stroke = { path, points: 0, d: "", fade: null };
      this.strokes.set(id, stroke);
    }
    for (let i = 0; i + 1 < points.length && stroke.points < MAX_POINTS; i += 2) {
      stroke.d += `${stroke.points === 0 ? "M" : "L"}${points[i]} ${points[i + 1]}`;
      stroke.points += 1;
    }
    // A single point still shows, as a dot.
    stroke.path.setAttribute("d", stroke.points === 1 ? `${stroke.d}l0.1 0` : stroke.d);
    if (laser) {
      const done = stroke;
      if (done.fade !== null) {
        clearTimeout(done.fade);
      }
      done.fade = setTimeout(() => this.drop(id, done), LASER_MS);
    }
  }

  /** Removes every pen stroke (laser strokes fade by themselves). */
  erase(): void {
    for (const [id, stroke] of this.strokes) {
      if (stroke.fade === null) {
        this.drop(id, stroke);
      }
    }
  }

  remove(): void {
    for (const stroke of this.strokes.values()) {
      if (stroke.fade !== null) {
        clearTimeout(stroke.fade);
      }
    }
    this.strokes.clear();
    this.win.removeEventListener("scroll", this.onScroll, true);
    if (this.frame !== null) {
      this.win.cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    this.svg?.remove();
    this.svg = null;
    this.group = null;
  }

  private drop(id: number, stroke: Stroke): void {
    stroke.path.remove();
    if (this.strokes.get(id) === stroke) {
      this.strokes.delete(id);
    }
  }

  private layer(): SVGGElement {
    if (this.group !== null) {
      return this.group;
    }
    const doc = this.win.document;
    const svg = doc.createElementNS(SVG, "svg");
    svg.setAttribute("class", "drawings");
    svg.setAttribute("aria-hidden", "true");
    const group = doc.createElementNS(SVG, "g");
    svg.append(group);
    this.host.layer.append(svg);
    this.svg = svg;
    this.group = group;
    this.win.addEventListener("scroll", this.onScroll, { capture: true, passive: true });
    this.follow();
    return group;
  }

  /** Page coordinates to the viewport: the strokes move with the page. */
  private follow(): void {
    this.group?.setAttribute("transform", `translate(${-this.win.scrollX} ${-this.win.scrollY})`);
  }
}
