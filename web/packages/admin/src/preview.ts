/**
 * The preview: a sample page in an `<iframe sandbox="allow-same-origin">` (no scripts, forms, popups or
 * navigation) with the elements each rule matches marked. Matching is the browser's own
 * `querySelectorAll` in the preview document, the same call the visitor's tag makes, so the marks are
 * exactly what Chromium matches. All matches are computed on the unmarked document first, then marked,
 * and the marking style is an adopted stylesheet: the marks never change what a selector matches.
 */
import type { RuleKind } from "@tandem/protocol";

export interface PreviewRule {
  /** `b<i>` for built-in rule i, `r<i>` for the site's rule i. */
  key: string;
  kind: RuleKind;
  selector: string;
}

export interface RuleMatches {
  key: string;
  /** Number of elements matched, or null when the browser cannot parse the selector. */
  count: number | null;
}

export interface PreviewResult {
  rules: RuleMatches[];
  /** The "try a selector" field: matches, null when unparseable, undefined when empty. */
  tried: number | null | undefined;
}

const MARK_ATTRS = ["data-tandem-preview", "data-tandem-rules", "data-tandem-try"] as const;

const KIND_TOKEN: Record<RuleKind, string> = { MASK: "mask", BLOCK: "block", NO_AGENT_CONTROL: "no-agent-control" };

const MARK_CSS = `
[data-tandem-preview~="mask"] { outline: 3px solid #c2185b !important; outline-offset: 1px; background-image: repeating-linear-gradient(45deg, rgba(194,24,91,.18) 0 6px, transparent 6px 12px) !important; }
[data-tandem-preview~="block"] { outline: 3px solid #111827 !important; outline-offset: 1px; background-color: rgba(17,24,39,.25) !important; }
[data-tandem-preview~="no-agent-control"] { outline: 3px dashed #1d4ed8 !important; outline-offset: 2px; }
[data-tandem-try] { box-shadow: 0 0 0 4px #f59e0b !important; }
`;

/**
 * Writes HTML into the preview frame's document (opened afresh, so nothing of the previous sample stays).
 * Not `srcdoc`, whose documents are never in quirks mode: a page without a doctype is matched in quirks
 * mode here, as the browser matches it on the site (class and id selectors are then case-insensitive).
 * The frame's sandbox has no allow-scripts: nothing in the written HTML runs.
 */
export function loadPreview(frame: HTMLIFrameElement, html: string): Promise<Document> {
  const doc = frame.contentDocument;
  if (doc === null) {
    return Promise.reject(new Error("The preview frame is not readable."));
  }
  doc.open();
  doc.write(html);
  doc.close();
  return Promise.resolve(doc);
}

function matchAll(doc: Document, selector: string): Element[] | null {
  try {
    return Array.from(doc.querySelectorAll(selector));
  } catch {
    return null;
  }
}

function addToken(el: Element, attr: string, token: string): void {
  const tokens = (el.getAttribute(attr) ?? "").split(" ").filter((t) => t !== "");
  if (!tokens.includes(token)) {
    el.setAttribute(attr, [...tokens, token].join(" "));
  }
}

function installStyle(doc: Document): void {
  const view = doc.defaultView as (Window & typeof globalThis) | null;
  if (view === null || doc.adoptedStyleSheets.length > 0) {
    return;
  }
  // Constructed in the frame's own realm: a sheet can only be adopted by the document it was made for.
  const sheet = new view.CSSStyleSheet();
  sheet.replaceSync(MARK_CSS);
  doc.adoptedStyleSheets = [sheet];
}

/** Clears old marks, matches every rule (and the tried selector), then marks the matches. */
export function markPreview(doc: Document, rules: PreviewRule[], trySelector: string): PreviewResult {
  for (const attr of MARK_ATTRS) {
    for (const el of Array.from(doc.querySelectorAll(`[${attr}]`))) {
      el.removeAttribute(attr);
    }
  }
  const matched = rules.map((rule) => ({ rule, elements: rule.selector.trim() === "" ? null : matchAll(doc, rule.selector) }));
  const tried = trySelector.trim() === "" ? undefined : matchAll(doc, trySelector);
  for (const { rule, elements } of matched) {
    for (const el of elements ?? []) {
      addToken(el, "data-tandem-preview", KIND_TOKEN[rule.kind]);
      addToken(el, "data-tandem-rules", rule.key);
    }
  }
  for (const el of tried ?? []) {
    el.setAttribute("data-tandem-try", "");
  }
  installStyle(doc);
  return {
    rules: matched.map(({ rule, elements }) => ({ key: rule.key, count: elements === null ? null : elements.length })),
    tried: tried === undefined ? undefined : tried === null ? null : tried.length,
  };
}
