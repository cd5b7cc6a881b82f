/**
 * Turns live DOM nodes into protocol nodes, masking as it goes. Scripts, noscript and the tag's
 * own UI are never serialised; blocked elements become an empty box of the same size.
 */
import type { SerializedDocument, SerializedElement, SerializedNode } from "@tandem/protocol";
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
}

/** Whether a node is one the serialiser never sends. */
export function isSkipped(node: Node, ctx: SerializeContext): boolean {
  if (ctx.ignore(node)) {
    return true;
  }
  return node instanceof Element && SKIPPED_ELEMENTS.has(node.localName.toLowerCase());
}

export function serializeDocument(doc: Document, ctx: SerializeContext): SerializedDocument {
  const id = ctx.mirror.add(doc);
  return { id, type: 9, children: serializeChildren(doc, ctx, false) };
}

/** Serialises `node` and what is below it; `null` for nodes that are not sent. */
export function serializeNode(node: Node, ctx: SerializeContext, maskedContext: boolean): SerializedNode | null {
  if (isSkipped(node, ctx)) {
    return null;
  }
  switch (node.nodeType) {
    case Node.ELEMENT_NODE:
      return serializeElement(node as Element, ctx, maskedContext);
    case Node.TEXT_NODE:
    case Node.CDATA_SECTION_NODE: {
      const text = ctx.policy.text((node as CharacterData).data, maskedContext);
      return { id: ctx.mirror.add(node), type: 3, text };
    }
    case Node.COMMENT_NODE: {
      const text = ctx.policy.text((node as CharacterData).data, maskedContext);
      return { id: ctx.mirror.add(node), type: 8, text };
    }
    case Node.DOCUMENT_TYPE_NODE:
      return { id: ctx.mirror.add(node), type: 10, name: (node as DocumentType).name };
    case Node.DOCUMENT_NODE:
      return serializeDocument(node as Document, ctx);
    default:
      return null;
  }
}

function serializeChildren(parent: Node, ctx: SerializeContext, maskedContext: boolean): SerializedNode[] {
  const children: SerializedNode[] = [];
  for (let child = parent.firstChild; child !== null; child = child.nextSibling) {
    const serialized = serializeNode(child, ctx, maskedContext);
    if (serialized !== null) {
      children.push(serialized);
    }
  }
  return children;
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

function serializeElement(el: Element, ctx: SerializeContext, maskedContext: boolean): SerializedElement {
  const { policy } = ctx;
  const visibility: Visibility = policy.isBlocked(el)
    ? "blocked"
    : maskedContext || policy.isMasked(el)
      ? "masked"
      : "plain";
  const id = ctx.mirror.add(el);
  ctx.visibility.set(el, visibility);
  if (visibility === "blocked") {
    return blockedBox(el, id);
  }
  const masked = visibility === "masked";
  const attrs = serializeAttributes(el, ctx, masked);
  const ns = namespaceOf(el);
  const tag = ns === undefined ? el.localName.toLowerCase() : el.localName;
  const children = CHILDLESS_ELEMENTS.has(el.localName.toLowerCase()) ? [] : serializeChildren(el, ctx, masked);
  const node: SerializedElement = { id, type: 1, tag, attrs, children };
  if (ns !== undefined) {
    node.ns = ns;
  }
  return node;
}

export function serializeAttributes(el: Element, ctx: SerializeContext, masked: boolean): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const attr of Array.from(el.attributes)) {
    const value = ctx.policy.attribute(attr.name, attr.value, masked);
    if (value !== undefined) {
      attrs[attr.name] = value;
    }
  }
  reflectFormState(el, attrs, ctx, masked);
  return attrs;
}

/** Form state lives in properties, not attributes: copy what the visitor sees now. */
function reflectFormState(el: Element, attrs: Record<string, string>, ctx: SerializeContext, masked: boolean): void {
  if (el instanceof HTMLInputElement) {
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
  } else if (el instanceof HTMLOptionElement) {
    if (el.selected && !masked) {
      attrs["selected"] = "";
    } else {
      delete attrs["selected"];
    }
  }
}
