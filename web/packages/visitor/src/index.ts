/** Entry of the tag bundle (`tandem.js`): exposes `window.Tandem`. */
import { patchPrototypes } from "./capture/hooks.js";
import { start } from "./tandem.js";

export type { TandemEventName, TandemEvents, TandemHandle, TandemOptions } from "./tandem.js";
export type { Endpoints } from "./api.js";
export type { TandemErrorReason } from "./errors.js";
export type { ConsentHandler, ConsentRequest } from "./consent.js";

export const VERSION = "0.1.0";

export interface TandemGlobal {
  start: typeof start;
  version: string;
}

declare global {
  interface Window {
    Tandem?: TandemGlobal;
  }
}

if (typeof window !== "undefined" && window.Tandem === undefined) {
  window.Tandem = Object.freeze({ start, version: VERSION });
  // From now on, closed shadow roots are kept for capture (earlier ones stay out of reach).
  try {
    patchPrototypes(window);
  } catch {
    // A page that froze its prototypes keeps its closed roots to itself.
  }
}

export { start };
