/**
 * The tag's public face: `Tandem.start(options)` and the handle it returns. It walks an invite from
 * the visitor's consent to a live session and reports what happened through events.
 */
import type { JoinTokenGrant, SessionMode, SiteConfig } from "@tandem/protocol";
import { TandemApi, type Endpoints, type HelpRequest, type HelpRequestView } from "./api.js";
import { Emitter } from "./emitter.js";
import { TandemError, type TandemErrorReason } from "./errors.js";
import { attempt, guard, reportError } from "./guard.js";
import { LiveSession } from "./session.js";
import { GatewayList, WebSocketTransport } from "./transport.js";
import { inviteKey, newMark, TabClaim } from "./tab-claim.js";
import { TabFollow, type Handover } from "./tab-follow.js";
import { consentAsker, type Ask, type ConsentHandler } from "./consent.js";
import type { ConsentPrompt } from "./ui/consent-dialog.js";
import { createHost, type TagHost } from "./ui/host.js";
import { resolveStrings, STRING_KEYS, type TandemStrings } from "./ui/strings.js";

export interface TandemOptions {
  siteId: string;
  /** Base URLs of the services; `gateway` is a ws:// or wss:// base. */
  endpoints: Endpoints;
  /**
   * The language of the tag's prompts and announcements (a BCP 47 tag; built in: `en`, `de`). Without
   * it, the page's `<html lang>`; English for anything else.
   */
  locale?: string;
  /** The brand's own wording, key by key over the chosen language (see ui/strings.ts; `{name}`, `{what}`). */
  strings?: Partial<TandemStrings>;
  /**
   * The brand's own consent UI instead of the tag's dialog, for the invite and for the agent's request for
   * shared control (consent.ts). Only a strict `true` accepts. The session frame and its X are always the tag's.
   */
  consent?: ConsentHandler;
}

export interface TandemEvents {
  invite: { id: string; mode: SessionMode; message: string | null; expiresAt: string };
  /** The visitor's request for help is waiting for an agent (until `expiresAt`). */
  "help-requested": { id: string; expiresAt: string };
  /** Someone picked the request up; the visitor's consent is asked next. */
  "help-accepted": { id: string; mode: SessionMode };
  "session-started": { sessionId: string; code: string; mode: SessionMode };
  "session-ended": { reason: string };
  /** The agent's mode changed: `SHARED` after the visitor accepted, `VIEW_ONLY` when the agent gave control back. */
  "mode-changed": { mode: SessionMode };
  /** The visitor agreed that the agent follows them across the site's tabs (`on`), or stopped it. */
  "follow-changed": { on: boolean };
  /** The visitor went to another tab of the site while followed: the session goes on there, not here. */
  "session-moved": { sessionId: string };
  error: { reason: TandemErrorReason; message: string };
}

export type TandemEventName = keyof TandemEvents;

export interface TandemHandle {
  /** Handles an invite credential from the chat: consent, then a live session. Never rejects. */
  receiveInvite(credential: string): Promise<void>;
  /**
   * The visitor asks for help, with the chat's credential from the chat platform: waits for an agent to
   * pick the request up, asks the visitor's consent, then runs the session as for an invite. Never rejects.
   */
  requestHelp(chatCredential: string): Promise<void>;
  /** Ends any session, removes the tag's UI and stops listening. */
  stop(): void;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends TandemEventName>(event: K, callback: (detail: TandemEvents[K]) => void): () => void;
}

const STORAGE_PREFIX = "tandem.credential.";
/** The random mark of the tab's session (tab-claim.ts): a copied sessionStorage carries it to a copied tab. */
const MARK_PREFIX = "tandem.tab.";
/** The accepted invite's id, for the tab claim (a tab handed the same invite again asks by it). */
const INVITE_PREFIX = "tandem.invite.";
/** Present while the visitor agrees that the agent follows them across the site's tabs (tab-follow.ts). */
const FOLLOW_PREFIX = "tandem.follow.";

function trimBase(url: string): string {
  return url.replace(/\/+$/, "");
}

