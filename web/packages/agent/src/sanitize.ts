/**
 * What of the visitor's page may enter the agent's iframe. The page is untrusted input: the iframe
 * already cannot run scripts, and this is the second wall, so that a forged frame stays harmless
 * even if the first one ever fails.
 */
import { rewriteCss, safeSrcset, safeUrl, type PageUrls, type UrlUse } from "./urls.js";

export const HTML_NS = "http://www.w3.org/1999/xhtml";
export const SVG_NS = "http://www.w3.org/2000/svg";
export const MATHML_NS = "http://www.w3.org/1998/Math/MathML";
const XLINK_NS = "http://www.w3.org/1999/xlink";
const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** Elements left out with everything inside them. */
const DROPPED_ELEMENTS = new Set([
  "script",
  "noscript",
  "object",
  "embed",
  "applet",
  "param",
  "base",
  "basefont",
  // SVG animation can rewrite attributes (an href to javascript:) after sanitising.
  "animate",
  "animatemotion",
  "animatetransform",
  "set",
  "discard",
  "handler",
  "listener",
]);

/** Elements replaced by an empty box: their content would be another document. */
const BOXED_ELEMENTS = new Set(["iframe", "frame", "fencedframe", "portal"]);

/** Attributes never copied, on any element. */
const DROPPED_ATTRIBUTES = new Set([
  "srcdoc",
  "action",
  "formaction",
  "formtarget",
  "target",
  "ping",
  "download",
  "http-equiv",
  "is",
  "nonce",
  "autofocus",
  "integrity",
  "attributionsrc",
  "sandbox",
  "allow",
]);

const URL_ATTRIBUTES: Record<string, UrlUse> = {
  src: "image",
  href: "resource",
  "xlink:href": "resource",
  poster: "image",
  background: "image",
  lowsrc: "image",
  dynsrc: "image",
  cite: "link",
  longdesc: "link",
  data: "resource",
  codebase: "resource",
  manifest: "resource",
  icon: "image",
};

const SRCSET_ATTRIBUTES = new Set(["srcset", "imagesrcset"]);
/** Elements whose href navigates: it is kept only as data. */
const LINK_ELEMENTS = new Set(["a", "area"]);

const VALID_TAG = /^[a-zA-Z][a-zA-Z0-9._:-]*$/;
const VALID_ATTRIBUTE = /^[a-zA-Z_:][a-zA-Z0-9_.:-]*$/;

export type Namespace = typeof HTML_NS | typeof SVG_NS | typeof MATHML_NS;

export type ElementPlan =
  | { action: "create"; ns: Namespace; tag: string }
  | { action: "drop" }
  | { action: "box" };

export function namespaceOf(ns: unknown): Namespace {
  if (ns === "svg") {
    return SVG_NS;
  }
  if (ns === "math") {
    return MATHML_NS;
  }
  return HTML_NS;
}

/** How to rebuild an element from its tag and attributes. */
export function planElement(tag: string, ns: Namespace, attrs: Readonly<Record<string, string>>): ElementPlan {
  if (!VALID_TAG.test(tag)) {
    return { action: "drop" };
  }
  const lower = tag.toLowerCase();
  if (DROPPED_ELEMENTS.has(lower)) {
    return { action: "drop" };
  }
  if (BOXED_ELEMENTS.has(lower)) {
    return { action: "box" };
  }
  if (ns === HTML_NS) {
    if (lower === "meta" && Object.keys(attrs).some((name) => name.toLowerCase() === "http-equiv")) {
      return { action: "drop" };
    }
    if (lower === "link" && !isStylesheetLink(attrs)) {
      return { action: "drop" };
    }
    return { action: "create", ns, tag: lower };
  }
  return { action: "create", ns, tag };
}

function isStylesheetLink(attrs: Readonly<Record<string, string>>): boolean {
  const rel = Object.entries(attrs).find(([name]) => name.toLowerCase() === "rel")?.[1] ?? "";
  const tokens = rel.toLowerCase().split(/\s+/);
  return tokens.includes("stylesheet") && !tokens.includes("import");
}

export interface AttributeWrite {
  name: string;
  ns: string | null;
  /** `null` removes the attribute. */
  value: string | null;
}

/**
 * Where and how an attribute from the wire lands on the rebuilt element; `null` when it never does.
 * `value: null` asks for removal (the attribute was removed, or its new value is unsafe).
 */
export function planAttribute(el: Element, name: string, value: string | null, base: PageUrls | string): AttributeWrite | null {
  if (!VALID_ATTRIBUTE.test(name)) {
    return null;
  }
  const lower = name.toLowerCase();
  if (lower.startsWith("on") || lower.startsWith("xmlns") || DROPPED_ATTRIBUTES.has(lower)) {
    return null;
  }
  const ns = lower.startsWith("xlink:") ? XLINK_NS : lower.startsWith("xml:") ? XML_NS : null;
  const element = el.localName.toLowerCase();

  if ((lower === "href" || lower === "xlink:href") && LINK_ELEMENTS.has(element)) {
    // Links do not navigate: the target is kept for show only.
    const safe = value === null ? null : safeUrl(value, base, "link");
    return { name: "data-tandem-href", ns: null, value: safe };
  }
  if (element === "link" && lower === "rel") {
    return { name, ns, value: value === null ? null : isStylesheetLink({ rel: value }) ? "stylesheet" : null };
  }
  if (value === null) {
    return { name, ns, value: null };
  }
  if (lower === "style") {
    return { name, ns, value: rewriteCss(value, base) };
  }
  if (SRCSET_ATTRIBUTES.has(lower)) {
    return { name, ns, value: safeSrcset(value, base) };
  }
  const use = URL_ATTRIBUTES[lower];
  if (use !== undefined) {
    return { name, ns, value: safeUrl(value, base, use) };
  }
  if (element === "meta" && lower === "content" && /^\s*\d*\s*[;,]?\s*url\s*=/i.test(value)) {
    return { name, ns, value: null };
  }
  if (el.namespaceURI === SVG_NS && /[(\\]/.test(value)) {
    // SVG presentation attributes are CSS: `fill="url(https://elsewhere/f.svg#g)"` fetches.
    return { name, ns, value: rewriteCss(value, base) };
  }
  return { name, ns, value };
}

/**
 * User-action pseudo-classes: the agent's pointer never reaches the view, so `:hover` and the
 * focus classes are rewritten to the attributes that show the visitor's state (replica.ts).
 */
const USER_ACTION = /:(hover|focus-within|focus-visible|focus)(?![\w-])/g;
const USER_ACTION_ATTRIBUTE: Record<string, string> = {
  hover: "[data-tandem-hover]",
  "focus-within": "[data-tandem-focus-within]",
  "focus-visible": "[data-tandem-focus]",
  focus: "[data-tandem-focus]",
};

/** Text of a `<style>` element or adopted sheet: URLs resolved, user-action states rewritten. */
export function sanitizeStyleText(css: string, base: PageUrls | string): string {
  return rewriteCss(css, base).replace(USER_ACTION, (_m, name: string) => USER_ACTION_ATTRIBUTE[name] ?? "");
}
