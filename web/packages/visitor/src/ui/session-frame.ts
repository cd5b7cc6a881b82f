/**
 * The frame around the viewport while a session is live: the visitor always knows they are being
 * seen, and the X ends it. Only the X takes clicks; the rest lets the page through.
 */
import { guard } from "../guard.js";
import type { TagHost } from "./host.js";
import { fill, type TandemStrings } from "./strings.js";

export interface SessionFrame {
  setMode(mode: "VIEW_ONLY" | "SHARED"): void;
  setAgentName(name: string): void;
  remove(): void;
}

export function showSessionFrame(host: TagHost, strings: TandemStrings, onEnd: () => void): SessionFrame {
  const doc = host.element.ownerDocument;
  const frame = doc.createElement("div");
  frame.className = "frame";
  frame.setAttribute("data-testid", "tandem-frame");

  const badge = doc.createElement("div");
  badge.className = "badge";
  badge.setAttribute("role", "status");
  const label = doc.createElement("span");
  label.textContent = strings.frameLabel;
  const mode = doc.createElement("span");
  mode.className = "mode-tag";
  mode.setAttribute("data-testid", "tandem-mode");
  const end = doc.createElement("button");
  end.type = "button";
  end.textContent = "\u00d7";
  end.setAttribute("aria-label", strings.endLabel);
  end.setAttribute("title", strings.endLabel);
  end.setAttribute("data-testid", "tandem-end");
  end.addEventListener("click", guard("end button", onEnd));
  badge.append(label, mode, end);

  host.layer.append(frame, badge);
  return {
    setMode(value) {
      mode.textContent = value === "SHARED" ? strings.modeShared : strings.modeViewOnly;
      mode.setAttribute("data-mode", value);
    },
    setAgentName(name) {
      label.textContent = name === "" ? strings.frameLabel : fill(strings.frameLabelNamed, { name });
    },
    remove() {
      frame.remove();
      badge.remove();
    },
  };
}