export function validateOptions(options: unknown): TandemOptions {
  const fail = (what: string): never => {
    throw new TypeError(`Tandem.start: ${what}`);
  };
  if (typeof options !== "object" || options === null) {
    return fail("options must be an object");
  }
  const { siteId, endpoints } = options as { siteId?: unknown; endpoints?: unknown };
  if (typeof siteId !== "string" || siteId.trim() === "") {
    fail("siteId must be a non-empty string");
  }
  if (typeof endpoints !== "object" || endpoints === null) {
    return fail("endpoints must be an object");
  }
  const e = endpoints as Record<string, unknown>;
  const base = (key: keyof Endpoints, schemes: RegExp): string => {
    const value = e[key];
    if (typeof value !== "string" || !schemes.test(value)) {
      fail(`endpoints.${key} must be an absolute ${schemes === WS ? "ws(s)" : "http(s)"} URL`);
    }
    return trimBase(value as string);
  };
  const { locale, strings, consent } = options as { locale?: unknown; strings?: unknown; consent?: unknown };
  if (consent !== undefined && typeof consent !== "function") {
    fail("consent must be a function");
  }
  if (locale !== undefined && typeof locale !== "string") {
    fail("locale must be a string");
  }
  if (strings !== undefined && (typeof strings !== "object" || strings === null)) {
    fail("strings must be an object");
  }
  const own: Partial<TandemStrings> = {};
  for (const key of STRING_KEYS) {
    const value = (strings as Record<string, unknown> | undefined)?.[key];
    if (value !== undefined && typeof value !== "string") {
      fail(`strings.${key} must be a string`);
    }
    if (typeof value === "string") {
      own[key] = value;
    }
  }
  return {
    siteId: siteId as string,
    ...(typeof locale === "string" ? { locale } : {}),
    ...(strings !== undefined ? { strings: own } : {}),
    ...(typeof consent === "function" ? { consent: consent as ConsentHandler } : {}),
    endpoints: {
      invites: base("invites", HTTP),
      sessions: base("sessions", HTTP),
      config: base("config", HTTP),
      gateway: base("gateway", WS),
    },
  };
}

const HTTP = /^https?:\/\/\S+$/i;
/** How often a waiting request for help asks whether someone picked it up. */
const HELP_POLL_MS = 2_000;
const WS = /^wss?:\/\/\S+$/i;

class Tag implements TandemHandle {
  private readonly emitter = new Emitter<TandemEvents>();
  private readonly api: TandemApi;
  private host: TagHost | null = null;
  private prompt: ConsentPrompt | null = null;
  private session: LiveSession | null = null;
  private busy = false;
  private stopped = false;
  /** While a session runs in this tab, it answers other tabs that ask whether it has it. */
  private readonly claim: TabClaim;
  private readonly strings: TandemStrings;
  private readonly ask: Ask;
  /** Moves the session to the tab the visitor went to, when they agreed to be followed. */
  private readonly follow: TabFollow;
  private readonly onActive = guard("tab active", () => {
    if (this.win.document.visibilityState !== "hidden" && this.session === null && !this.busy && !this.stopped) {
      this.follow.announce();
    }
  });

  constructor(
    private readonly win: Window,
    private readonly options: TandemOptions,
    private readonly onStopped: () => void,
  ) {
    this.api = new TandemApi(options.endpoints);
    this.claim = new TabClaim(win, options.siteId);
    this.strings = resolveStrings(win.document, options.locale, options.strings);
    this.ask = consentAsker(() => this.ensureHost(), this.strings, options.consent);
    this.follow = new TabFollow(win, options.siteId, {
      active: (tab) => this.moveTo(tab),
      handover: (handover) => this.takeOver(handover),
    });
    win.document.addEventListener("visibilitychange", this.onActive);
    win.addEventListener("focus", this.onActive);
  }

  /** Says on the site's channel that this tab is the visitor's, unless it runs the session itself. */
  announceActive(): void {
    this.onActive();
  }

  /** Another tab became the visitor's: a session followed across tabs goes there. */
  private moveTo(tab: string): void {
    const credential = this.storedCredential();
    if (this.session === null || !this.session.followsTabs || credential === null) {
      return;
    }
    const handover: Handover = { credential, invite: this.storedInvite(), mark: this.storedMark() };
    this.session.leave();
    this.follow.handOver(tab, handover);
  }

