/**
 * Turns live DOM nodes into protocol nodes, masking as it goes. Scripts, noscript and the tag's
 * own UI are never serialised; blocked elements become an empty box of the same size.
 */
import type { SerializedDocument, SerializedElement, SerializedNode, SerializedShadowRoot } from "@tandem/protocol";
import { isElement, isInput, isOption, isShadowRoot } from "./dom.js";
import { shadowRootOf } from "./hooks.js";
import type { Mirror } from "./mirror.js";
import type { MaskingPolicy, Visibility } from "./masking.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const MATHML_NS = "http://www.w3.org/1998/Math/MathML";
/** Elements never sent, in any namespace. */
const SKIPPED_ELEMENTS = new Set(["script", "noscript"]);
/** Elements whose children are never sent. */
const CHILDLESS_ELEMENTS = new Set(["template", "iframe", "frame", "object", "embed"]);
/** Input types whose value is never sent: hidden fields carry tokens, file fields carry paths. */
const VALUELESS_INPUT_TYPES = new Set(["hidden", "file"]);

export interface SerializeContext {
  readonly mirror: Mirror;
  readonly policy: MaskingPolicy;
  /** What each serialised element was when it was sent. */
  readonly visibility: WeakMap<Element, Visibility>;
  /** True for nodes that belong to the tag itself. */
  readonly ignore: (node: Node) => boolean;
  /** Called for every document and shadow root that gets serialised, so that it is followed. */
  readonly onRoot?: (root: Document | ShadowRoot) => void;
  /** CSS text of a `<style>` sheet changed through the CSSOM, or of an adopted sheet. */
  readonly sheets?: SheetReader;
  /** Called for every `<canvas>` sent unmasked (its picture may follow). */
  readonly onCanvas?: (el: Element) => void;
}

export interface SheetReader {
  /** The CSS text to send for a `<style>` element, or `undefined` when its text says it all. */
  styleText(el: Element, masked: boolean): string | undefined;
  /** CSS text of the adopted sheets of a document or shadow root, or `undefined` for none. */
  adopted(root: Document | ShadowRoot): string[] | undefined;
}

/** Whether a node is one the serialiser never sends. */
export function isSkipped(node: Node, ctx: SerializeContext): boolean {
  if (ctx.ignore(node)) {
    return true;
  }
  return isElement(node) && SKIPPED_ELEMENTS.has(node.localName.toLowerCase());
}

/** A same-origin frame's document, or `null` (cross-origin, not loaded, or not a frame). */
export function frameDocument(el: Element): Document | null {
  const tag = el.localName.toLowerCase();
  if (tag !== "iframe" && tag !== "frame") {
    return null;
  }
  try {
    const doc = (el as HTMLIFrameElement).contentDocument;
    return doc !== null && doc.documentElement !== null ? doc : null;
  } catch {
    return null;
  }
}

/** A shadow root the tag may follow: open, or closed but attached after the tag loaded. */
export function openShadowRoot(el: Element): ShadowRoot | null {
  return shadowRootOf(el);
}

/**
 * What is sent below a node, in order: an element's open shadow root or a frame's document first,
 * then its light children (none for frames, templates and plugins).
 */
export function childSources(node: Node): Node[] {
  const out: Node[] = [];
  if (isElement(node)) {
    const shadow = openShadowRoot(node);
    if (shadow !== null) {
      out.push(shadow);
    }
    const doc = frameDocument(node);
    if (doc !== null) {
      out.push(doc);
    }
    if (CHILDLESS_ELEMENTS.has(node.localName.toLowerCase())) {
      return out;
    }
  }
  for (let child = node.firstChild; child !== null; child = child.nextSibling) {
    out.push(child);
  }
  return out;
}

/** One node without what is below it; `descend` says whether its children follow. */
export interface ShallowNode {
  wire: SerializedNode;
  descend: boolean;
  /** Whether the text below is masked. */
  masked: boolean;
}

export function serializeShallow(node: Node, ctx: SerializeContext, maskedContext: boolean): ShallowNode | null {
  if (isSkipped(node, ctx)) {
    return null;
  }
  switch (node.nodeType) {
    case Node.ELEMENT_NODE:
      return serializeElement(node as Element, ctx, maskedContext);
    case Node.TEXT_NODE:
    case Node.CDATA_SECTION_NODE: {
      const text = ctx.policy.text((node as CharacterData).data, maskedContext);
      return { wire: { id: ctx.mirror.add(node), type: 3, text }, descend: false, masked: maskedContext };
    }
    case Node.COMMENT_NODE: {
      const text = ctx.policy.text((node as CharacterData).data, maskedContext);
      return { wire: { id: ctx.mirror.add(node), type: 8, text }, descend: false, masked: maskedContext };
    }
    case Node.DOCUMENT_TYPE_NODE:
      return { wire: { id: ctx.mirror.add(node), type: 10, name: (node as DocumentType).name }, descend: false, masked: maskedContext };
    case Node.DOCUMENT_NODE:
    case Node.DOCUMENT_FRAGMENT_NODE: {
      const root = node as Document | ShadowRoot;
      if (node.nodeType === Node.DOCUMENT_FRAGMENT_NODE && !isShadowRoot(node)) {
        return null;
      }
      ctx.onRoot?.(root);
      const wire: SerializedDocument | SerializedShadowRoot =
        node.nodeType === Node.DOCUMENT_NODE
          ? { id: ctx.mirror.add(node), type: 9, children: [] }
          : { id: ctx.mirror.add(node), type: 11, children: [] };
      const adopted = ctx.sheets?.adopted(root);
      if (adopted !== undefined) {
        wire.adopted = adopted.map((css) => ctx.policy.css(css));
      }
      return { wire, descend: true, masked: maskedContext };
    }
    default:
      return null;
  }
}

