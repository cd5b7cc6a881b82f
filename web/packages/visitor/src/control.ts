/**
 * Shared-mode agent control on the visitor's page: clicks, typing, keys, select, check, scroll and
 * navigation, each naming a node of the current snapshot. Everything the agent must never do (submit,
 * secret or blocked fields, file inputs, no-agent-control rules, unsafe or foreign URLs, new windows)
 * is refused here, whatever the gateway let through.
 */
import type { NodeId } from "@tandem/protocol";
import { closestComposed } from "./capture/dom.js";
import { validSelectors } from "./capture/masking.js";
import { numberField, stringField, booleanField, type JsonRecord } from "./json.js";

import { fill, type TandemStrings } from "./ui/strings.js";

export const CONTROL_TYPES: ReadonlySet<string> = new Set(["click", "type", "key", "select", "check", "scroll-to", "navigate"]);

export interface ControlTarget {
  win: Window;
  elementById(id: NodeId): Element | undefined;
  /** Masked (a secret field, a MASK rule or data-tandem-mask, or inside one). */
  isMasked(el: Element): boolean;
  /** Blocked or inside a blocked element. */
  isBlocked(el: Element): boolean;
  /** What the visitor is told (`say*` of the tag's string table). */
  strings: TandemStrings;
}

/** What happened: `say` is announced to the visitor, `reason` goes back to the agent as `refused`. */
export type Outcome = { ok: true; say: string } | { ok: false; reason: string; id?: NodeId };

const TEXT_TYPES = new Set(["", "text", "search", "email", "tel", "url", "number"]);

function refuse(reason: string, id?: NodeId): Outcome {
  return id === undefined ? { ok: false, reason } : { ok: false, reason, id };
}

/** A control that submits its form when activated: submit buttons (also buttons without a valid type) and image inputs. */
function submits(el: Element): boolean {
  if (el.localName === "button") {
    return (el as HTMLButtonElement).type === "submit";
  }
  if (el.localName === "input") {
    const type = (el as HTMLInputElement).type;
    return type === "submit" || type === "image";
  }
  return false;
}

/** The element itself, a submit control it sits in, or a submit control a label it sits in activates. */
function submitPath(el: Element): boolean {
  for (let node: Element | null = el; node !== null; node = composedParent(node)) {
    if (submits(node)) {
      return true;
    }
    if (node.localName === "label") {
      const control = (node as HTMLLabelElement).control;
      if (control !== null && submits(control)) {
        return true;
      }
    }
  }
  return false;
}

function composedParent(el: Element): Element | null {
  if (el.parentElement !== null) {
    return el.parentElement;
  }
  const root = el.getRootNode();
  return root instanceof ShadowRoot || (root.nodeType === 11 && "host" in root) ? (root as ShadowRoot).host : null;
}

/** A short name for what the agent acted on, for the visitor's screen reader. */
function describe(el: Element): string {
  const text =
    el.getAttribute("aria-label") ??
    (el.localName === "input" || el.localName === "textarea" || el.localName === "select"
      ? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute("placeholder") ?? el.getAttribute("name")
      : el.textContent) ??
    "";
  const clean = text.replace(/\s+/g, " ").trim();
  return clean === "" ? el.localName : clean.length > 40 ? `${clean.slice(0, 39)}\u2026` : clean;
}

/** Sets a field's value through the prototype's setter, so that React's value tracker sees a change. */
function setNativeValue(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  for (let proto = Object.getPrototypeOf(el) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, "value");
    if (descriptor?.set !== undefined) {
      descriptor.set.call(el, value);
      return;
    }
  }
  el.value = value;
}

function fire(el: Element, input: string, data: string | null): void {
  el.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, inputType: input, data }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
}

function caret(el: HTMLInputElement | HTMLTextAreaElement): [number, number] {
  const end = el.value.length;
  try {
    return [el.selectionStart ?? end, el.selectionEnd ?? end];
  } catch {
    return [end, end];
  }
}

function edit(el: HTMLInputElement | HTMLTextAreaElement, before: number, after: number, text: string, inputType: string): void {
  const value = el.value;
  const next = value.slice(0, before) + text + value.slice(after);
  if (el.maxLength >= 0 && next.length > el.maxLength && next.length > value.length) {
    return;
  }
  setNativeValue(el, next);
  try {
    el.setSelectionRange(before + text.length, before + text.length);
  } catch {
    // Types without a selection (email, number): the caret stays where the browser puts it.
  }
  fire(el, inputType, text === "" ? null : text);
}

export class Controller {
  private readonly noControl: string;

  constructor(
    private readonly target: ControlTarget,
    noAgentControl: readonly string[],
  ) {
    this.noControl = validSelectors(noAgentControl, target.win.document).join(",");
  }

