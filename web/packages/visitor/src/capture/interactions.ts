/**
 * What the visitor does that the DOM does not show: field values, scrolling, the window size and
 * the pointer. Coalesced to one frame per kind and target per animation frame.
 */
import type { NodeId } from "@tandem/protocol";
import { FrameScheduler } from "../frame-scheduler.js";
import { guard } from "../guard.js";
import type { FrameSink } from "./frames.js";
import type { SerializeContext } from "./serialize.js";

const VALUELESS_INPUT_TYPES = new Set(["hidden", "file"]);

type Listener = [EventTarget, string, EventListener, AddEventListenerOptions];

export class InteractionTracker {
  private readonly fields = new Set<Element>();
  private readonly scrolled = new Set<Node>();
  private viewportChanged = false;
  private pointer: { x: number; y: number } | null = null;
  private readonly scheduler: FrameScheduler;
  private listeners: Listener[] = [];

  constructor(
    private readonly win: Window,
    private readonly doc: Document,
    private readonly ctx: SerializeContext,
    /** Sends pending DOM changes first, so that every id referred to is known to the agent. */
    private readonly flushMutations: () => void,
    private readonly emit: FrameSink,
  ) {
    this.scheduler = new FrameScheduler("interaction flush", () => this.flush());
  }

  start(): void {
    const capture: AddEventListenerOptions = { capture: true, passive: true };
    this.listen(this.doc, "input", (event) => this.onField(event), capture);
    this.listen(this.doc, "change", (event) => this.onField(event), capture);
    this.listen(this.doc, "scroll", (event) => this.onScroll(event), capture);
    this.listen(this.win, "resize", () => this.onResize(), { passive: true });
    this.listen(this.doc, "mousemove", (event) => this.onPointer(event as MouseEvent), capture);
  }

  stop(): void {
    for (const [target, type, listener, options] of this.listeners) {
      target.removeEventListener(type, listener, options);
    }
    this.listeners = [];
    this.scheduler.cancel();
    this.fields.clear();
    this.scrolled.clear();
    this.pointer = null;
    this.viewportChanged = false;
  }

  /** Sends a field's current value now (used right after a snapshot). */
  sendField(el: Element): void {
    this.emitField(el);
  }

  private listen(target: EventTarget, type: string, handler: (event: Event) => void, options: AddEventListenerOptions): void {
    const listener = guard(`${type} listener`, handler);
    target.addEventListener(type, listener, options);
    this.listeners.push([target, type, listener, options]);
  }

  private onField(event: Event): void {
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) {
      this.fields.add(target);
      this.scheduler.request();
    }
  }

  private onScroll(event: Event): void {
    const target = event.target;
    if (target instanceof Node) {
      this.scrolled.add(target);
      this.scheduler.request();
    }
  }

  private onResize(): void {
    this.viewportChanged = true;
    this.scheduler.request();
  }

  private onPointer(event: MouseEvent): void {
    this.pointer = { x: event.clientX, y: event.clientY };
    this.scheduler.request();
  }

  private flush(): void {
    this.flushMutations();
    for (const field of this.fields) {
      this.emitField(field);
    }
    this.fields.clear();
    for (const target of this.scrolled) {
      this.emitScroll(target);
    }
    this.scrolled.clear();
    if (this.viewportChanged) {
      this.viewportChanged = false;
      this.emit({ t: "viewport", w: this.win.innerWidth, h: this.win.innerHeight });
    }
    if (this.pointer !== null) {
      this.emit({ t: "pointer", x: this.pointer.x, y: this.pointer.y });
      this.pointer = null;
    }
  }

  private emitField(el: Element): void {
    const { mirror, policy } = this.ctx;
    const id = mirror.idOf(el);
    if (id === undefined || !el.isConnected || policy.isInsideBlocked(el)) {
      return;
    }
    const masked = policy.isMasked(el);
    if (el instanceof HTMLInputElement) {
      if (VALUELESS_INPUT_TYPES.has(el.type)) {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        // A masked box's state is as private as a masked field's value: it is not sent.
        if (!masked) {
          this.emitChecked(el, id);
        }
        return;
      }
    }
    const value = policy.fieldValue(el, masked);
    if (value !== undefined) {
      this.emit({ t: "input", id, value });
    }
  }

  private emitChecked(el: HTMLInputElement, id: NodeId): void {
    this.emit({ t: "input", id, checked: el.checked });
    if (el.type !== "radio" || el.name === "" || !el.checked) {
      return;
    }
    // Checking one radio unchecks the rest of its group without an event of their own.
    const scope: ParentNode = el.form ?? this.doc;
    for (const other of Array.from(scope.querySelectorAll("input[type=radio]"))) {
      if (other === el || !(other instanceof HTMLInputElement) || other.name !== el.name || other.form !== el.form) {
        continue;
      }
      const otherId = this.ctx.mirror.idOf(other);
      if (otherId !== undefined && !this.ctx.policy.isMasked(other)) {
        this.emit({ t: "input", id: otherId, checked: other.checked });
      }
    }
  }

  private emitScroll(target: Node): void {
    if (target === this.doc || target === this.doc.documentElement || target === this.doc.scrollingElement) {
      this.emit({ t: "scroll", id: 0, x: this.win.scrollX, y: this.win.scrollY });
      return;
    }
    if (!(target instanceof Element) || this.ctx.visibility.get(target) === "blocked") {
      return;
    }
    const id = this.ctx.mirror.idOf(target);
    if (id !== undefined) {
      this.emit({ t: "scroll", id, x: target.scrollLeft, y: target.scrollTop });
    }
  }
}
