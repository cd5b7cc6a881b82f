/** `config.json`, served next to the console by the gateway. */
export interface ConsoleConfig {
  keycloakUrl: string;
  realm: string;
  clientId: string;
  sessionsApi: string;
  gatewayUrl: string;
  /** invite-service, for the agent's requests for shared control (the gateway always sends it). */
  invitesApi?: string;
}

/** invite-service's base URL; without one, asking for shared control is not offered. */
export function invitesApi(config: ConsoleConfig): string | null {
  return typeof config.invitesApi === "string" && config.invitesApi !== "" ? config.invitesApi : null;
}

const KEYS: ReadonlyArray<keyof ConsoleConfig> = ["keycloakUrl", "realm", "clientId", "sessionsApi", "gatewayUrl"];

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch("./config.json", { cache: "no-store", credentials: "same-origin" });
  if (!response.ok) {
    throw new Error(`config.json could not be loaded (HTTP ${response.status})`);
  }
  // JSON parse boundary: every key is checked below.
  const body = (await response.json()) as Record<string, unknown>;
  for (const key of KEYS) {
    if (typeof body[key] !== "string" || body[key] === "") {
      throw new Error(`config.json has no ${key}`);
    }
  }
  return body as unknown as ConsoleConfig;
}