  private say(key: "saidClicked" | "saidTyped" | "saidChose" | "saidTicked" | "saidUnticked", el: Element): string {
    return fill(this.target.strings[key], { what: describe(el) });
  }

  /** Applies one control message; never throws into the page. */
  apply(frame: JsonRecord & { t: string }): Outcome {
    if (frame.t === "navigate") {
      return this.navigate(frame);
    }
    const id = numberField(frame, "id");
    if (id === undefined) {
      return refuse("not-found");
    }
    if (frame.t === "scroll-to") {
      return this.scrollTo(frame, id);
    }
    const el = this.target.elementById(id);
    if (el === undefined) {
      return refuse("not-found", id);
    }
    if ((frame.t === "click" || frame.t === "key") && submitPath(el) && (frame.t === "click" || frame["key"] === "Enter")) {
      return refuse("submit", id);
    }
    if (this.noControl !== "" && closestComposed(el, this.noControl) !== null) {
      return refuse("no-agent-control", id);
    }
    if (this.target.isBlocked(el)) {
      return refuse("blocked", id);
    }
    if (el.localName === "input" && (el as HTMLInputElement).type === "file") {
      return refuse("file-input", id);
    }
    if (this.target.isMasked(el)) {
      return refuse("secret-field", id);
    }
    switch (frame.t) {
      case "click":
        return this.click(el, id);
      case "type": {
        const text = stringField(frame, "text");
        return text === undefined ? refuse("unsupported", id) : this.type(el, id, text);
      }
      case "key":
        return this.key(el, id, stringField(frame, "key") ?? "");
      case "select":
        return this.select(el, id, numberField(frame, "index"));
      case "check":
        return this.check(el, id, booleanField(frame, "checked"));
      default:
        return refuse("unsupported", id);
    }
  }

