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
  /** Shows that the agent follows across tabs, with the button that stops it (`null` hides both). */
  setFollowing(onStop: (() => void) | null): void;
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
  const following = doc.createElement("span");
  following.className = "follow-tag";
  following.textContent = strings.frameFollowing;
  following.setAttribute("data-testid", "tandem-following");
  const stopFollowing = doc.createElement("button");
  stopFollowing.type = "button";
  stopFollowing.className = "stop-follow";
  stopFollowing.textContent = strings.stopFollowing;
  stopFollowing.setAttribute("data-testid", "tandem-stop-following");
  let onStopFollowing: (() => void) | null = null;
  stopFollowing.addEventListener("click", guard("stop following", () => onStopFollowing?.()));
  following.hidden = true;
  stopFollowing.hidden = true;
  badge.append(label, mode, following, stopFollowing, end);

  host.layer.append(frame, badge);
  return {
    setMode(value) {
      mode.textContent = value === "SHARED" ? strings.modeShared : strings.modeViewOnly;
      mode.setAttribute("data-mode", value);
    },
    setAgentName(name) {
      label.textContent = name === "" ? strings.frameLabel : fill(strings.frameLabelNamed, { name });
    },
    setFollowing(onStop) {
      onStopFollowing = onStop;
      following.hidden = onStop === null;
      stopFollowing.hidden = onStop === null;
    },
    remove() {
      frame.remove();
      badge.remove();
    },
  };
}
