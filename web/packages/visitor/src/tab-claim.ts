/**
 * Keeps a session in the tab where it started. A tab opened from it (`window.open`, a link with an
 * opener, the browser's Duplicate tab) starts with a copy of its sessionStorage, and with it the
 * session's credential. Before resuming, the tag asks the site's other tabs (a BroadcastChannel of the
 * origin) whether one of them runs the session of that mark right now: if one answers, this tab is a
 * copy and does not join. The mark is random, made when the visitor accepted; never the credential.
 * The session tab also answers for its invite's id (`invite:<id>`): a tab handed the same, already
 * accepted invite again (the chat widget delivering it on another tab) asks that before joining.
 */
import { guard } from "./guard.js";

const CHANNEL_PREFIX = "tandem.tabs.";
/** How long a resuming tab waits for a live tab to answer: well within the one second a resume may take. */
export const ANSWER_WAIT_MS = 250;

interface TabMessage {
  t: "held?" | "held";
  mark: string;
}

function isTabMessage(data: unknown): data is TabMessage {
  if (typeof data !== "object" || data === null) {
    return false;
  }
  const { t, mark } = data as Record<string, unknown>;
  return (t === "held?" || t === "held") && typeof mark === "string";
}

function openChannel(win: Window, siteId: string): BroadcastChannel | null {
  const Channel = (win as Window & { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
  if (typeof Channel !== "function") {
    return null;
  }
  try {
    return new Channel(CHANNEL_PREFIX + siteId);
  } catch {
    return null;
  }
}

/** The key a session tab also answers for: its invite's id (not a credential; the agent's side knows it too). */
export function inviteKey(inviteId: string): string {
  return `invite:${inviteId}`;
}

/** A fresh random mark (hex), without needing a secure context. */
export function newMark(win: Window): string {
  const bytes = new Uint8Array(16);
  win.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Answers other tabs' questions about this tab's session while it runs here. */
export class TabClaim {
  private channel: BroadcastChannel | null = null;

  constructor(
    private readonly win: Window,
    private readonly siteId: string,
  ) {}

  /** Answers for any of these keys: the tab's mark, and `invite:<id>` when the invite's id is known. */
  hold(...keys: string[]): void {
    this.release();
    const channel = openChannel(this.win, this.siteId);
    if (channel === null) {
      return;
    }
    channel.onmessage = guard("tab claim", (event: MessageEvent) => {
      if (isTabMessage(event.data) && event.data.t === "held?" && keys.includes(event.data.mark)) {
        channel.postMessage({ t: "held", mark: event.data.mark } satisfies TabMessage);
      }
    });
    this.channel = channel;
  }

  release(): void {
    this.channel?.close();
    this.channel = null;
  }

  /** Whether another tab of this site runs the session with this key (it answers within ANSWER_WAIT_MS). */
  static heldElsewhere(win: Window, siteId: string, mark: string): Promise<boolean> {
    const channel = openChannel(win, siteId);
    if (channel === null) {
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const done = (held: boolean): void => {
        clearTimeout(timer);
        channel.close();
        resolve(held);
      };
      const timer = setTimeout(() => done(false), ANSWER_WAIT_MS);
      channel.onmessage = (event: MessageEvent) => {
        if (isTabMessage(event.data) && event.data.t === "held" && event.data.mark === mark) {
          done(true);
        }
      };
      channel.postMessage({ t: "held?", mark } satisfies TabMessage);
    });
  }
}
