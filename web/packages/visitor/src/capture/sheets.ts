/**
 * CSSOM changes leave no trace in the DOM: `insertRule`, `deleteRule`, `replace(Sync)` and
 * `adoptedStyleSheets`. The watcher wraps those methods once per window (transparently: the page's
 * calls behave as before) and tells the capture which sheets changed.
 */
import type { AdoptedChange, StyleSheetChange } from "@tandem/protocol";
import { isElement } from "./dom.js";
import type { MaskingPolicy } from "./masking.js";
import type { Mirror } from "./mirror.js";
import type { SheetChanges } from "./mutations.js";
import type { SheetReader } from "./serialize.js";

type SheetListener = (sheet: CSSStyleSheet) => void;
type RootListener = (root: Document | ShadowRoot) => void;

const sheetListeners = new Set<SheetListener>();
const rootListeners = new Set<RootListener>();
const patched = new WeakSet<object>();

/** The sheet's rules as text; `undefined` when the browser will not tell (cross-origin). */
export function sheetText(sheet: CSSStyleSheet): string | undefined {
  try {
    return Array.from(sheet.cssRules, (rule) => rule.cssText).join("\n");
  } catch {
    return undefined;
  }
}

/** Wraps a method: the original runs first and its result is returned; `after` never throws into the page. */
export function wrapMethod(proto: object, name: string, after: (self: unknown, result: unknown) => void): void {
  const descriptor = Object.getOwnPropertyDescriptor(proto, name);
  const original = descriptor?.value as unknown;
  if (typeof original !== "function") {
    return;
  }
  const fn = original as (...args: unknown[]) => unknown;
  Object.defineProperty(proto, name, {
    ...descriptor,
    value: function (this: unknown, ...args: unknown[]): unknown {
      const result = fn.apply(this, args);
      try {
        if (result instanceof Promise) {
          void result.then(() => after(this, result), () => undefined);
        } else {
          after(this, result);
        }
      } catch {
        // Never disturb the page's own call.
      }
      return result;
    },
  });
}

/** Wraps a property setter the same way. */
export function wrapSetter(proto: object | undefined, name: string, after: (self: unknown) => void): void {
  if (proto === undefined) {
    return;
  }
  const descriptor = Object.getOwnPropertyDescriptor(proto, name);
  const set = descriptor?.set;
  if (descriptor === undefined || set === undefined) {
    return;
  }
  Object.defineProperty(proto, name, {
    ...descriptor,
    set(this: unknown, value: unknown) {
      set.call(this, value);
      try {
        after(this);
      } catch {
        // As above.
      }
    },
  });
}

/** Wraps the CSSOM of one window (the page's, or a same-origin frame's), once. */
export function patchWindow(win: Window): void {
  const w = win as Window & typeof globalThis;
  const sheetProto = w.CSSStyleSheet?.prototype;
  if (sheetProto === undefined || patched.has(sheetProto)) {
    return;
  }
  patched.add(sheetProto);
  const sheetChanged = (self: unknown): void => {
    for (const listener of sheetListeners) {
      listener(self as CSSStyleSheet);
    }
  };
  for (const name of ["insertRule", "deleteRule", "addRule", "removeRule", "replace", "replaceSync"]) {
    wrapMethod(sheetProto, name, sheetChanged);
  }
  const rootChanged = (self: unknown): void => {
    for (const listener of rootListeners) {
      listener(self as Document | ShadowRoot);
    }
  };
  wrapSetter(w.Document?.prototype, "adoptedStyleSheets", rootChanged);
  wrapSetter(w.ShadowRoot?.prototype, "adoptedStyleSheets", rootChanged);
}

export class SheetWatcher implements SheetReader, SheetChanges {
  /** `<style>` elements whose rules were changed through the CSSOM. */
  private readonly touched = new WeakSet<Element>();
  private readonly dirtyStyles = new Set<Element>();
  private readonly dirtyRoots = new Set<Document | ShadowRoot>();
  /** Every followed root, with the adopted sheets it had when last sent. */
  private readonly roots = new Map<Document | ShadowRoot, CSSStyleSheet[]>();
  private readonly onSheet: SheetListener = (sheet) => this.sheetChanged(sheet);
  private readonly onRoot: RootListener = (root) => this.rootChanged(root);

