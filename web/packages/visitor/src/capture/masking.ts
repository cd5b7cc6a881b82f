/**
 * What the agent may see. Masking happens here, in the visitor's browser, while nodes are being
 * serialised: a masked value never reaches the transport.
 */
import type { SiteRule } from "@tandem/protocol";
import { PLACEHOLDER, scrubText, type DetectorSwitches } from "./detectors.js";
import { closestComposed, isElement, isFormField, isInput } from "./dom.js";

export { PLACEHOLDER };

/** How much of an element the agent may see. */
export type Visibility = "plain" | "masked" | "blocked";

const MASK_ATTRIBUTE = "data-tandem-mask";
const BLOCK_ATTRIBUTE = "data-tandem-block";
/** `autocomplete` tokens that mark a field as secret whatever the rules say. */
const SECRET_AUTOCOMPLETE = new Set(["cc-number", "cc-csc", "one-time-code", "current-password", "new-password"]);
/** Attributes of masked elements that tend to repeat their content. */
const MASKED_DROPPED_ATTRIBUTES = new Set(["title", "alt", "placeholder", "label", "summary"]);
/** Attributes that carry a form control's value. */
const VALUE_ATTRIBUTES = new Set(["value"]);

export interface MaskingRules {
  rules: readonly SiteRule[];
  detectors: DetectorSwitches;
}

/** Keeps the selectors the browser can parse; an invalid one is skipped, the others still apply. */
export function validSelectors(selectors: readonly string[], doc: Document): string[] {
  const probe = doc.createDocumentFragment();
  return selectors.filter((selector) => {
    if (typeof selector !== "string" || selector.trim() === "") {
      return false;
    }
    try {
      probe.querySelector(selector);
      return true;
    } catch {
      return false;
    }
  });
}

/** Attribute selectors on field values: with them a style sheet can spell out what was typed. */
const VALUE_SELECTOR = /\[\s*value\s*[~|^$*]?=\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\]\s]*)\s*(?:[is]\s*)?\]/gi;

export class MaskingPolicy {
  private readonly maskSelector: string;
  private readonly blockSelector: string;
  private readonly detectors: DetectorSwitches;
  /** Inputs that were ever `type=password`: switching them to text does not unmask them. */
  private readonly everPassword = new WeakSet<Element>();

  constructor(rules: MaskingRules, doc: Document) {
    const mask = rules.rules.filter((r) => r.kind === "MASK").map((r) => r.selector);
    const block = rules.rules.filter((r) => r.kind === "BLOCK").map((r) => r.selector);
    this.maskSelector = [`[${MASK_ATTRIBUTE}]`, ...validSelectors(mask, doc)].join(",");
    this.blockSelector = [`[${BLOCK_ATTRIBUTE}]`, ...validSelectors(block, doc)].join(",");
    this.detectors = { cardNumbers: rules.detectors.cardNumbers, usSsn: rules.detectors.usSsn };
  }

  /** Remembers the password fields present now, before a script can switch their type. */
  notePasswordFields(root: ParentNode): void {
    for (const input of Array.from(root.querySelectorAll("input"))) {
      this.notePasswordType(input, input.getAttribute("type"));
    }
  }

  /** Call with every `type` an input had; a password field stays masked for good. */
  notePasswordType(el: Element, type: string | null): void {
    if (type !== null && type.trim().toLowerCase() === "password") {
      this.everPassword.add(el);
    }
  }

  isBlocked(el: Element): boolean {
    return el.matches(this.blockSelector);
  }

  /** Whether a node is a blocked element or inside one. */
  isInsideBlocked(node: Node): boolean {
    const el = isElement(node) ? node : node.parentElement;
    return el !== null && closestComposed(el, this.blockSelector) !== null;
  }

  /** Masked by a rule on it or an ancestor, by data-tandem-mask, or as a secret field. */
  isMasked(el: Element): boolean {
    return this.isSecretField(el) || closestComposed(el, this.maskSelector) !== null;
  }

  visibility(el: Element): Visibility {
    if (this.isBlocked(el)) {
      return "blocked";
    }
    return this.isMasked(el) ? "masked" : "plain";
  }

  /** Whether the text or comment children of `parent` are masked. */
  isMaskedContext(parent: Node | null): boolean {
    if (isElement(parent)) {
      return this.isMasked(parent);
    }
    // The top of a shadow root or a frame's document: masked when its host is.
    const host = parent === null ? null : hostOfRoot(parent);
    return host !== null && (this.isMasked(host) || this.isBlocked(host));
  }

  private isSecretField(el: Element): boolean {
    if (!isInput(el)) {
      return false;
    }
    if (el.type === "password") {
      this.everPassword.add(el);
      return true;
    }
    if (this.everPassword.has(el)) {
      return true;
    }
    const tokens = (el.getAttribute("autocomplete") ?? "").toLowerCase().split(/\s+/);
    return tokens.some((token) => SECRET_AUTOCOMPLETE.has(token));
  }

  /** Text of a text or comment node. Whitespace stays as it is so that the layout survives. */
  text(value: string, masked: boolean): string {
    if (masked) {
      return value.trim() === "" ? value : PLACEHOLDER;
    }
    return scrubText(value, this.detectors);
  }

  /** A form field's value: the placeholder when masked (never its length), scrubbed otherwise. */
  value(value: string, masked: boolean): string {
    if (masked) {
      return value === "" ? "" : PLACEHOLDER;
    }
    return scrubText(value, this.detectors);
  }

  /**
   * The value to send for one attribute, or `undefined` to leave it out. Masked elements lose the
   * attributes that tend to repeat their content; values of form fields are masked or scrubbed.
   */
  attribute(name: string, value: string, masked: boolean): string | undefined {
    const lower = name.toLowerCase();
    if (masked) {
      if (
        MASKED_DROPPED_ATTRIBUTES.has(lower) ||
        lower.startsWith("aria-") ||
        (lower.startsWith("data-") && !lower.startsWith("data-tandem-"))
      ) {
        return undefined;
      }
      if (VALUE_ATTRIBUTES.has(lower)) {
        return this.value(value, true);
      }
      return value;
    }
    if (VALUE_ATTRIBUTES.has(lower)) {
      return scrubText(value, this.detectors);
    }
    return value;
  }

  /**
   * CSS text from the CSSOM or adopted sheets: detectors apply, and selectors on field values
   * (`input[value^="4"]`) lose their value so that a sheet cannot spell out a masked field.
   */
  css(text: string): string {
    return scrubText(text.replace(VALUE_SELECTOR, "[value]"), this.detectors);
  }

  /** The current value of a form field as the agent may see it. */
  fieldValue(el: Element, masked: boolean): string | undefined {
    if (!isFormField(el)) {
      return undefined;
    }
    return this.value(el.value, masked);
  }
}

function hostOfRoot(node: Node): Element | null {
  if (node.nodeType === 11 && "host" in node) {
    return (node as ShadowRoot).host;
  }
  if (node.nodeType === 9) {
    try {
      return (node as Document).defaultView?.frameElement ?? null;
    } catch {
      return null;
    }
  }
  return null;
}
