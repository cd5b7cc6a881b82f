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

  private async call(method: "GET" | "POST", path: string): Promise<Response> {
    const token = await this.token();
    if (token === null) {
      throw new UnauthorizedError("Not signed in.");
    }
    const response = await fetch(`${this.baseUrl.replace(/\/+$/, "")}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
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
