/**
 * What the visitor does that the DOM does not show: field values, scrolling, the window size and
 * the pointer. Coalesced to one frame per kind and target per animation frame.
 */
import type { NodeId } from "@tandem/protocol";
import { FrameScheduler } from "../frame-scheduler.js";
import { guard } from "../guard.js";
import { hostOf, isElement, isInput, isFormField, isShadowRoot } from "./dom.js";
import type { CaptureFrame } from "./frames.js";
import { onFieldSet, shadowRootOf } from "./hooks.js";
import type { SerializeContext } from "./serialize.js";

/** The visitor's `:hover` and focus, sent inside a `mutations` frame. */
export interface PseudoFrame {
  t: "pseudo";
  state: { hover?: NodeId; focus?: NodeId };
}

export type InteractionSink = (frame: CaptureFrame | PseudoFrame) => void;

const VALUELESS_INPUT_TYPES = new Set(["hidden", "file"]);

type Listener = [EventTarget, string, EventListener, AddEventListenerOptions];

export class InteractionTracker {
  private readonly fields = new Set<Element>();
  private readonly scrolled = new Set<Node>();
  private viewportChanged = false;
  private pointer: { x: number; y: number } | null = null;
  private readonly scheduler: FrameScheduler;
  private listeners: Listener[] = [];
  private unhook: (() => void) | null = null;
  /** Roots listened to since start (each snapshot serialises them again). */
  private heard = new WeakSet<Node>();
  private held = false;
  private hoverTarget: Node | null = null;
  private focusChanged = false;
  private sentHover: NodeId | undefined = 0;
  private sentFocus: NodeId | undefined = 0;

  constructor(
    private readonly win: Window,
    private readonly doc: Document,
    private readonly ctx: SerializeContext,
    /** Sends pending DOM changes first, so that every id referred to is known to the agent. */
    private readonly flushMutations: () => void,
    private readonly emit: InteractionSink,
  ) {
    this.scheduler = new FrameScheduler("interaction flush", () => this.flush());
  }

  start(): void {
    const capture: AddEventListenerOptions = { capture: true, passive: true };
    this.listen(this.doc, "input", (event) => this.onField(event), capture);
    this.listen(this.doc, "change", (event) => this.onField(event), capture);
    this.listen(this.doc, "reset", (event) => this.onReset(event), capture);
    this.listen(this.doc, "scroll", (event) => this.onScroll(event), capture);
    this.listen(this.win, "resize", () => this.onResize(), { passive: true });
    this.listen(this.doc, "mousemove", (event) => this.onPointer(event as MouseEvent), capture);
    this.listen(this.doc, "focusin", () => this.onFocus(), capture);
    this.listen(this.doc, "focusout", () => this.onFocus(), capture);
    // A value set by script fires no event: the wrapped setters tell (hooks.ts).
    this.unhook ??= onFieldSet((el) => this.noteField(el));
  }

  /** Events of a same-origin frame's document or of a shadow root (scroll does not leave one). */
  listenTo(root: Document | ShadowRoot): void {
    if (this.heard.has(root)) {
      return;
    }
    this.heard.add(root);
    const capture: AddEventListenerOptions = { capture: true, passive: true };
    this.listen(root, "scroll", (event) => this.onScroll(event), capture);
    // Outside a shadow root, its fields' events look like the host's.
    this.listen(root, "input", (event) => this.onField(event), capture);
    this.listen(root, "change", (event) => this.onField(event), capture);
    this.listen(root, "reset", (event) => this.onReset(event), capture);
    if (!isShadowRoot(root)) {
      this.listen(root, "mousemove", (event) => this.onFrameHover(event), capture);
      this.listen(root, "focusin", () => this.onFocus(), capture);
    }
  }

  /** Holds frames back while a snapshot is being written (their ids are not known yet). */
  hold(): void {
    this.held = true;
    this.sentHover = 0;
    this.sentFocus = 0;
    this.focusChanged = true;
  }

  release(): void {
    this.held = false;
    this.flush();
  }

  /** Sends an element's scroll position now (used right after a snapshot). */
  sendScroll(el: Element): void {
    this.emitScroll(el);
  }

  stop(): void {
    for (const [target, type, listener, options] of this.listeners) {
      target.removeEventListener(type, listener, options);
    }
    this.listeners = [];
    this.unhook?.();
    this.unhook = null;
    this.heard = new WeakSet();
    this.scheduler.cancel();
    this.fields.clear();
    this.scrolled.clear();
    this.pointer = null;
    this.viewportChanged = false;
    this.hoverTarget = null;
    this.held = false;
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
    this.noteField(event.target as Node | null);
  }

