/**
 * Frames arrive from the network as parsed JSON: every method here takes them unchecked and checks
 * each field it reads (shapes as in @tandem/protocol: SnapshotMessage, MutationsMessage, ...).
 */
type Json = Record<string, unknown>;

/**
 * The visitor's page rebuilt inside the sandboxed iframe, node by node with DOM calls, and kept in
 * step with the frames that follow. Anything that does not fit (an unknown id, a malformed node)
 * raises a ReplicaError: the caller then asks the visitor for a fresh snapshot.
 */
import type { NodeId } from "@tandem/protocol";
import { buildCsp } from "./csp.js";
import { HTML_NS, namespaceOf, planAttribute, planElement, sanitizeStyleText } from "./sanitize.js";
import { pageOrigin } from "./urls.js";

export class ReplicaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplicaError";
  }
}

const MAX_DEPTH = 1_000;

function isJson(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nodeId(value: unknown): NodeId {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) {
    throw new ReplicaError("bad node id");
  }
  return value;
}

function text(value: unknown): string {
  if (typeof value !== "string") {
    throw new ReplicaError("bad text");
  }
  return value;
}

function isElement(node: Node): node is Element {
  return node.nodeType === 1;
}

function isHtml(node: Node, localName: string): node is HTMLElement {
  return isElement(node) && node.namespaceURI === HTML_NS && node.localName === localName;
}

function isStyleElement(node: Node | null): boolean {
  return node !== null && isElement(node) && node.localName === "style";
}

export class Replica {
  private readonly nodes = new Map<NodeId, Node>();
  private readonly ids = new WeakMap<Node, NodeId>();
  /** Rendered stand-ins (dropped elements, boxes): their content and attributes are ignored. */
  private readonly inert = new WeakSet<Node>();
  /** Ids the visitor sent inside something dropped: known, but nothing is rendered for them. */
  private readonly hidden = new Set<NodeId>();
  private readonly base: string;
  readonly snapshotId: number;

  private constructor(
    private readonly doc: Document,
    private readonly win: Window,
    url: string,
    snapshotId: number,
  ) {
    this.base = url;
    this.snapshotId = snapshotId;
  }

  /** Rebuilds a snapshot into the (fresh, sandboxed) iframe. */
  static build(iframe: HTMLIFrameElement, snapshot: Json): Replica {
    const doc = iframe.contentDocument;
    const win = iframe.contentWindow;
    if (doc === null || win === null) {
      throw new ReplicaError("the view is not ready");
    }
    const { url, root, snapshotId, scroll } = snapshot;
    if (typeof url !== "string" || typeof snapshotId !== "number" || !isJson(root) || root["type"] !== 9) {
      throw new ReplicaError("bad snapshot");
    }
    const replica = new Replica(doc, win, url, snapshotId);
    replica.buildDocument(root);
    if (isJson(scroll)) {
      replica.scroll({ id: 0, x: scroll["x"], y: scroll["y"] });
    }
    return replica;
  }

  private buildDocument(root: Json): void {
    const children = root["children"];
    if (!Array.isArray(children)) {
      throw new ReplicaError("bad document");
    }
    const hasDoctype = children.some((child) => isJson(child) && child["type"] === 10);
    const doc = this.doc;
    // A constant skeleton, written only to pick standards or quirks mode like the visitor's page.
    doc.open();
    doc.write(hasDoctype ? "<!DOCTYPE html><html><head></head><body></body></html>" : "<html><head></head><body></body></html>");
    doc.close();
    // The policy goes in before anything from the page can ask for a resource.
    const origin = pageOrigin(this.base);
    doc.head.append(...this.policyElements(origin));
    this.register(nodeId(root["id"]), doc);

    for (const child of children) {
      if (!isJson(child)) {
        throw new ReplicaError("bad node");
      }
      if (child["type"] === 10) {
        const id = nodeId(child["id"]);
        if (doc.doctype !== null) {
          this.register(id, doc.doctype);
        } else {
          this.hide(child);
        }
        continue;
      }
      const built = this.create(child, 0);
      if (isHtml(built, "html")) {
        let head = Array.from(built.children).find((el) => isHtml(el, "head"));
        if (head === undefined) {
          head = doc.createElement("head");
          built.prepend(head);
        }
        head.prepend(...this.policyElements(origin));
        doc.replaceChild(built, doc.documentElement);
      } else if (built.nodeType === 8) {
        doc.appendChild(built);
      } else {
        throw new ReplicaError("unexpected node at document level");
      }
    }
  }

  private policyElements(origin: string | null): HTMLElement[] {
    const csp = this.doc.createElement("meta");
    csp.setAttribute("http-equiv", "Content-Security-Policy");
    csp.setAttribute("content", buildCsp(origin));
    const referrer = this.doc.createElement("meta");
    referrer.setAttribute("name", "referrer");
    referrer.setAttribute("content", "no-referrer");
    // Links lost their href; this keeps them looking like links without beating the page's styles.
    const links = this.doc.createElement("style");
    links.setAttribute("data-tandem-viewer", "");
    links.textContent = ":where(a[data-tandem-href]) { color: LinkText; text-decoration: underline; }";
    return [csp, referrer, links];
  }

