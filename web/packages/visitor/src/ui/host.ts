/**
 * The one element the tag adds to the page. Everything it shows lives in this element's shadow
 * root, and capture never sends it.
 */
import { TAG_STYLES } from "./styles.js";

const HOST_TAG = "tandem-ui";

export interface TagHost {
  readonly element: HTMLElement;
  readonly root: ShadowRoot;
  /** A full-viewport layer for the tag's UI, inside the shadow root. */
  readonly layer: HTMLElement;
  isOwn(node: Node): boolean;
  /** Puts the element back if the page removed it; returns whether it had to. */
  reattach(): boolean;
  setColors(colors: { border?: string; highlight?: string }): void;
  remove(): void;
}

/** Accepts only a colour the browser understands, so a config value cannot smuggle in CSS. */
function safeColor(value: string | undefined): string | null {
  if (value === undefined || typeof CSS === "undefined" || !CSS.supports("color", value)) {
    return null;
  }
  return value;
}

export function createHost(doc: Document): TagHost {
  const element = doc.createElement(HOST_TAG);
  element.setAttribute("data-tandem-ui", "");
  element.style.cssText = "all:initial;position:fixed;top:0;left:0;width:0;height:0;z-index:2147483647;";
  const root = element.attachShadow({ mode: "open" });
  const style = doc.createElement("style");
  style.textContent = TAG_STYLES;
  const layer = doc.createElement("div");
  layer.className = "layer";
  root.append(style, layer);
  const attach = (): void => {
    // Beside the body rather than in it, so that a page replacing its body keeps the tag's UI.
    if (doc.body !== null && doc.body.parentNode === doc.documentElement) {
      doc.body.after(element);
    } else {
      doc.documentElement.append(element);
    }
  };
  attach();
  return {
    element,
    root,
    layer,
    isOwn: (node) => node === element,
    reattach() {
      if (element.isConnected || doc.documentElement === null) {
        return false;
      }
      attach();
      return true;
    },
    setColors({ border, highlight }) {
      const b = safeColor(border);
      const h = safeColor(highlight);
      if (b !== null) {
        layer.style.setProperty("--tandem-border", b);
      }
      if (h !== null) {
        layer.style.setProperty("--tandem-highlight", h);
      }
    },
    remove() {
      element.remove();
    },
  };
}
