/** `config.json`, served next to the admin page by masking-config-service. */
export interface AdminConfig {
  keycloakUrl: string;
  realm: string;
  clientId: string;
}

const KEYS: ReadonlyArray<keyof AdminConfig> = ["keycloakUrl", "realm", "clientId"];

export async function loadConfig(): Promise<AdminConfig> {
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
  return body as unknown as AdminConfig;
}