  /** The session tab handed the session over: it goes on here, as after a page load. */
  private takeOver(handover: Handover): void {
    if (this.stopped || this.session !== null || this.busy) {
      return;
    }
    this.prompt?.cancel();
    this.prompt = null;
    attempt("write session storage", () => this.win.sessionStorage.setItem(this.storageKey(), handover.credential), undefined);
    if (handover.invite !== null) {
      const invite = handover.invite;
      attempt("write session storage", () => this.win.sessionStorage.setItem(INVITE_PREFIX + this.options.siteId, invite), undefined);
    }
    const mark = handover.mark ?? newMark(this.win);
    attempt("write session storage", () => this.win.sessionStorage.setItem(MARK_PREFIX + this.options.siteId, mark), undefined);
    this.storeFollowing(true);
    this.busy = true;
    this.startSession(handover.credential)
      .catch((error: unknown) => reportError(error, "take over"))
      .finally(() => {
        this.busy = false;
      });
  }

  on<K extends TandemEventName>(event: K, callback: (detail: TandemEvents[K]) => void): () => void {
    return this.emitter.on(event, callback);
  }

  receiveInvite(credential: string): Promise<void> {
    return this.handleInvite(credential).catch((error: unknown) => reportError(error, "receiveInvite"));
  }

  requestHelp(chatCredential: string): Promise<void> {
    return this.handleHelp(chatCredential).catch((error: unknown) => reportError(error, "requestHelp"));
  }

  stop(): void {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    this.prompt?.cancel();
    this.prompt = null;
    this.session?.end("visitor-stopped");
    this.session = null;
    this.claim.release();
    this.follow.close();
    this.win.document.removeEventListener("visibilitychange", this.onActive);
    this.win.removeEventListener("focus", this.onActive);
    this.removeHost();
    this.emitter.clear();
    this.onStopped();
  }

  /**
   * Picks up a session this tab accepted on an earlier page of the site. A tab that only has a copy of
   * the session tab's sessionStorage (opened from it, or duplicated) finds that tab still running the
   * session, forgets the copy and stays out: the session is bound to the tab where it started.
   */
  resume(): void {
    const credential = this.storedCredential();
    if (credential === null || this.busy) {
      return;
    }
    this.busy = true;
    const mark = this.storedMark();
    const elsewhere = mark === null ? Promise.resolve(false) : TabClaim.heldElsewhere(this.win, this.options.siteId, mark);
    elsewhere
      .then(async (held) => {
        if (held) {
          this.forgetCredential();
        } else if (!this.stopped) {
          await this.startSession(credential);
        }
      })
      .catch((error: unknown) => reportError(error, "resume"))
      .finally(() => {
        this.busy = false;
        // A copy of the session tab that stayed out is still the tab the visitor is on.
        this.onActive();
      });
  }

