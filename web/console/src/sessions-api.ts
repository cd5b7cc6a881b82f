/** The session-service calls the console makes for the signed-in agent. */
import type { AgentSession, JoinTokenGrant } from "@tandem/protocol";

export class UnauthorizedError extends Error {
  override name = "UnauthorizedError";
}

export class SessionsApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => Promise<string | null>,
  ) {}

  /** The agent's current session, or `null` when there is none. */
  async currentSession(): Promise<AgentSession | null> {
    const response = await this.call("GET", "/api/agents/me/session");
    if (response.status === 404) {
      return null;
    }
    const body = await this.json(response);
    if (typeof body["sessionId"] !== "string" || typeof body["code"] !== "string") {
      throw new Error("The session answer is malformed.");
    }
    return body as unknown as AgentSession;
  }

  async joinToken(sessionId: string): Promise<JoinTokenGrant> {
    const response = await this.call("POST", `/api/sessions/${encodeURIComponent(sessionId)}/join-token`);
    const body = await this.json(response);
    if (typeof body["joinToken"] !== "string") {
      throw new Error("The join token answer is malformed.");
    }
    return body as unknown as JoinTokenGrant;
  }

  /** Gives control back: shared to view-only needs no consent (session-service). */
  async viewOnly(sessionId: string): Promise<void> {
    const response = await this.call("POST", `/api/sessions/${encodeURIComponent(sessionId)}/mode`, { mode: "VIEW_ONLY" });
    if (!response.ok) {
      throw new Error(`session-service answered HTTP ${response.status}`);
    }
  }

  /**
   * Asks the visitor for shared control (invite-service); the visitor answers in the tag's prompt.
   * Resolves with the problem's name on a refusal (`mode-request-pending`, `mode-not-allowed`, ...).
   */
  async requestShared(invitesBase: string, sessionId: string): Promise<string | null> {
    const response = await this.call("POST", "/api/mode-requests", { sessionId, mode: "SHARED" }, invitesBase);
    if (response.ok) {
      return null;
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const type = typeof body["type"] === "string" ? body["type"] : "";
    return type.replace(/^.*\//, "") || `HTTP ${response.status}`;
  }

  private async call(method: "GET" | "POST", path: string, body?: unknown, base = this.baseUrl): Promise<Response> {
    const token = await this.token();
    if (token === null) {
      throw new UnauthorizedError("Not signed in.");
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(`${base.replace(/\/+$/, "")}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      credentials: "omit",
      cache: "no-store",
    });
    if (response.status === 401) {
      throw new UnauthorizedError("The sign-in has expired.");
    }
    return response;
  }

  private async json(response: Response): Promise<Record<string, unknown>> {
    if (!response.ok) {
      throw new Error(`session-service answered HTTP ${response.status}`);
    }
    // JSON parse boundary: callers check the fields they use.
    const body = (await response.json()) as unknown;
    if (typeof body !== "object" || body === null) {
      throw new Error("session-service answered something that is not an object");
    }
    return body as Record<string, unknown>;
  }
}