  private click(el: Element, id: NodeId): Outcome {
    if (submitPath(el)) {
      return refuse("submit", id);
    }
    if ((el as HTMLButtonElement).disabled === true) {
      return refuse("disabled", id);
    }
    const link = el.closest("a[href],area[href]") as HTMLAnchorElement | null;
    if (link !== null) {
      const target = (link.getAttribute("target") ?? "").trim().toLowerCase();
      if ((target !== "" && target !== "_self" && target !== "_top" && target !== "_parent") || link.hasAttribute("download")) {
        return refuse("new-window", id);
      }
      const verdict = this.checkUrl(link.getAttribute("href") ?? "");
      if (verdict !== null) {
        return refuse(verdict, id);
      }
    }
    const html = el as HTMLElement;
    const box = el.getBoundingClientRect();
    const at = { bubbles: true, cancelable: true, composed: true, clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
    this.guarded(el, () => {
      el.dispatchEvent(new PointerEvent("pointerdown", at));
      el.dispatchEvent(new MouseEvent("mousedown", at));
      if (typeof html.focus === "function") {
        html.focus({ preventScroll: true });
      }
      el.dispatchEvent(new PointerEvent("pointerup", at));
      el.dispatchEvent(new MouseEvent("mouseup", at));
      if (typeof html.click === "function") {
        html.click();
      } else {
        el.dispatchEvent(new MouseEvent("click", at));
      }
    });
    return { ok: true, say: this.say("saidClicked", el) };
  }

  private field(el: Element): HTMLInputElement | HTMLTextAreaElement | null {
    if (el.localName === "textarea") {
      return el as HTMLTextAreaElement;
    }
    if (el.localName === "input" && TEXT_TYPES.has((el as HTMLInputElement).type)) {
      return el as HTMLInputElement;
    }
    return null;
  }

  private type(el: Element, id: NodeId, text: string): Outcome {
    const field = this.field(el);
    if (field === null) {
      return refuse(el.localName === "input" && (el as HTMLInputElement).type === "password" ? "secret-field" : "unsupported", id);
    }
    if (field.disabled || field.readOnly) {
      return refuse("disabled", id);
    }
    // A single-line field has no line breaks: Enter there would submit, so it never gets through.
    const clean = field.localName === "input" ? text.replace(/[\r\n]+/g, "") : text;
    const [start, end] = caret(field);
    edit(field, start, end, clean, "insertText");
    return { ok: true, say: this.say("saidTyped", el) };
  }

  private key(el: Element, id: NodeId, key: string): Outcome {
    const field = this.field(el);
    if (key === "Enter") {
      if (field !== null && field.localName === "textarea" && !field.disabled && !field.readOnly) {
        const [start, end] = caret(field);
        edit(field, start, end, "\n", "insertLineBreak");
        return { ok: true, say: this.say("saidTyped", el) };
      }
      // Enter in a text field submits its form, on a button activates it: the visitor does that.
      return refuse("submit", id);
    }
    if (key === "Backspace" || key === "Delete") {
      if (field === null || field.disabled || field.readOnly) {
        return refuse("unsupported", id);
      }
      let [start, end] = caret(field);
      if (start === end) {
        if (key === "Backspace" && start > 0) {
          start -= 1;
        } else if (key === "Delete" && end < field.value.length) {
          end += 1;
        } else {
          return { ok: true, say: "" };
        }
      }
      edit(field, start, end, "", key === "Backspace" ? "deleteContentBackward" : "deleteContentForward");
      return { ok: true, say: "" };
    }
    if (key === "Escape" || key === "Tab" || /^Arrow(Up|Down|Left|Right)$/.test(key)) {
      const init = { key, bubbles: true, cancelable: true, composed: true };
      this.guarded(el, () => {
        el.dispatchEvent(new KeyboardEvent("keydown", init));
        el.dispatchEvent(new KeyboardEvent("keyup", init));
      });
      return { ok: true, say: "" };
    }
    return refuse("unsupported", id);
  }

  private select(el: Element, id: NodeId, index: number | undefined): Outcome {
    if (el.localName !== "select" || index === undefined || !Number.isInteger(index)) {
      return refuse("unsupported", id);
    }
    const select = el as HTMLSelectElement;
    if (select.disabled || index < 0 || index >= select.options.length || select.options[index]?.disabled === true) {
      return refuse("disabled", id);
    }
    select.selectedIndex = index;
    fire(select, "insertReplacementText", null);
    return { ok: true, say: this.say("saidChose", select.options[index] as Element) };
  }

  private check(el: Element, id: NodeId, checked: boolean | undefined): Outcome {
    const input = el as HTMLInputElement;
    if (el.localName !== "input" || (input.type !== "checkbox" && input.type !== "radio") || checked === undefined) {
      return refuse("unsupported", id);
    }
    if (input.disabled) {
      return refuse("disabled", id);
    }
    if (input.checked !== checked && (checked || input.type === "checkbox")) {
      // A click toggles it and fires click, input and change, as frameworks expect.
      this.guarded(el, () => input.click());
    }
    return { ok: true, say: this.say(checked ? "saidTicked" : "saidUnticked", el) };
  }

  private scrollTo(frame: JsonRecord, id: NodeId): Outcome {
    const x = numberField(frame, "x") ?? 0;
    const y = numberField(frame, "y") ?? 0;
    if (id === 0) {
      this.target.win.scrollTo(x, y);
      return { ok: true, say: "" };
    }
    const el = this.target.elementById(id);
    if (el === undefined) {
      return refuse("not-found", id);
    }
    el.scrollLeft = x;
    el.scrollTop = y;
    return { ok: true, say: "" };
  }

  private navigate(frame: JsonRecord): Outcome {
    const action = stringField(frame, "action");
    const { win } = this.target;
    if (action === "back") {
      win.history.back();
      return { ok: true, say: this.target.strings.saidBack };
    }
    if (action === "reload") {
      win.location.reload();
      return { ok: true, say: this.target.strings.saidReload };
    }
    const url = stringField(frame, "url");
    if (action !== "go" || url === undefined) {
      return refuse("unsupported");
    }
    const verdict = this.checkUrl(url);
    if (verdict !== null) {
      return refuse(verdict);
    }
    win.location.assign(new URL(url, win.location.href).href);
    return { ok: true, say: this.target.strings.saidNavigate };
  }

  /** `null` for a same-origin http(s) address; otherwise why not. */
  private checkUrl(raw: string): string | null {
    let url: URL;
    try {
      url = new URL(raw.trim(), this.target.win.location.href);
    } catch {
      return "unsafe-url";
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return "unsafe-url";
    }
    return url.origin === this.target.win.location.origin ? null : "other-origin";
  }

  /**
   * Runs an agent's action with a guard against anything it would set off that the agent may not do:
   * a form submitted by the page's own handlers (`requestSubmit`) is stopped.
   */
  private guarded(el: Element, action: () => void): void {
    const doc = el.ownerDocument;
    const view = doc.defaultView as (Window & typeof globalThis) | null;
    const stop = (event: Event): void => {
      event.preventDefault();
      event.stopImmediatePropagation();
    };
    // `form.submit()` fires no event, and `window.open` makes a new window: both are off while the action runs.
    const form = view?.HTMLFormElement.prototype;
    const submit = form?.submit;
    const open = view?.open;
    doc.addEventListener("submit", stop, true);
    try {
      if (form !== undefined && view !== null && view !== undefined) {
        form.submit = function blocked(): void {};
        view.open = (): null => null;
      }
      action();
    } finally {
      doc.removeEventListener("submit", stop, true);
      if (form !== undefined && submit !== undefined && view !== null && view !== undefined) {
        form.submit = submit;
        view.open = open as typeof view.open;
      }
    }
  }
}