  /**
   * A form reset (its reset button, or `form.reset()` by script) puts the fields' default values back
   * without input events, and only after the `reset` event: the form's fields are noted now and read at
   * the next flush, a frame later, when the defaults are in.
   */
  private onReset(event: Event): void {
    const form = event.target as Partial<HTMLFormElement> | null;
    const fields = form?.elements;
    if (fields === undefined || typeof fields.length !== "number") {
      return;
    }
    for (let i = 0; i < fields.length; i += 1) {
      this.noteField(fields[i] ?? null);
    }
  }

  private noteField(target: Node | null): void {
    if (isFormField(target)) {
      this.fields.add(target);
      this.scheduler.request();
    }
  }

  private onScroll(event: Event): void {
    const target = event.target as Node | null;
    if (target !== null && typeof target.nodeType === "number") {
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
    const path = typeof event.composedPath === "function" ? event.composedPath() : [];
    this.hoverTarget = (path[0] as Node | undefined) ?? (event.target as Node | null);
    this.scheduler.request();
  }

  /** Hover inside a same-origin frame: the pointer itself is reported by the top document. */
  private onFrameHover(event: Event): void {
    const path = typeof event.composedPath === "function" ? event.composedPath() : [];
    this.hoverTarget = (path[0] as Node | undefined) ?? (event.target as Node | null);
    this.scheduler.request();
  }

  private onFocus(): void {
    this.focusChanged = true;
    this.scheduler.request();
  }

  /** The nearest node with an id at or above `node`, across shadow roots and frames. */
  private knownAncestor(node: Node | null): NodeId {
    for (let current: Node | null = node; current !== null; ) {
      const id = this.ctx.mirror.idOf(current);
      if (id !== undefined && isElement(current)) {
        return id;
      }
      current = current.parentNode ?? (isShadowRoot(current) ? current.host : null);
      if (current !== null && current.nodeType === 9) {
        current = hostOf(current.firstChild ?? current);
      }
    }
    return 0;
  }

  private deepActiveElement(): Element | null {
    let active: Element | null = this.doc.activeElement;
    for (let depth = 0; active !== null && depth < 32; depth += 1) {
      const inner: Element | null =
        shadowRootOf(active)?.activeElement ??
        (active.localName === "iframe" ? safeFrameActive(active as HTMLIFrameElement) : null);
      if (inner === null || inner === active) {
        break;
      }
      active = inner;
    }
    return active === this.doc.body ? null : active;
  }

  private flushPseudo(): void {
    const state: { hover?: NodeId; focus?: NodeId } = {};
    if (this.hoverTarget !== null) {
      const hover = this.knownAncestor(this.hoverTarget);
      this.hoverTarget = null;
      if (hover !== this.sentHover) {
        state.hover = hover;
        this.sentHover = hover;
      }
    }
    if (this.focusChanged) {
      this.focusChanged = false;
      const focus = this.knownAncestor(this.deepActiveElement());
      if (focus !== this.sentFocus) {
        state.focus = focus;
        this.sentFocus = focus;
      }
    }
    if (state.hover !== undefined || state.focus !== undefined) {
      this.emit({ t: "pseudo", state });
    }
  }

  private flush(): void {
    if (this.held) {
      return;
    }
    this.flushMutations();
    this.flushPseudo();
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
    if (isInput(el)) {
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
    const scope: ParentNode = el.form ?? el.ownerDocument;
    for (const other of Array.from(scope.querySelectorAll("input[type=radio]"))) {
      if (other === el || !isInput(other) || other.name !== el.name || other.form !== el.form) {
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
    if (target.nodeType === 9) {
      // A same-origin frame's document scrolled: its root element carries the position.
      const frameDoc = target as Document;
      const el = frameDoc.scrollingElement ?? frameDoc.documentElement;
      if (el !== null && this.ctx.mirror.idOf(el) !== undefined) {
        this.emit({ t: "scroll", id: this.ctx.mirror.idOf(el) as NodeId, x: el.scrollLeft, y: el.scrollTop });
      }
      return;
    }
    if (!isElement(target) || this.ctx.visibility.get(target) === "blocked") {
      return;
    }
    const id = this.ctx.mirror.idOf(target);
    if (id !== undefined) {
      this.emit({ t: "scroll", id, x: target.scrollLeft, y: target.scrollTop });
    }
  }
}

function safeFrameActive(frame: HTMLIFrameElement): Element | null {
  try {
    const doc = frame.contentDocument;
    return doc === null || doc.activeElement === doc.body ? null : doc.activeElement;
  } catch {
    return null;
  }
}
