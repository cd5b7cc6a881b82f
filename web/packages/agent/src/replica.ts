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
import { pageUrls, type PageUrls } from "./urls.js";

export class ReplicaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReplicaError";
  }
}

const MAX_DEPTH = 1_000;
/** The only pictures a canvas takes: base64 PNG or WebP, of bounded size. */
const CANVAS_DATA = /^data:image\/(png|webp);base64,([A-Za-z0-9+/]*={0,2})$/;
const MAX_CANVAS_CHARS = 512 * 1024;

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

function isFrameTag(tag: string): boolean {
  const lower = tag.toLowerCase();
  return lower === "iframe" || lower === "frame";
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
  /** The page's address and the origins its resources may come from (sanitiser and CSP alike). */
  private readonly base: PageUrls;
  readonly snapshotId: number;
  /** The snapshot's window scroll, applied again once the whole snapshot has arrived. */
  private scrollAtSnapshot: Json | null = null;
  /** Frames whose document is built once they are connected. */
  private pendingFrames: Array<{ frame: HTMLIFrameElement; wire: Json }> = [];
  private readonly topLayer = new Set<Element>();
  private readonly pseudo = { hover: [] as Element[], focus: [] as Element[] };
  private readonly canvasTurns = new WeakMap<HTMLCanvasElement, number>();

  private constructor(
    private readonly doc: Document,
    private readonly win: Window,
    url: string,
    snapshotId: number,
    allowedOrigins: readonly string[] | undefined,
  ) {
    this.base = pageUrls(url, allowedOrigins);
    this.snapshotId = snapshotId;
  }

  /**
   * Rebuilds a snapshot into the (fresh, sandboxed) iframe. Resources may come only from
   * `allowedOrigins` (the site's, from a trusted source) or, without them, from the page's own origin.
   */
  static build(iframe: HTMLIFrameElement, snapshot: Json, allowedOrigins?: readonly string[]): Replica {
    const doc = iframe.contentDocument;
    const win = iframe.contentWindow;
    if (doc === null || win === null) {
      throw new ReplicaError("the view is not ready");
    }
    const { url, root, snapshotId, scroll } = snapshot;
    if (typeof url !== "string" || typeof snapshotId !== "number" || !isJson(root) || root["type"] !== 9) {
      throw new ReplicaError("bad snapshot");
    }
    const replica = new Replica(doc, win, url, snapshotId, allowedOrigins);
    replica.buildDocument(root);
    if (isJson(scroll)) {
      replica.scrollAtSnapshot = scroll;
      replica.scroll({ id: 0, x: scroll["x"], y: scroll["y"] });
    }
    return replica;
  }

  private buildDocument(root: Json, doc: Document = this.doc): void {
    const children = root["children"];
    if (!Array.isArray(children)) {
      throw new ReplicaError("bad document");
    }
    const hasDoctype = children.some((child) => isJson(child) && child["type"] === 10);
    // A constant skeleton, written only to pick standards or quirks mode like the visitor's page.
    doc.open();
    doc.write(hasDoctype ? "<!DOCTYPE html><html><head></head><body></body></html>" : "<html><head></head><body></body></html>");
    doc.close();
    // The policy goes in before anything from the page can ask for a resource.
    const origins = [...this.base.origins];
    doc.head.append(...this.policyElements(origins));
    this.register(nodeId(root["id"]), doc);
    this.adopt(doc, root["adopted"]);

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
        head.prepend(...this.policyElements(origins));
        doc.replaceChild(doc.adoptNode(built), doc.documentElement);
      } else if (built.nodeType === 8) {
        doc.appendChild(doc.adoptNode(built));
      } else {
        throw new ReplicaError("unexpected node at document level");
      }
    }
    this.settle();
  }

  /**
   * After nodes were connected: frames get their documents (a frame has one only once it is in
   * the page), and top-layer state (modal dialogs, open popovers) is shown.
   */
  private settle(): void {
    const frames = this.pendingFrames.splice(0);
    for (const { frame, wire } of frames) {
      const inner = frame.isConnected ? frame.contentDocument : null;
      if (inner === null) {
        this.hide(wire);
        continue;
      }
      this.buildDocument(wire, inner);
    }
    for (const el of this.topLayer) {
      this.showTopLayer(el);
    }
  }

  private showTopLayer(el: Element): void {
    const state = el.getAttribute("data-tandem-top");
    const html = el as HTMLElement & { showPopover?: () => void; hidePopover?: () => void };
    try {
      if (!el.isConnected) {
        return;
      }
      if (isHtml(el, "dialog")) {
        const dialog = el as HTMLDialogElement;
        const modal = dialog.matches(":modal");
        if (state === "modal" && !modal) {
          dialog.removeAttribute("open");
          dialog.showModal();
        } else if (state !== "modal" && modal) {
          // Leave the top layer, keeping the `open` attribute as the visitor's page has it: close()
          // does nothing without it (the wire may have removed it before this state arrived).
          const stayOpen = dialog.hasAttribute("open");
          dialog.setAttribute("open", "");
          dialog.close();
          if (stayOpen) {
            dialog.setAttribute("open", "");
          }
        }
      }
      if (el.hasAttribute("popover")) {
        const open = el.matches(":popover-open");
        if (state === "popover" && !open) {
          html.showPopover?.();
        } else if (state !== "popover" && open) {
          html.hidePopover?.();
        }
      }
    } catch {
      // A browser without the top layer shows the element where it is.
    }
    if (state === null) {
      this.topLayer.delete(el);
    }
  }

  /** Constructed sheets for a document's or shadow root's `adoptedStyleSheets`. */
  private adopt(root: Document | ShadowRoot, sheets: unknown): void {
    if (sheets === undefined) {
      return;
    }
    if (!Array.isArray(sheets)) {
      throw new ReplicaError("bad adopted sheets");
    }
    const Sheet = (this.win as Window & typeof globalThis).CSSStyleSheet;
    const built: CSSStyleSheet[] = [];
    for (const css of sheets) {
      try {
        const sheet = new Sheet();
        sheet.replaceSync(sanitizeStyleText(text(css), this.base));
        built.push(sheet);
      } catch (error) {
        if (error instanceof ReplicaError) {
          throw error;
        }
      }
    }
    try {
      root.adoptedStyleSheets = built;
    } catch {
      // Sheets from another realm (a frame's document): left out.
    }
  }

  private policyElements(origins: readonly string[]): HTMLElement[] {
    const csp = this.doc.createElement("meta");
    csp.setAttribute("http-equiv", "Content-Security-Policy");
    csp.setAttribute("content", buildCsp(origins));
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
      const frameDoc = (children ?? []).find((child) => isJson(child) && child["type"] === 9);
      if (frameDoc !== undefined && isFrameTag(tag)) {
        return this.createFrame(node, id, stringAttrs, frameDoc as Json);
      }
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
    this.appendChildren(el, children ?? [], depth + 1);
    if (typeof node["css"] === "string" && el.localName === "style") {
      el.textContent = sanitizeStyleText(node["css"], this.base);
    }
    return el;
  }

  /** Builds wire children into a parent: nodes, or for an element its shadow root. */
  private appendChildren(parent: Node, children: unknown[], depth: number): void {
    for (const child of children) {
      if (!isJson(child)) {
        throw new ReplicaError("bad node");
      }
      if (child["type"] === 11) {
        this.createShadow(parent, child, depth);
        continue;
      }
      parent.appendChild(this.create(child, depth, parent));
    }
  }

  private createShadow(host: Node, wire: Json, depth: number): void {
    let root: ShadowRoot | null = null;
    if (isElement(host) && !this.inert.has(host) && host.shadowRoot === null) {
      try {
        root = host.attachShadow({ mode: "open" });
      } catch {
        root = null;
      }
    }
    if (root === null) {
      this.hide(wire, depth);
      return;
    }
    this.register(nodeId(wire["id"]), root);
    this.adopt(root, wire["adopted"]);
    const children = wire["children"];
    if (!Array.isArray(children)) {
      throw new ReplicaError("bad shadow root");
    }
    this.appendChildren(root, children, depth + 1);
  }

  /**
   * A same-origin frame of the visitor's page: a frame of the view's own (sandboxed like it, no
   * address), whose document is rebuilt like the page's once it is connected.
   */
  private createFrame(node: Json, id: NodeId, attrs: Record<string, string>, doc: Json): Node {
    const frame = this.doc.createElement("iframe");
    frame.setAttribute("sandbox", "allow-same-origin");
    frame.setAttribute("referrerpolicy", "no-referrer");
    for (const name of ["id", "class", "style", "width", "height", "title", "name"]) {
      const value = attrs[name];
      if (value !== undefined) {
        this.writeAttribute(frame, name, value);
      }
    }
    this.register(id, frame);
    this.inert.add(frame);
    for (const child of (node["children"] as unknown[] | undefined) ?? []) {
      if (isJson(child) && child !== doc) {
        this.hide(child);
      }
    }
    this.pendingFrames.push({ frame, wire: doc });
    return frame;
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
    if (write.name === "data-tandem-top") {
      this.topLayer.add(el);
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
    this.applySheets(frame["sheets"], frame["adopted"]);
    this.applyCanvas(frame["canvas"]);
    this.settle();
    if (frame["hover"] !== undefined) {
      this.setPseudo("hover", frame["hover"]);
    }
    if (frame["focus"] !== undefined) {
      this.setPseudo("focus", frame["focus"]);
    }
  }

  private applySheets(sheets: unknown, adopted: unknown): void {
    if (sheets !== undefined) {
      if (!Array.isArray(sheets)) {
        throw new ReplicaError("bad sheets");
      }
      for (const change of sheets as unknown[]) {
        if (!isJson(change)) {
          throw new ReplicaError("bad sheet change");
        }
        const node = this.lookup(change["id"]);
        if (node === undefined || this.inert.has(node)) {
          continue;
        }
        if (!isStyleElement(node)) {
          throw new ReplicaError("sheet change on a non-style element");
        }
        node.textContent = sanitizeStyleText(text(change["css"]), this.base);
      }
    }
    if (adopted !== undefined) {
      if (!Array.isArray(adopted)) {
        throw new ReplicaError("bad adopted change");
      }
      for (const change of adopted as unknown[]) {
        if (!isJson(change)) {
          throw new ReplicaError("bad adopted change");
        }
        const node = this.lookup(change["id"]);
        if (node === undefined) {
          continue;
        }
        if (node.nodeType !== 9 && node.nodeType !== 11) {
          throw new ReplicaError("adopted sheets on a non-root");
        }
        this.adopt(node as Document | ShadowRoot, change["sheets"]);
      }
    }
  }

  /**
   * Canvas pictures: drawn into the rebuilt `<canvas>`, decoded from the wire's bytes (never loaded
   * as a URL). Only base64 PNG or WebP is taken; anything else, or a non-canvas id, is ignored.
   */
  private applyCanvas(bitmaps: unknown): void {
    if (!Array.isArray(bitmaps)) {
      return;
    }
    for (const bitmap of bitmaps as unknown[]) {
      if (!isJson(bitmap) || typeof bitmap["data"] !== "string") {
        continue;
      }
      const node = this.lookup(bitmap["id"]);
      const match = CANVAS_DATA.exec(bitmap["data"]);
      if (node === undefined || !isHtml(node, "canvas") || this.inert.has(node) || match === null || bitmap["data"].length > MAX_CANVAS_CHARS) {
        continue;
      }
      const canvas = node as HTMLCanvasElement;
      const turn = (this.canvasTurns.get(canvas) ?? 0) + 1;
      this.canvasTurns.set(canvas, turn);
      let bytes: Uint8Array;
      try {
        bytes = Uint8Array.from(atob(match[2] as string), (c) => c.charCodeAt(0));
      } catch {
        continue;
      }
      void createImageBitmap(new Blob([bytes as BlobPart], { type: `image/${match[1]}` })).then(
        (image) => {
          // A later picture may have been decoded first: only the newest is drawn.
          if (this.canvasTurns.get(canvas) === turn) {
            const context = canvas.getContext("2d");
            context?.clearRect(0, 0, canvas.width, canvas.height);
            context?.drawImage(image, 0, 0, canvas.width, canvas.height);
          }
          image.close();
        },
        () => undefined,
      );
    }
  }

  /**
   * Shows the visitor's hover or focus: `data-tandem-hover` on the element and its ancestors,
   * `data-tandem-focus` on the focused element and `data-tandem-focus-within` above it. The view's
   * CSS has `:hover` and `:focus` rewritten to match them.
   */
  private setPseudo(kind: "hover" | "focus", raw: unknown): void {
    for (const el of this.pseudo[kind]) {
      el.removeAttribute(`data-tandem-${kind}`);
      el.removeAttribute("data-tandem-focus-within");
    }
    this.pseudo[kind] = [];
    if (raw === 0) {
      return;
    }
    const node = this.lookup(raw);
    if (node === undefined || !isElement(node) || this.inert.has(node)) {
      return;
    }
    const chain: Element[] = [];
    for (let current: Node | null = node; current !== null; ) {
      if (isElement(current)) {
        chain.push(current);
      }
      current = current.parentNode ?? (current.nodeType === 11 ? (current as ShadowRoot).host : null);
    }
    chain.forEach((el, i) => {
      if (kind === "hover") {
        el.setAttribute("data-tandem-hover", "");
      } else {
        el.setAttribute(i === 0 ? "data-tandem-focus" : "data-tandem-focus-within", "");
      }
    });
    this.pseudo[kind] = chain;
  }

  /** Appends the subtrees of one `snapshot.part` record (always at the end of each parent). */
  applyPart(record: Json): void {
    const appends = record["appends"];
    if (!Array.isArray(appends)) {
      throw new ReplicaError("bad snapshot part");
    }
    for (const entry of appends as unknown[]) {
      if (!isJson(entry) || !Array.isArray(entry["nodes"])) {
        throw new ReplicaError("bad append");
      }
      const nodes = entry["nodes"] as unknown[];
      const parent = this.lookup(entry["id"]);
      if (parent === undefined || this.inert.has(parent)) {
        if (parent !== undefined && isHtml(parent, "iframe")) {
          const doc = nodes.find((n) => isJson(n) && n["type"] === 9);
          const frame = this.pendingFrameFor(parent);
          if (doc !== undefined && frame) {
            this.pendingFrames.push({ frame: parent as HTMLIFrameElement, wire: doc as Json });
            continue;
          }
        }
        for (const node of nodes) {
          if (isJson(node)) {
            this.hide(node);
          }
        }
        continue;
      }
      if (parent.nodeType === 9) {
        for (const node of nodes) {
          if (!isJson(node) || node["type"] !== 8) {
            throw new ReplicaError("cannot add that to the document");
          }
          parent.appendChild(this.create(node, 0, parent));
        }
        continue;
      }
      this.appendChildren(parent, nodes, 0);
    }
    this.settle();
  }

  /** A frame built from the wire that has no document yet. */
  private pendingFrameFor(node: Node): boolean {
    return isHtml(node, "iframe") && node.getAttribute("sandbox") === "allow-same-origin" && this.ids.has(node);
  }

  /** The whole snapshot is in: the window scroll again, now that the page has its full height. */
  finishSnapshot(): void {
    if (this.scrollAtSnapshot !== null) {
      this.scroll({ id: 0, x: this.scrollAtSnapshot["x"], y: this.scrollAtSnapshot["y"] });
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
    if (wire["type"] === 11) {
      this.createShadow(parent, wire, 0);
    } else {
      parent.insertBefore(this.create(wire, 0, parent), next);
    }
    this.settle();
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

  /** The rebuilt element behind an id, if it is one. */
  element(id: NodeId): Element | undefined {
    const node = this.nodes.get(id);
    return node !== undefined && isElement(node) && !this.inert.has(node) ? node : undefined;
  }

  /** The rebuilt node (a text node too) behind an id, if the view shows it. */
  node(id: NodeId): Node | undefined {
    const node = this.nodes.get(id);
    return node !== undefined && !this.inert.has(node) && node.isConnected ? node : undefined;
  }

  /** The id of a rebuilt node (a text node too). */
  nodeId(node: Node): NodeId | undefined {
    return this.inert.has(node) ? undefined : this.ids.get(node);
  }

  /** The view's document (the rebuilt page). */
  get document(): Document {
    return this.doc;
  }

  /** The view's scroll position (the visitor's, as last reported). */
  scrollPosition(): { x: number; y: number } {
    return { x: this.win.scrollX, y: this.win.scrollY };
  }

  /** Scrolls the view only (the agent looking around in view-only mode). */
  scrollBy(dx: number, dy: number): void {
    this.win.scrollBy(dx, dy);
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
