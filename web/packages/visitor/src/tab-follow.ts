/**
 * Following the visitor across the site's tabs, once they said yes to the agent's request. Every tab
 * running the tag says so on a BroadcastChannel of the origin when it becomes the visitor's tab (shown,
 * or focused): `active`. The tab running the session, if the visitor agreed to be followed, stops there
 * and hands the session to that tab (`handover`): its credential, invite id and mark, for that tab
 * only. The new tab resumes the session as after a page load (fresh join token, fresh snapshot).
 *
 * A BroadcastChannel reaches only documents of the same origin: the session never leaves the site,
 * and what crosses is what the session tab keeps in its own sessionStorage anyway.
 */
import { guard } from "./guard.js";
import { newMark } from "./tab-claim.js";

const CHANNEL_PREFIX = "tandem.follow.";

/** What the session tab hands to the tab the visitor went to. */
export interface Handover {
  credential: string;
  invite: string | null;
  mark: string | null;
}

type FollowMessage =
  | { t: "active"; tab: string }
  | ({ t: "handover"; to: string } & Handover);

function parse(data: unknown): FollowMessage | null {
  if (typeof data !== "object" || data === null) {
    return null;
  }
  const m = data as Record<string, unknown>;
  if (m["t"] === "active" && typeof m["tab"] === "string") {
    return { t: "active", tab: m["tab"] };
  }
  const optional = (v: unknown): v is string | null => v === null || typeof v === "string";
  if (m["t"] === "handover" && typeof m["to"] === "string" && typeof m["credential"] === "string" && m["credential"] !== ""
      && optional(m["invite"]) && optional(m["mark"])) {
    return { t: "handover", to: m["to"], credential: m["credential"], invite: m["invite"], mark: m["mark"] };
  }
  return null;
}

export interface TabFollowHandlers {
  /** Another tab of the site became the visitor's tab (its id). */
  active(tab: string): void;
  /** The session tab handed the session to this tab. */
  handover(handover: Handover): void;
}

export class TabFollow {
  /** This tab's id on the channel (random, new on each page). */
  readonly tab: string;
  private channel: BroadcastChannel | null = null;

  constructor(win: Window, siteId: string, handlers: TabFollowHandlers) {
    this.tab = newMark(win);
    const Channel = (win as Window & { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
    if (typeof Channel !== "function") {
      return;
    }
    try {
      this.channel = new Channel(CHANNEL_PREFIX + siteId);
    } catch {
      return;
    }
    this.channel.onmessage = guard("tab follow", (event: MessageEvent) => {
      const message = parse(event.data);
      if (message === null) {
        return;
      }
      if (message.t === "active" && message.tab !== this.tab) {
        handlers.active(message.tab);
      } else if (message.t === "handover" && message.to === this.tab) {
        handlers.handover({ credential: message.credential, invite: message.invite, mark: message.mark });
      }
    });
  }

  /** This tab is now the visitor's tab. */
  announce(): void {
    this.channel?.postMessage({ t: "active", tab: this.tab } satisfies FollowMessage);
  }

  /** Gives the session to tab `to` (the session here has already stopped). */
  handOver(to: string, handover: Handover): void {
    this.channel?.postMessage({ t: "handover", to, ...handover } satisfies FollowMessage);
  }

  close(): void {
    this.channel?.close();
    this.channel = null;
  }
}
