/**
 * What scripts do that neither events nor the MutationObserver show: field values set through
 * properties (`el.value = "x"`, `checked`, `selectedIndex`), and shadow roots attached later or
 * closed. The tag wraps those prototypes (the original runs first, the page sees no difference,
 * and nothing the tag does can throw into it) and tells whoever listens.
 */
import { wrapMethod, wrapSetter } from "./sheets.js";

type ElementListener = (el: Element) => void;

const fieldListeners = new Set<ElementListener>();
const shadowListeners = new Set<ElementListener>();
const patched = new WeakSet<object>();
/** Closed shadow roots by host: for the tag only, never reachable from the page. */
const closedRoots = new WeakMap<Element, ShadowRoot>();

/** An element's shadow root: open, or closed but attached after the tag loaded. */
export function shadowRootOf(el: Element): ShadowRoot | null {
  return el.shadowRoot ?? closedRoots.get(el) ?? null;
}

/** Listens for script-set field state (the field is passed) or new shadow roots (the host). */
export function onFieldSet(listener: ElementListener): () => void {
  fieldListeners.add(listener);
  return () => fieldListeners.delete(listener);
}

export function onShadowAttached(listener: ElementListener): () => void {
  shadowListeners.add(listener);
  return () => shadowListeners.delete(listener);
}

function tell(listeners: Set<ElementListener>, el: unknown): void {
  for (const listener of listeners) {
    listener(el as Element);
  }
}

/** Wraps the prototypes of one window (the page's, or a same-origin frame's), once. */
export function patchPrototypes(win: Window): void {
  const w = win as Window & typeof globalThis;
  const elementProto = w.Element?.prototype;
  if (elementProto === undefined || patched.has(elementProto)) {
    return;
  }
  patched.add(elementProto);
  wrapMethod(elementProto, "attachShadow", (host, root) => {
    if ((root as ShadowRoot).mode === "closed") {
      closedRoots.set(host as Element, root as ShadowRoot);
    }
    tell(shadowListeners, host);
  });
  const field = (el: unknown): void => tell(fieldListeners, el);
  for (const name of ["value", "checked", "valueAsNumber", "valueAsDate"]) {
    wrapSetter(w.HTMLInputElement?.prototype, name, field);
  }
  wrapSetter(w.HTMLTextAreaElement?.prototype, "value", field);
  wrapSetter(w.HTMLSelectElement?.prototype, "value", field);
  wrapSetter(w.HTMLSelectElement?.prototype, "selectedIndex", field);
  wrapSetter(w.HTMLOptionElement?.prototype, "selected", (option) => field((option as Element).closest("select")));
}