  private register(id: NodeId, node: Node): void {
    if (this.nodes.has(id) || this.hidden.has(id)) {
      throw new ReplicaError(`duplicate node id ${id}`);
    }
    this.nodes.set(id, node);
    this.ids.set(node, id);
  }

  /** Records the ids of a wire node and its children without rendering anything. */
  private hide(node: Json, depth = 0): void {
    if (depth > MAX_DEPTH) {
      throw new ReplicaError("too deep");
    }
    const id = nodeId(node["id"]);
    if (this.nodes.has(id) || this.hidden.has(id)) {
      throw new ReplicaError(`duplicate node id ${id}`);
    }
    this.hidden.add(id);
    const children = node["children"];
    if (Array.isArray(children)) {
      for (const child of children) {
        if (isJson(child)) {
          this.hide(child, depth + 1);
        }
      }
    }
  }

  /** Builds one wire node and its subtree, sanitised. */
  private create(node: Json, depth: number, parent: Node | null = null): Node {
    if (depth > MAX_DEPTH) {
      throw new ReplicaError("too deep");
    }
    const id = nodeId(node["id"]);
    const doc = this.doc;
    switch (node["type"]) {
      case 3: {
        const value = text(node["text"]);
        const textNode = doc.createTextNode(isStyleElement(parent) ? sanitizeStyleText(value, this.base) : value);
        this.register(id, textNode);
        return textNode;
      }
      case 8: {
        const comment = doc.createComment(text(node["text"]));
        this.register(id, comment);
        return comment;
      }
      case 1:
        return this.createElement(node, id, depth);
      default:
        // A doctype or document below the top: keep the id, render nothing visible.
        return this.standIn(node, id, false);
    }
  }

  private createElement(node: Json, id: NodeId, depth: number): Node {
    const tag = text(node["tag"]);
    const attrs = node["attrs"];
    const children = node["children"];
    if (!isJson(attrs) || (children !== undefined && !Array.isArray(children))) {
      throw new ReplicaError("bad element");
    }
    const stringAttrs: Record<string, string> = {};
    for (const [name, value] of Object.entries(attrs)) {
      if (typeof value === "string") {
        stringAttrs[name] = value;
      }
    }
    const plan = planElement(tag, namespaceOf(node["ns"]), stringAttrs);
    if (plan.action === "drop") {
      return this.standIn(node, id, false);
    }
    if (plan.action === "box") {
      return this.standIn(node, id, true, stringAttrs);
    }
    let el: Element;
    try {
      el = plan.ns === HTML_NS ? this.doc.createElement(plan.tag) : this.doc.createElementNS(plan.ns, plan.tag);
    } catch {
      return this.standIn(node, id, false);
    }
    this.register(id, el);
    for (const [name, value] of Object.entries(stringAttrs)) {
      this.writeAttribute(el, name, value);
    }
    for (const child of children ?? []) {
      if (!isJson(child)) {
        throw new ReplicaError("bad node");
      }
      el.appendChild(this.create(child, depth + 1, el));
    }
    return el;
  }

  /**
   * Something that must not be rendered still takes its place, so that siblings can be positioned
   * against it: an empty comment, or for frames an empty box of the frame's size.
   */
  private standIn(node: Json, id: NodeId, box: boolean, attrs: Record<string, string> = {}): Node {
    let standIn: Node;
    if (box) {
      const div = this.doc.createElement("div");
      div.setAttribute("data-tandem-placeholder", "frame");
      for (const name of ["id", "class", "style"]) {
        const value = attrs[name];
        if (value !== undefined) {
          this.writeAttribute(div, name, value);
        }
      }
      const width = /^\d+(\.\d+)?%?$/.test(attrs["width"] ?? "") ? attrs["width"] : undefined;
      const height = /^\d+(\.\d+)?%?$/.test(attrs["height"] ?? "") ? attrs["height"] : undefined;
      const unit = (v: string): string => (v.endsWith("%") ? v : `${v}px`);
      div.style.display = "inline-block";
      div.style.background = "repeating-linear-gradient(45deg, #eef0f3, #eef0f3 8px, #e3e6ea 8px, #e3e6ea 16px)";
      if (width !== undefined) {
        div.style.width = unit(width);
      }
      if (height !== undefined) {
        div.style.height = unit(height);
      }
      standIn = div;
    } else {
      standIn = this.doc.createComment("tandem:omitted");
    }
    this.register(id, standIn);
    this.inert.add(standIn);
    const children = node["children"];
    if (Array.isArray(children)) {
      for (const child of children) {
        if (isJson(child)) {
          this.hide(child);
        }
      }
    }
    return standIn;
  }

  private writeAttribute(el: Element, name: string, value: string | null): void {
    const write = planAttribute(el, name, value, this.base);
    if (write === null) {
      return;
    }
    try {
      if (write.value === null) {
        if (write.ns === null) {
          el.removeAttribute(write.name);
        } else {
          el.removeAttributeNS(write.ns, write.name.slice(write.name.indexOf(":") + 1));
        }
      } else if (write.ns === null) {
        el.setAttribute(write.name, write.value);
      } else {
        el.setAttributeNS(write.ns, write.name, write.value);
      }
    } catch {
      // A name the DOM refuses is simply not copied.
    }
  }