  constructor(
    private readonly mirror: Mirror,
    private readonly policy: MaskingPolicy,
    private readonly changed: () => void,
  ) {}

  start(win: Window): void {
    patchWindow(win);
    sheetListeners.add(this.onSheet);
    rootListeners.add(this.onRoot);
  }

  stop(): void {
    sheetListeners.delete(this.onSheet);
    rootListeners.delete(this.onRoot);
    this.roots.clear();
    this.dirtyRoots.clear();
    this.dirtyStyles.clear();
  }

  /** A document or shadow root the capture follows. */
  follow(root: Document | ShadowRoot): void {
    if (!this.roots.has(root)) {
      this.roots.set(root, adoptedOf(root));
      const win = root.nodeType === 9 ? (root as Document).defaultView : root.ownerDocument?.defaultView;
      if (win !== null && win !== undefined) {
        patchWindow(win);
      }
    }
  }

  styleText(el: Element, masked: boolean): string | undefined {
    const sheet = (el as HTMLStyleElement).sheet;
    if (sheet === null || sheet === undefined) {
      return undefined;
    }
    // Rules that the text does not show: inserted through the CSSOM, or a sheet written empty.
    if (!this.touched.has(el) && (el.textContent ?? "").trim() !== "") {
      return undefined;
    }
    const text = sheetText(sheet);
    if (text === undefined || (text === "" && !this.touched.has(el))) {
      return undefined;
    }
    return masked ? "" : this.policy.css(text);
  }

  adopted(root: Document | ShadowRoot): string[] | undefined {
    const sheets = adoptedOf(root);
    this.roots.set(root, sheets);
    if (sheets.length === 0) {
      return undefined;
    }
    return sheets.map((sheet) => sheetText(sheet) ?? "");
  }

  /** Catches in-place changes of `adoptedStyleSheets` (`push`), which no setter sees. */
  poll(): void {
    for (const [root, before] of this.roots) {
      const now = adoptedOf(root);
      if (now.length !== before.length || now.some((sheet, i) => sheet !== before[i])) {
        this.rootChanged(root);
      }
    }
  }

  take(): { sheets: StyleSheetChange[]; adopted: AdoptedChange[] } {
    const sheets: StyleSheetChange[] = [];
    const adopted: AdoptedChange[] = [];
    for (const el of this.dirtyStyles) {
      const id = this.mirror.idOf(el);
      const css = this.styleText(el, false);
      if (id !== undefined && css !== undefined && el.isConnected && !this.policy.isInsideBlocked(el)) {
        sheets.push({ id, css: this.policy.isMasked(el) ? "" : css });
      }
    }
    this.dirtyStyles.clear();
    for (const root of this.dirtyRoots) {
      const id = this.mirror.idOf(root);
      if (id !== undefined) {
        adopted.push({ id, sheets: (this.adopted(root) ?? []).map((css) => this.policy.css(css)) });
      }
    }
    this.dirtyRoots.clear();
    return { sheets, adopted };
  }

  private sheetChanged(sheet: CSSStyleSheet): void {
    const owner = sheet.ownerNode;
    if (owner !== null && owner !== undefined) {
      if (isElement(owner) && owner.localName === "style") {
        this.touched.add(owner);
        if (this.mirror.has(owner)) {
          this.dirtyStyles.add(owner);
          this.changed();
        }
      }
      return;
    }
    // A constructed sheet: every followed root that adopts it.
    for (const root of this.roots.keys()) {
      if (adoptedOf(root).includes(sheet)) {
        this.rootChanged(root);
      }
    }
  }

  private rootChanged(root: Document | ShadowRoot): void {
    if (this.roots.has(root) && this.mirror.has(root)) {
      this.dirtyRoots.add(root);
      this.changed();
    }
  }
}

function adoptedOf(root: Document | ShadowRoot): CSSStyleSheet[] {
  try {
    return Array.from(root.adoptedStyleSheets ?? []);
  } catch {
    return [];
  }
}
