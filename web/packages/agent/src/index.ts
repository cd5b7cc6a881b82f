/** Entry of the viewer bundle (`viewer.js`): defines `<tandem-viewer>`. */
import { TandemViewerElement } from "./viewer-element.js";

export { TandemViewerElement };
export type { ViewerConnectOptions, ViewerStatus, ViewerStatusDetail } from "./viewer-element.js";

export const VIEWER_TAG = "tandem-viewer";

if (typeof customElements !== "undefined" && customElements.get(VIEWER_TAG) === undefined) {
  customElements.define(VIEWER_TAG, TandemViewerElement);
}

declare global {
  interface HTMLElementTagNameMap {
    "tandem-viewer": TandemViewerElement;
  }
}