  /** Looks a node up; `undefined` for ids inside something dropped. */
  private lookup(id: unknown): Node | undefined {
    const checked = nodeId(id);
    const node = this.nodes.get(checked);
    if (node !== undefined) {
      return node;
    }
    if (this.hidden.has(checked)) {
      return undefined;
    }
    throw new ReplicaError(`unknown node id ${checked}`);
  }

  private forget(node: Node): void {
    const stack: Node[] = [node];
    while (stack.length > 0) {
      const current = stack.pop() as Node;
      const id = this.ids.get(current);
      if (id !== undefined) {
        this.nodes.delete(id);
        this.ids.delete(current);
      }
      for (let child = current.firstChild; child !== null; child = child.nextSibling) {
        stack.push(child);
      }
    }
  }

  applyMutations(frame: Json): void {
    const { removes, adds, attrs, texts } = frame;
    if (!Array.isArray(removes) || !Array.isArray(adds) || !Array.isArray(attrs) || !Array.isArray(texts)) {
      throw new ReplicaError("bad mutations");
    }
    for (const raw of removes as unknown[]) {
      const node = this.lookup(raw);
      if (node === undefined) {
        this.hidden.delete(nodeId(raw));
        continue;
      }
      if (node === this.doc) {
        throw new ReplicaError("cannot remove the document");
      }
      node.parentNode?.removeChild(node);
      this.forget(node);
    }
    for (const add of adds as unknown[]) {
      if (!isJson(add) || !isJson(add["node"])) {
        throw new ReplicaError("bad add");
      }
      this.applyAdd(add, add["node"]);
    }
    for (const change of attrs as unknown[]) {
      if (!isJson(change) || typeof change["name"] !== "string") {
        throw new ReplicaError("bad attribute change");
      }
      const node = this.lookup(change["id"]);
      if (node === undefined || this.inert.has(node)) {
        continue;
      }
      if (!isElement(node)) {
        throw new ReplicaError("attribute change on a non-element");
      }
      const value = change["value"];
      if (value !== null && typeof value !== "string") {
        throw new ReplicaError("bad attribute value");
      }
      this.writeAttribute(node, change["name"], value);
    }
    for (const change of texts as unknown[]) {
      if (!isJson(change)) {
        throw new ReplicaError("bad text change");
      }
      const node = this.lookup(change["id"]);
      if (node === undefined || this.inert.has(node)) {
        continue;
      }
      if (node.nodeType !== 3 && node.nodeType !== 8) {
        throw new ReplicaError("text change on a non-text node");
      }
      const value = text(change["value"]);
      (node as CharacterData).data = isStyleElement(node.parentNode) ? sanitizeStyleText(value, this.base) : value;
    }
  }

  private applyAdd(add: Json, wire: Json): void {
    const parent = this.lookup(add["parentId"]);
    if (parent === undefined || this.inert.has(parent)) {
      this.hide(wire);
      return;
    }
    let next: Node | null = null;
    if (add["nextId"] !== null && add["nextId"] !== undefined) {
      const found = this.lookup(add["nextId"]);
      if (found === undefined || found.parentNode !== parent) {
        throw new ReplicaError("bad insertion point");
      }
      next = found;
    }
    if (parent === this.doc && wire["type"] !== 8) {
      throw new ReplicaError("cannot add that to the document");
    }
    const built = this.create(wire, 0, parent);
    parent.insertBefore(built, next);
  }

  applyInput(frame: Json): void {
    const node = this.lookup(frame["id"]);
    if (node === undefined || this.inert.has(node)) {
      return;
    }
    if (!isElement(node) || node.namespaceURI !== HTML_NS) {
      throw new ReplicaError("input for a non-field");
    }
    const field = node as HTMLInputElement;
    const { checked, value } = frame;
    if (node.localName === "input" && typeof checked === "boolean") {
      field.checked = checked;
    } else if ((node.localName === "input" || node.localName === "textarea" || node.localName === "select") && typeof value === "string") {
      field.value = value;
    }
  }

  scroll(frame: Json): void {
    const finite = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
    const x = finite(frame["x"]);
    const y = finite(frame["y"]);
    if (frame["id"] === 0) {
      this.win.scrollTo(x, y);
      return;
    }
    const node = this.lookup(frame["id"]);
    if (node === undefined || this.inert.has(node)) {
      return;
    }
    if (isElement(node)) {
      node.scrollLeft = x;
      node.scrollTop = y;
    }
  }

  /** The id of the deepest rebuilt element at a point of the view, if any. */
  idAt(x: number, y: number): NodeId | undefined {
    for (let node: Node | null = this.doc.elementFromPoint(x, y); node !== null; node = node.parentNode) {
      const id = this.ids.get(node);
      if (id !== undefined && isElement(node) && node.localName !== "html" && node.localName !== "body") {
        return id;
      }
    }
    return undefined;
  }
}
