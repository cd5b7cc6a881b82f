/**
 * Realm-independent DOM checks: nodes of same-origin frames come from another window, where
 * `instanceof HTMLInputElement` of the top window is false.
 */
const HTML_NS = "http://www.w3.org/1999/xhtml";

export function isElement(node: Node | null | undefined): node is Element {
  return node !== null && node !== undefined && node.nodeType === 1;
}

function isHtml(node: Node | null | undefined, localName: string): boolean {
  return isElement(node) && node.localName === localName && node.namespaceURI === HTML_NS;
}

export function isInput(node: Node | null | undefined): node is HTMLInputElement {
  return isHtml(node, "input");
}

export function isTextArea(node: Node | null | undefined): node is HTMLTextAreaElement {
  return isHtml(node, "textarea");
}

export function isSelect(node: Node | null | undefined): node is HTMLSelectElement {
  return isHtml(node, "select");
}

export function isOption(node: Node | null | undefined): node is HTMLOptionElement {
  return isHtml(node, "option");
}

export function isFormField(node: Node | null | undefined): node is HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement {
  return isInput(node) || isTextArea(node) || isSelect(node);
}

export function isShadowRoot(node: Node | null | undefined): node is ShadowRoot {
  return node !== null && node !== undefined && node.nodeType === 11 && "host" in node && "mode" in node;
}

export function isDocument(node: Node | null | undefined): node is Document {
  return node !== null && node !== undefined && node.nodeType === 9;
}

/**
 * The element in whose light DOM or document a node lives: a shadow root's host, or a same-origin
 * frame's element. `null` at the top document.
 */
export function hostOf(node: Node): Element | null {
  const root = node.getRootNode();
  if (isShadowRoot(root)) {
    return root.host;
  }
  if (isDocument(root)) {
    try {
      return root.defaultView?.frameElement ?? null;
    } catch {
      return null;
    }
  }
  return null;
}

/** `Element.closest` across shadow roots and same-origin frames. */
export function closestComposed(el: Element, selector: string): Element | null {
  for (let current: Element | null = el; current !== null; current = hostOf(current)) {
    const found = current.closest(selector);
    if (found !== null) {
      return found;
    }
  }
  return null;
}
