/**
 * The agent on the visitor's page: their pointer, and the highlights they place (a fading circle,
 * and a short wiggle of the element under it when asked).
 */
import type { TagHost } from "./host.js";

const POINTER_IDLE_MS = 8_000;
const HIGHLIGHT_MS = 1_900;

const ARROW_SVG_PATH = "M1 1 L1 15 L5 11 L8 17 L10.5 16 L7.5 10 L13 10 Z";

const NAME_LIMIT = 40;

interface PointerPlace {
  x: number;
  y: number;
  id: number | undefined;
  fx: number | undefined;
  fy: number | undefined;
}

export class AgentPresence {
  private pointer: HTMLElement | null = null;
  private label: HTMLElement | null = null;
  private live: HTMLElement | null = null;
  private pending: PointerPlace | null = null;
  private frameRequest: number | null = null;
  /** The agent's display name from its pointer messages ("" until known). */
  name = "";
  /** Resolves a node id of the current snapshot to the live element. */
  anchor: (id: number) => Element | undefined = () => undefined;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly highlights = new Set<HTMLElement>();

  constructor(
    private readonly host: TagHost,
    private readonly win: Window,
    /** The pointer's label until the agent's name is known. */
    private readonly agentLabel = "Agent",
  ) {}

  /**
   * Moves the agent's pointer: to the same place within the element it names when that element is
   * here, else to the point. A flood of pointer messages costs one style change per animation frame.
   */
  movePointer(x: number, y: number, id?: number, fx?: number, fy?: number): void {
    this.pending = { x, y, id, fx, fy };
    if (this.frameRequest === null) {
      this.frameRequest = this.win.requestAnimationFrame(() => {
        this.frameRequest = null;
        const next = this.pending;
        this.pending = null;
        if (next !== null) {
          this.placePointer(next);
        }
      });
    }
  }

  setName(name: string): void {
    const clean = name.replace(/\s+/g, " ").trim().slice(0, NAME_LIMIT);
    if (clean !== "" && clean !== this.name) {
      this.name = clean;
      if (this.label !== null) {
        this.label.textContent = clean;
      }
    }
  }

  /** Says what the agent did, through a polite live region (screen readers read it out). */
  announce(text: string): void {
    if (this.live === null) {
      const doc = this.host.element.ownerDocument;
      this.live = doc.createElement("div");
      this.live.className = "sr-only";
      this.live.setAttribute("role", "status");
      this.live.setAttribute("aria-live", "polite");
      this.live.setAttribute("data-testid", "tandem-announcer");
      this.host.layer.append(this.live);
    }
    this.live.textContent = text;
  }

  private placePointer({ x, y, id, fx, fy }: PointerPlace): void {
    const el = id === undefined ? undefined : this.anchor(id);
    if (el !== undefined && fx !== undefined && fy !== undefined && fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1) {
      // Where both layouts agree the point is already on the element; otherwise the anchor wins.
      const box = el.getBoundingClientRect();
      if (x < box.left || x > box.right || y < box.top || y > box.bottom) {
        x = box.left + fx * box.width;
        y = box.top + fy * box.height;
      }
    }
    const pointer = this.pointer ?? this.createPointer();
    pointer.hidden = false;
    pointer.style.transform = `translate(${x}px, ${y}px)`;
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
    }
    this.idleTimer = setTimeout(() => {
      pointer.hidden = true;
    }, POINTER_IDLE_MS);
  }

  highlight(x: number, y: number, target: Element | undefined, wiggle: boolean): void {
    const doc = this.host.element.ownerDocument;
    const ring = doc.createElement("div");
    ring.className = "highlight";
    ring.setAttribute("data-testid", "tandem-highlight");
    ring.style.left = `${x}px`;
    ring.style.top = `${y}px`;
    this.host.layer.append(ring);
    this.highlights.add(ring);
    setTimeout(() => {
      ring.remove();
      this.highlights.delete(ring);
    }, HIGHLIGHT_MS);
    if (wiggle) {
      const element = target !== undefined && this.contains(target, x, y) ? target : this.elementAt(x, y);
      if (element !== undefined) {
        this.wiggle(element);
      }
    }
  }

  remove(): void {
    if (this.frameRequest !== null) {
      this.win.cancelAnimationFrame(this.frameRequest);
      this.frameRequest = null;
    }
    this.live?.remove();
    this.live = null;
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    this.pointer?.remove();
    this.pointer = null;
    this.label = null;
    for (const ring of this.highlights) {
      ring.remove();
    }
    this.highlights.clear();
  }

  private createPointer(): HTMLElement {
    const doc = this.host.element.ownerDocument;
    const pointer = doc.createElement("div");
    pointer.className = "pointer";
    pointer.setAttribute("data-testid", "tandem-agent-pointer");
    pointer.setAttribute("aria-hidden", "true");
    const svg = doc.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 18 18");
    const path = doc.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ARROW_SVG_PATH);
    path.setAttribute("fill", "#1d4ed8");
    path.setAttribute("stroke", "#fff");
    path.setAttribute("stroke-width", "1.2");
    svg.append(path);
    const label = doc.createElement("span");
    label.textContent = this.name === "" ? this.agentLabel : this.name;
    label.setAttribute("data-testid", "tandem-agent-name");
    this.label = label;
    pointer.append(svg, label);
    this.host.layer.append(pointer);
    this.pointer = pointer;
    return pointer;
  }

  /** Whether an element the agent named by id is really under the point (ids can be stale). */
  private contains(el: Element, x: number, y: number): boolean {
    if (!el.isConnected) {
      return false;
    }
    const box = el.getBoundingClientRect();
    return x >= box.left && x <= box.right && y >= box.top && y <= box.bottom;
  }

  private elementAt(x: number, y: number): Element | undefined {
    const doc = this.host.element.ownerDocument;
    return doc.elementsFromPoint(x, y).find((el) => el !== this.host.element && el !== doc.documentElement && el !== doc.body);
  }

  /** A short sideways shake through the Web Animations API: the element's own style is untouched. */
  private wiggle(el: Element): void {
    if (typeof el.animate !== "function") {
      return;
    }
    const reduced = this.win.matchMedia?.("(prefers-reduced-motion: reduce)").matches === true;
    const keyframes: Keyframe[] = reduced
      ? [{ opacity: 1 }, { opacity: 0.4 }, { opacity: 1 }]
      : [
          { transform: "translateX(0)" },
          { transform: "translateX(-5px)" },
          { transform: "translateX(5px)" },
          { transform: "translateX(-3px)" },
          { transform: "translateX(3px)" },
          { transform: "translateX(0)" },
        ];
    el.animate(keyframes, { duration: 450, easing: "ease-in-out", composite: "add" });
  }
}