  private async handleInvite(credential: string): Promise<void> {
    if (this.stopped) {
      return;
    }
    if (typeof credential !== "string" || credential.trim() === "") {
      this.fail(new TandemError("invite-unavailable", "The invite credential is empty."));
      return;
    }
    if (this.busy || this.session !== null) {
      this.fail(new TandemError("busy", "A co-browsing invite or session is already in progress."));
      return;
    }
    this.busy = true;
    try {
      const invite = await this.api.getInvite(credential);
      if (this.stopped) {
        return;
      }
      if (invite.state !== "PENDING" && invite.state !== "ACCEPTED") {
        throw new TandemError("invite-not-pending", `The invite is ${invite.state.toLowerCase()}.`);
      }
      this.emitter.emit("invite", {
        id: invite.id,
        mode: invite.mode,
        message: invite.message,
        expiresAt: invite.expiresAt,
      });
      if (invite.state === "ACCEPTED" && (await TabClaim.heldElsewhere(this.win, this.options.siteId, inviteKey(invite.id)))) {
        // The session already runs in another tab of this site: it stays there, as with a copied tab.
        throw new TandemError("busy", "The co-browsing session is running in another tab.");
      }
      if (this.stopped) {
        return;
      }
      if (invite.state === "PENDING") {
        this.prompt = this.ask("invite", invite);
        const accepted = await this.prompt.answer;
        this.prompt = null;
        if (this.stopped) {
          return;
        }
        if (!accepted) {
          this.removeHost();
          await this.api.answerInvite(credential, false);
          return;
        }
        await this.api.answerInvite(credential, true);
        if (this.stopped) {
          return;
        }
      }
      this.storeCredential(credential, invite.id);
      await this.startSession(credential);
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private async handleHelp(chatCredential: string): Promise<void> {
    if (this.stopped) {
      return;
    }
    if (typeof chatCredential !== "string" || chatCredential.trim() === "") {
      this.fail(new TandemError("request-failed", "The chat credential is empty."));
      return;
    }
    if (this.busy || this.session !== null) {
      this.fail(new TandemError("busy", "A co-browsing invite, request or session is already in progress."));
      return;
    }
    this.busy = true;
    try {
      const request = await this.api.createHelpRequest(chatCredential);
      if (this.stopped) {
        return;
      }
      this.emitter.emit("help-requested", { id: request.id, expiresAt: request.expiresAt });
      const accepted = await this.pickedUp(request);
      if (accepted === null || this.stopped) {
        return;
      }
      const mode = accepted.mode ?? "VIEW_ONLY";
      this.emitter.emit("help-accepted", { id: request.id, mode });
      this.prompt = this.ask("invite", { id: request.id, state: "PENDING", mode, message: null, expiresAt: accepted.expiresAt });
      const yes = await this.prompt.answer;
      this.prompt = null;
      if (this.stopped) {
        return;
      }
      if (!yes) {
        this.removeHost();
        this.endUnwanted(request.credential);
        return;
      }
      this.storeCredential(request.credential, request.id);
      await this.startSession(request.credential);
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  /** Polls the request until someone picks it up (its view) or the tag stops (`null`); throws when it expires. */
  private async pickedUp(request: HelpRequest): Promise<HelpRequestView | null> {
    const expires = Date.parse(request.expiresAt);
    // A little past the expiry: the service's sweeper decides, the tag only stops waiting for it eventually.
    const deadline = (Number.isFinite(expires) ? expires : Date.now() + 120_000) + 30_000;
    while (!this.stopped) {
      let view: HelpRequestView | null = null;
      try {
        view = await this.api.helpRequest(request.credential);
      } catch (error) {
        if (error instanceof TandemError && error.reason !== "network") {
          throw error;
        }
      }
      if (view?.state === "ACCEPTED") {
        return view;
      }
      if (view !== null && view.state !== "PENDING" || Date.now() > deadline) {
        throw new TandemError("request-expired", "Nobody picked the request for help up in time.");
      }
      await new Promise((resolve) => setTimeout(resolve, HELP_POLL_MS));
    }
    return null;
  }

  /**
   * The visitor declined a session an agent had already taken on for them: it is ended at once through the
   * gateway (`end`, as the X does) rather than left waiting for its join window. Nothing else is sent.
   */
  private endUnwanted(credential: string): void {
    this.api.sessionToken(credential).then((grant) => {
      const gateway = new GatewayList(this.options.endpoints.gateway).current;
      const transport = new WebSocketTransport(`${gateway}/ws/visitor?session=${encodeURIComponent(grant.sessionId)}`, grant.joinToken, {
        open: () => {
          transport.send({ t: "end" });
          transport.close();
        },
        message: () => undefined,
        close: () => undefined,
      });
      transport.connect();
    }, () => undefined); // no session to end (the agent was busy, or it is over already)
  }

  private async startSession(credential: string): Promise<void> {
    let grant: JoinTokenGrant;
    try {
      grant = await this.api.sessionToken(credential);
    } catch (error) {
      this.forgetCredential();
      throw error;
    }
    if (this.stopped) {
      return;
    }
    let config: SiteConfig;
    try {
      config = await this.api.siteConfig(this.options.siteId);
    } catch (error) {
      // Fail closed: without the rules nothing is sent, not even a connection attempt.
      this.forgetCredential();
      this.removeHost();
      const reason = error instanceof TandemError ? error.reason : "config-unavailable";
      this.emitter.emit("session-ended", { reason });
      return;
    }
    if (this.stopped) {
      return;
    }
    const invite = this.storedInvite();
    this.claim.hold(this.storedMark() ?? this.storeMark(), ...(invite === null ? [] : [inviteKey(invite)]));
    const session = new LiveSession({
      win: this.win,
      host: this.ensureHost(),
      gateway: this.options.endpoints.gateway,
      grant,
      config,
      strings: this.strings,
      ask: this.ask,
      configUrl: `${this.options.endpoints.config}/api/sites/${encodeURIComponent(this.options.siteId)}/config`,
      refreshGrant: () => this.api.sessionToken(credential, 5_000),
      onStarted: (started) => {
        this.emitter.emit("session-started", {
          sessionId: started.sessionId,
          code: started.code,
          mode: started.mode,
        });
      },
      onModeChanged: (mode) => this.emitter.emit("mode-changed", { mode }),
      modeRequests: {
        latest: () => this.api.modeRequest(credential),
        answer: (accept) => this.api.answerModeRequest(credential, accept),
      },
      following: this.storedFollowing(),
      onFollowChanged: (on) => {
        this.storeFollowing(on);
        this.emitter.emit("follow-changed", { on });
      },
      onLeft: () => {
        this.session = null;
        this.claim.release();
        this.forgetCredential();
        this.removeHost();
        this.emitter.emit("session-moved", { sessionId: grant.sessionId });
      },
      onEnded: (reason) => {
        this.session = null;
        this.claim.release();
        this.forgetCredential();
        this.removeHost();
        this.emitter.emit("session-ended", { reason });
      },
    });
    this.session = session;
    session.start();
  }

  private fail(error: unknown): void {
    if (error instanceof TandemError) {
      this.emitter.emit("error", { reason: error.reason, message: error.message });
    } else {
      reportError(error, "invite flow");
      this.emitter.emit("error", { reason: "network", message: String(error) });
    }
    if (this.session === null) {
      this.removeHost();
    }
  }

  private ensureHost(): TagHost {
    if (this.host === null || !this.host.element.isConnected) {
      this.host?.remove();
      this.host = createHost(this.win.document);
    }
    return this.host;
  }

  private removeHost(): void {
    this.host?.remove();
    this.host = null;
  }

  private storageKey(): string {
    return STORAGE_PREFIX + this.options.siteId;
  }

  private storedCredential(): string | null {
    return attempt("read session storage", () => this.win.sessionStorage.getItem(this.storageKey()), null);
  }

  private storeCredential(credential: string, inviteId: string): void {
    attempt("write session storage", () => this.win.sessionStorage.setItem(this.storageKey(), credential), undefined);
    attempt("write session storage", () => this.win.sessionStorage.setItem(INVITE_PREFIX + this.options.siteId, inviteId), undefined);
    this.storeMark();
  }

  private storedInvite(): string | null {
    return attempt("read session storage", () => this.win.sessionStorage.getItem(INVITE_PREFIX + this.options.siteId), null);
  }

  private storedMark(): string | null {
    return attempt("read session storage", () => this.win.sessionStorage.getItem(MARK_PREFIX + this.options.siteId), null);
  }

  /** A fresh mark for this tab's session (kept across its page loads). */
  private storeMark(): string {
    const mark = newMark(this.win);
    attempt("write session storage", () => this.win.sessionStorage.setItem(MARK_PREFIX + this.options.siteId, mark), undefined);
    return mark;
  }

  private storedFollowing(): boolean {
    return attempt("read session storage", () => this.win.sessionStorage.getItem(FOLLOW_PREFIX + this.options.siteId), null) === "on";
  }

  private storeFollowing(on: boolean): void {
    const key = FOLLOW_PREFIX + this.options.siteId;
    attempt("write session storage", () => (on ? this.win.sessionStorage.setItem(key, "on") : this.win.sessionStorage.removeItem(key)), undefined);
  }

  private forgetCredential(): void {
    this.storeFollowing(false);
    attempt("clear session storage", () => this.win.sessionStorage.removeItem(this.storageKey()), undefined);
    attempt("clear session storage", () => this.win.sessionStorage.removeItem(MARK_PREFIX + this.options.siteId), undefined);
    attempt("clear session storage", () => this.win.sessionStorage.removeItem(INVITE_PREFIX + this.options.siteId), undefined);
  }
}

let current: Tag | null = null;

/**
 * Starts the tag on this page. Calling it again while a tag is running returns the running one.
 * Throws a TypeError for invalid options; after that, nothing the tag does throws into the page.
 */
export function start(options: TandemOptions): TandemHandle {
  const valid = validateOptions(options);
  if (current !== null) {
    return current;
  }
  const tag = new Tag(window, valid, () => {
    if (current === tag) {
      current = null;
    }
  });
  current = tag;
  setTimeout(guard("resume", () => {
    tag.resume();
    // A tab that opens in front is the visitor's tab: a session followed across tabs comes here.
    tag.announceActive();
  }), 0);
  return tag;
}
