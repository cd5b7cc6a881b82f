/**
 * The consent prompt: a modal dialog that says who asks, what they will be able to do, and lets
 * the visitor accept or decline. Focus stays inside it until it closes.
 */
import type { SessionMode, VisitorInviteView } from "@tandem/protocol";
import { guard } from "../guard.js";
import type { TagHost } from "./host.js";
import type { TandemStrings } from "./strings.js";

let dialogCount = 0;

function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  props: { className?: string; id?: string; text?: string } = {},
): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (props.className !== undefined) {
    node.className = props.className;
  }
  if (props.id !== undefined) {
    node.id = props.id;
  }
  if (props.text !== undefined) {
    node.textContent = props.text;
  }
  return node;
}

export interface ConsentPrompt {
  /** Resolves `true` for Accept, `false` for Decline or Escape. */
  readonly answer: Promise<boolean>;
  /** Closes the prompt as declined. */
  cancel(): void;
}

/**
 * `heading` replaces the invite's title (the agent's later requests use it); `body` replaces what the mode
 * lets the agent do (following across tabs is not a mode).
 */
export function askConsent(host: TagHost, invite: VisitorInviteView, strings: TandemStrings, heading = strings.consentTitle,
  body?: { label: string; text: string }): ConsentPrompt {
  const modeLabel: Record<SessionMode, string> = { VIEW_ONLY: strings.modeViewOnly, SHARED: strings.modeShared };
  const modeText: Record<SessionMode, string> = { VIEW_ONLY: strings.viewOnlyText, SHARED: strings.sharedText };
  const doc = host.element.ownerDocument;
  dialogCount += 1;
  const titleId = `tandem-consent-title-${dialogCount}`;
  const descId = `tandem-consent-desc-${dialogCount}`;

  const backdrop = el(doc, "div", { className: "backdrop" });
  const dialog = el(doc, "div", { className: "dialog" });
  dialog.setAttribute("role", "dialog");
  dialog.setAttribute("aria-modal", "true");
  dialog.setAttribute("aria-labelledby", titleId);
  dialog.setAttribute("aria-describedby", descId);
  dialog.setAttribute("data-testid", "tandem-consent");
  dialog.tabIndex = -1;

  const title = el(doc, "h2", { id: titleId, text: heading });
  dialog.append(title);
  if (invite.message !== null && invite.message.trim() !== "") {
    const message = el(doc, "p", { className: "message", text: invite.message });
    message.setAttribute("data-testid", "tandem-consent-message");
    dialog.append(message);
  }
  const description = el(doc, "div", { id: descId });
  const mode = el(doc, "p", { className: "mode", text: body?.label ?? modeLabel[invite.mode] });
  mode.setAttribute("data-testid", "tandem-consent-mode");
  description.append(
    mode,
    el(doc, "p", { text: body?.text ?? modeText[invite.mode] }),
    el(doc, "p", { className: "note", text: strings.privacyNote }),
  );
  dialog.append(description);

  const decline = el(doc, "button", { text: strings.decline });
  decline.type = "button";
  decline.setAttribute("data-testid", "tandem-decline");
  const accept = el(doc, "button", { className: "primary", text: strings.accept });
  accept.type = "button";
  accept.setAttribute("data-testid", "tandem-accept");
  const actions = el(doc, "div", { className: "actions" });
  actions.append(decline, accept);
  dialog.append(actions);
  backdrop.append(dialog);

  const previousFocus = doc.activeElement;
  const focusable: HTMLElement[] = [decline, accept];
  let settle: (accepted: boolean) => void = () => undefined;
  const answer = new Promise<boolean>((resolve) => {
    settle = resolve;
  });

  const onKeyDown = guard("consent keydown", (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close(false);
      return;
    }
    if (event.key !== "Tab") {
      return;
    }
    event.preventDefault();
    const current = focusable.indexOf(host.root.activeElement as HTMLElement);
    const step = event.shiftKey ? -1 : 1;
    const next = current === -1 ? (event.shiftKey ? focusable.length - 1 : 0) : (current + step + focusable.length) % focusable.length;
    focusable[next]?.focus();
  });
  // Focus that wanders onto the page (a click, a script) is brought back into the dialog.
  const onFocusIn = guard("consent focusin", (event: FocusEvent) => {
    if (event.target !== host.element) {
      decline.focus();
    }
  });
  const onDecline = guard("consent decline", () => close(false));
  const onAccept = guard("consent accept", () => close(true));

  function close(accepted: boolean): void {
    backdrop.removeEventListener("keydown", onKeyDown);
    doc.removeEventListener("focusin", onFocusIn, true);
    backdrop.remove();
    if (previousFocus instanceof HTMLElement && previousFocus.isConnected) {
      previousFocus.focus({ preventScroll: true });
    }
    settle(accepted);
  }

  backdrop.addEventListener("keydown", onKeyDown);
  decline.addEventListener("click", onDecline);
  accept.addEventListener("click", onAccept);
  host.layer.append(backdrop);
  doc.addEventListener("focusin", onFocusIn, true);
  dialog.focus({ preventScroll: true });

  return {
    answer,
    cancel: () => {
      if (backdrop.isConnected) {
        close(false);
      }
    },
  };
}