export function serializeDocument(doc: Document, ctx: SerializeContext): SerializedDocument {
  return serializeNode(doc, ctx, false) as SerializedDocument;
}

/** Serialises `node` and what is below it; `null` for nodes that are not sent. */
export function serializeNode(node: Node, ctx: SerializeContext, maskedContext: boolean): SerializedNode | null {
  const shallow = serializeShallow(node, ctx, maskedContext);
  if (shallow === null) {
    return null;
  }
  if (shallow.descend) {
    const children = (shallow.wire as { children: SerializedNode[] }).children;
    for (const child of childSources(node)) {
      const serialized = serializeNode(child, ctx, shallow.masked);
      if (serialized !== null) {
        children.push(serialized);
      }
    }
  }
  return shallow.wire;
}

function namespaceOf(el: Element): "svg" | "math" | undefined {
  if (el.namespaceURI === SVG_NS) {
    return "svg";
  }
  if (el.namespaceURI === MATHML_NS) {
    return "math";
  }
  return undefined;
}

function blockedBox(el: Element, id: number): SerializedElement {
  const box = el.getBoundingClientRect();
  const style = `width:${Math.round(box.width)}px;height:${Math.round(box.height)}px`;
  return { id, type: 1, tag: "div", attrs: { "data-tandem-blocked": "", style }, children: [] };
}

function serializeElement(el: Element, ctx: SerializeContext, maskedContext: boolean): ShallowNode {
  const { policy } = ctx;
  const visibility: Visibility = policy.isBlocked(el)
    ? "blocked"
    : maskedContext || policy.isMasked(el)
      ? "masked"
      : "plain";
  const id = ctx.mirror.add(el);
  ctx.visibility.set(el, visibility);
  if (visibility === "blocked") {
    return { wire: blockedBox(el, id), descend: false, masked: true };
  }
  const masked = visibility === "masked";
  const attrs = serializeAttributes(el, ctx, masked);
  const ns = namespaceOf(el);
  const tag = ns === undefined ? el.localName.toLowerCase() : el.localName;
  const node: SerializedElement = { id, type: 1, tag, attrs, children: [] };
  if (ns !== undefined) {
    node.ns = ns;
  }
  if (tag === "canvas" && !masked) {
    ctx.onCanvas?.(el);
  }
  if (tag === "style") {
    const css = ctx.sheets?.styleText(el, masked);
    if (css !== undefined) {
      node.css = css;
    }
  }
  return { wire: node, descend: true, masked };
}

/** The element's top-layer state, which no attribute shows: a modal dialog or an open popover. */
export function topLayerState(el: Element): string | undefined {
  try {
    if (el.localName === "dialog" && el.matches(":modal")) {
      return "modal";
    }
    if (el.hasAttribute("popover") && el.matches(":popover-open")) {
      return "popover";
    }
  } catch {
    // A browser without these pseudo-classes: nothing to show.
  }
  return undefined;
}

export function serializeAttributes(el: Element, ctx: SerializeContext, masked: boolean): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const attr of Array.from(el.attributes)) {
    const value = ctx.policy.attribute(attr.name, attr.value, masked);
    if (value !== undefined) {
      attrs[attr.name] = value;
    }
  }
  delete attrs[TOP_LAYER_ATTRIBUTE];
  const top = topLayerState(el);
  if (top !== undefined) {
    attrs[TOP_LAYER_ATTRIBUTE] = top;
  }
  reflectFormState(el, attrs, ctx, masked);
  return attrs;
}

export const TOP_LAYER_ATTRIBUTE = "data-tandem-top";

/** Form state lives in properties, not attributes: copy what the visitor sees now. */
function reflectFormState(el: Element, attrs: Record<string, string>, ctx: SerializeContext, masked: boolean): void {
  if (isInput(el)) {
    const type = el.type;
    if (VALUELESS_INPUT_TYPES.has(type)) {
      delete attrs["value"];
    } else if (type === "checkbox" || type === "radio") {
      if (el.checked && !masked) {
        attrs["checked"] = "";
      } else {
        delete attrs["checked"];
      }
    } else {
      const value = ctx.policy.value(el.value, masked);
      if (value !== "" || "value" in attrs) {
        attrs["value"] = value;
      }
    }
  } else if (isOption(el)) {
    if (el.selected && !masked) {
      attrs["selected"] = "";
    } else {
      delete attrs["selected"];
    }
  }
}
