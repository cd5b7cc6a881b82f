/** The REST calls the tag makes: invite-service, session-service, masking-config-service. */
import type { JoinTokenGrant, ModeRequestView, SessionMode, SiteConfig, VisitorInviteView } from "@tandem/protocol";
import { TandemError } from "./errors.js";
import { isRecord, parseJson, stringField } from "./json.js";
import { parseSiteConfig } from "./site-config.js";

const CREDENTIAL_HEADER = "Tandem-Invite-Credential";
const CHAT_CREDENTIAL_HEADER = "Tandem-Chat-Credential";
const REQUEST_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 500;
const POLL_LIMIT_MS = 20_000;

export interface Endpoints {
  invites: string;
  sessions: string;
  config: string;
  gateway: string;
}

interface Answer {
  status: number;
  body: unknown;
}

function isMode(value: unknown): value is SessionMode {
  return value === "VIEW_ONLY" || value === "SHARED";
}

async function call(url: string, method: "GET" | "POST", credential?: string, header = CREDENTIAL_HEADER): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (credential !== undefined) {
    headers[header] = credential;
  }
  try {
    const response = await fetch(url, {
      method,
      headers,
      credentials: "omit",
      cache: "no-store",
      mode: "cors",
      signal: controller.signal,
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? undefined : parseJson(text) };
  } catch (error) {
    throw new TandemError("network", `${method} ${url} failed: ${String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

function parseInvite(body: unknown): VisitorInviteView | null {
  if (!isRecord(body)) {
    return null;
  }
  const id = stringField(body, "id");
  const state = stringField(body, "state");
  const mode = body["mode"];
  if (id === undefined || state === undefined || !isMode(mode)) {
    return null;
  }
  const message = stringField(body, "message");
  return { id, state, mode, message: message ?? null, expiresAt: stringField(body, "expiresAt") ?? "" };
}

function parseGrant(body: unknown): JoinTokenGrant | null {
  if (!isRecord(body)) {
    return null;
  }
  const sessionId = stringField(body, "sessionId");
  const joinToken = stringField(body, "joinToken");
  const mode = body["mode"];
  if (sessionId === undefined || joinToken === undefined || !isMode(mode)) {
    return null;
  }
  return {
    sessionId,
    code: stringField(body, "code") ?? "",
    mode,
    siteId: stringField(body, "siteId") ?? "",
    joinToken,
    expiresAt: stringField(body, "expiresAt") ?? "",
  };
}

/** A 404 that means "retry": problem type `session-not-ready`, or no problem body at all. */
function isNotReady(body: unknown): boolean {
  const type = isRecord(body) ? stringField(body, "type") : undefined;
  return type === undefined || type.endsWith("/session-not-ready");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The visitor's own request for help (invite-service `POST /api/requests`), with its per-request credential. */
export interface HelpRequest {
  id: string;
  expiresAt: string;
  credential: string;
}

/** `GET /api/visitor/request`: `mode` is set once someone picked the request up. */
export interface HelpRequestView {
  id: string;
  state: string;
  mode: SessionMode | null;
  expiresAt: string;
}

/** The problem type's last segment (`chat-not-found`, `request-pending`, …), or the status. */
function problemOf(answer: Answer): string {
  const type = isRecord(answer.body) ? stringField(answer.body, "type") : undefined;
  return type === undefined ? `HTTP ${answer.status}` : type.slice(type.lastIndexOf("/") + 1);
}

export class TandemApi {
  constructor(private readonly endpoints: Endpoints) {}

  async getInvite(credential: string): Promise<VisitorInviteView> {
    const answer = await call(`${this.endpoints.invites}/api/visitor/invite`, "GET", credential);
    const invite = answer.status === 200 ? parseInvite(answer.body) : null;
    if (invite === null) {
      throw new TandemError("invite-unavailable", `The invite cannot be read (HTTP ${answer.status}).`, answer.status);
    }
    return invite;
  }

  async answerInvite(credential: string, accept: boolean): Promise<VisitorInviteView> {
    const path = accept ? "accept" : "decline";
    const answer = await call(`${this.endpoints.invites}/api/visitor/invite/${path}`, "POST", credential);
    const invite = answer.status === 200 ? parseInvite(answer.body) : null;
    if (invite === null) {
      throw new TandemError("accept-failed", `The invite could not be ${path}ed (HTTP ${answer.status}).`, answer.status);
    }
    return invite;
  }

  /** Asks for help in the chat's name (its chat credential, from the chat platform). */
  async createHelpRequest(chatCredential: string): Promise<HelpRequest> {
    const answer = await call(`${this.endpoints.invites}/api/requests`, "POST", chatCredential, CHAT_CREDENTIAL_HEADER);
    const body = answer.body;
    const visitor = isRecord(body) ? body["visitor"] : undefined;
    const id = isRecord(body) ? stringField(body, "id") : undefined;
    const credential = isRecord(visitor) ? stringField(visitor, "credential") : undefined;
    if (answer.status !== 201 || id === undefined || credential === undefined) {
      throw new TandemError("request-failed", `The request for help was refused (${problemOf(answer)}).`, answer.status);
    }
    return { id, credential, expiresAt: isRecord(body) ? stringField(body, "expiresAt") ?? "" : "" };
  }

  /** Where the visitor's request stands; `null` when it cannot be read right now (try again). */
  async helpRequest(credential: string): Promise<HelpRequestView | null> {
    const answer = await call(`${this.endpoints.invites}/api/visitor/request`, "GET", credential);
    const body = answer.body;
    if (answer.status === 404) {
      throw new TandemError("request-failed", "The request for help is gone.", 404);
    }
    if (answer.status !== 200 || !isRecord(body)) {
      return null;
    }
    const id = stringField(body, "id");
    const state = stringField(body, "state");
    const mode = body["mode"];
    return id === undefined || state === undefined
      ? null
      : { id, state, mode: isMode(mode) ? mode : null, expiresAt: stringField(body, "expiresAt") ?? "" };
  }

  /** Asks for the visitor's join token, retrying while the session is still being created. */
  async sessionToken(credential: string, limitMs = POLL_LIMIT_MS): Promise<JoinTokenGrant> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const answer = await call(`${this.endpoints.sessions}/api/visitor/session-token`, "POST", credential);
      if (answer.status === 200) {
        const grant = parseGrant(answer.body);
        if (grant === null) {
          throw new TandemError("session-not-ready", "The session token answer is malformed.", 200);
        }
        return grant;
      }
      if (answer.status === 410) {
        throw new TandemError("session-ended", "The session has ended.", 410);
      }
      if (answer.status !== 404 || !isNotReady(answer.body)) {
        throw new TandemError("session-not-ready", `The session token was refused (HTTP ${answer.status}).`, answer.status);
      }
      if (Date.now() + POLL_INTERVAL_MS > deadline) {
        throw new TandemError("session-not-ready", "The session was not ready in time.", 404);
      }
      await sleep(POLL_INTERVAL_MS);
    }
  }

  /** The session's latest request for shared control, or `null` when there is none (404). */
  async modeRequest(credential: string): Promise<ModeRequestView | null> {
    const answer = await call(`${this.endpoints.invites}/api/visitor/mode-request`, "GET", credential);
    const body = answer.body;
    if (answer.status !== 200 || !isRecord(body)) {
      return null;
    }
    const id = stringField(body, "id");
    const state = stringField(body, "state");
    return id === undefined || state === undefined
      ? null
      : { id, state, mode: "SHARED", expiresAt: stringField(body, "expiresAt") ?? "" };
  }

  async answerModeRequest(credential: string, accept: boolean): Promise<void> {
    const answer = await call(`${this.endpoints.invites}/api/visitor/mode-request/${accept ? "accept" : "decline"}`, "POST", credential);
    if (answer.status !== 200) {
      throw new TandemError("accept-failed", `The mode request could not be answered (HTTP ${answer.status}).`, answer.status);
    }
  }

  /** The site's rules; throws when they cannot be loaded or the site is disabled (fail closed). */
  async siteConfig(siteId: string): Promise<SiteConfig> {
    let answer: Answer;
    try {
      answer = await call(`${this.endpoints.config}/api/sites/${encodeURIComponent(siteId)}/config`, "GET");
    } catch {
      throw new TandemError("config-unavailable", "The site's masking rules could not be loaded.");
    }
    const config = answer.status === 200 ? parseSiteConfig(answer.body) : null;
    if (config === null) {
      throw new TandemError("config-unavailable", `The site's masking rules could not be loaded (HTTP ${answer.status}).`, answer.status);
    }
    if (!config.enabled) {
      throw new TandemError("site-disabled", "Co-browsing is switched off for this site.");
    }
    return config;
  }
}
