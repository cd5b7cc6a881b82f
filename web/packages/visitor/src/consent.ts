/**
 * Who asks the visitor for consent: the tag's own dialog, or the brand's own UI when the page supplies
 * one (`Tandem.start({consent})`). Either way nothing is sent before a yes, and only a strict `true`
 * is a yes: `false`, anything else, a throw, a rejection or a withdrawn question are all a no.
 */
import type { SessionMode, VisitorInviteView } from "@tandem/protocol";
import { reportError } from "./guard.js";
import { askConsent, type ConsentPrompt } from "./ui/consent-dialog.js";
import type { TagHost } from "./ui/host.js";
import type { TandemStrings } from "./ui/strings.js";

export interface ConsentRequest {
  /**
   * `invite`: to co-browse at all; `shared-control`: the agent of a view-only session asks to click and type
   * too; `follow-tabs`: the agent asks to follow the visitor to whichever tab of the site is active (`mode` is
   * the session's current mode then, unchanged by the answer).
   */
  readonly kind: "invite" | "shared-control" | "follow-tabs";
  readonly mode: SessionMode;
  /** The agent's message with an invite: untrusted text, to be shown as text and never as HTML. Null for the other kinds. */
  readonly message: string | null;
  /** When the question lapses (ISO 8601). */
  readonly expiresAt: string;
}

/**
 * The brand's consent UI. Resolve `true` only when the visitor said yes. `signal` aborts when the question is
 * withdrawn (the tag stops, the session ends): close the UI then; a later answer is ignored.
 */
export type ConsentHandler = (request: ConsentRequest, signal: AbortSignal) => boolean | Promise<boolean>;

/** Asks the visitor one question and returns the pending answer. */
export type Ask = (kind: ConsentRequest["kind"], view: VisitorInviteView) => ConsentPrompt;

export function consentAsker(host: () => TagHost, strings: TandemStrings, handler: ConsentHandler | undefined): Ask {
  return (kind, view) => {
    if (handler === undefined) {
      if (kind === "follow-tabs") {
        return askConsent(host(), view, strings, strings.followTitle, { label: strings.frameFollowing, text: strings.followText });
      }
      return askConsent(host(), view, strings, kind === "invite" ? strings.consentTitle : strings.modeRequestTitle);
    }
    return brandConsent(handler, Object.freeze({
      kind,
      mode: view.mode,
      message: kind === "invite" ? view.message : null,
      expiresAt: view.expiresAt,
    }));
  };
}

function brandConsent(handler: ConsentHandler, request: ConsentRequest): ConsentPrompt {
  const controller = new AbortController();
  let settled = false;
  let resolveAnswer: (accepted: boolean) => void = () => undefined;
  const answer = new Promise<boolean>((resolve) => {
    resolveAnswer = resolve;
  });
  const settle = (accepted: boolean): void => {
    if (!settled) {
      settled = true;
      resolveAnswer(accepted);
    }
  };
  const refused = (error: unknown): void => {
    reportError(error, "consent handler");
    settle(false);
  };
  try {
    Promise.resolve(handler(request, controller.signal)).then((value) => settle(value === true), refused);
  } catch (error) {
    refused(error);
  }
  return {
    answer,
    cancel: () => {
      if (!settled) {
        settle(false);
        controller.abort();
      }
    },
  };
}
