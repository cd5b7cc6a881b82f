/**
 * OpenID Connect sign-in for the console: authorization code flow with PKCE (S256) against
 * Keycloak, written by hand. Tokens stay in this tab's sessionStorage.
 */

export interface OidcSettings {
  keycloakUrl: string;
  realm: string;
  clientId: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  /** Epoch millis at which the access token expires. */
  expiresAt: number;
}

interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

const TOKENS_KEY = "tandem.console.tokens";
const PENDING_KEY = "tandem.console.login";
const REFRESH_MARGIN_MS = 30_000;

export class SignInError extends Error {
  override name = "SignInError";
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeFor(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The claims of a JWT, without checking its signature (the token came straight from Keycloak). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (payload === undefined) {
    return {};
  }
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    // JSON parse boundary: claims are read one by one with type checks.
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function readJson<T>(storage: Storage, key: string): T | null {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  } catch {
    return null;
  }
}

export class OidcClient {
  private readonly issuer: string;
  private refreshing: Promise<Tokens | null> | null = null;

  constructor(
    private readonly settings: OidcSettings,
    private readonly redirectUri: string,
    private readonly storage: Storage = sessionStorage,
  ) {
    this.issuer = `${settings.keycloakUrl.replace(/\/+$/, "")}/realms/${encodeURIComponent(settings.realm)}`;
  }

  /** Sends the browser to Keycloak's login page. */
  async signIn(): Promise<void> {
    const pending: PendingLogin = {
      state: randomString(),
      nonce: randomString(),
      verifier: randomString(48),
      returnTo: location.href.split("#")[0] ?? location.href,
    };
    this.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(`${this.issuer}/protocol/openid-connect/auth`);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.settings.clientId,
      redirect_uri: this.redirectUri,
      scope: "openid profile",
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await challengeFor(pending.verifier),
      code_challenge_method: "S256",
    }).toString();
    location.assign(url.toString());
  }

  /**
   * Finishes a login when the page is Keycloak's redirect back (`?code=…&state=…`). Returns
   * whether it handled one; throws SignInError when Keycloak or the exchange said no.
   */
  async handleRedirect(): Promise<boolean> {
    const params = new URLSearchParams(location.search);
    const code = params.get("code");
    const error = params.get("error");
    if (code === null && error === null) {
      return false;
    }
    const pending = readJson<PendingLogin>(this.storage, PENDING_KEY);
    this.storage.removeItem(PENDING_KEY);
    history.replaceState(null, "", this.redirectUri);
    if (error !== null) {
      throw new SignInError(`Sign-in failed: ${params.get("error_description") ?? error}`);
    }
    if (pending === null || params.get("state") !== pending.state) {
      throw new SignInError("Sign-in failed: the answer does not match this browser's request.");
    }
    const tokens = await this.tokenRequest({
      grant_type: "authorization_code",
      code: code ?? "",
      redirect_uri: this.redirectUri,
      client_id: this.settings.clientId,
      code_verifier: pending.verifier,
    });
    if (tokens.idToken !== null && jwtClaims(tokens.idToken)["nonce"] !== pending.nonce) {
      this.clear();
      throw new SignInError("Sign-in failed: the ID token does not belong to this login.");
    }
    return true;
  }

  get tokens(): Tokens | null {
    return readJson<Tokens>(this.storage, TOKENS_KEY);
  }

  get username(): string | null {
    const tokens = this.tokens;
    if (tokens === null) {
      return null;
    }
    for (const token of [tokens.idToken, tokens.accessToken]) {
      const name = token === null ? undefined : jwtClaims(token)["preferred_username"];
      if (typeof name === "string") {
        return name;
      }
    }
    return null;
  }

  /** A valid access token, refreshed when it is about to expire; `null` when signed out. */
  async accessToken(): Promise<string | null> {
    const tokens = this.tokens;
    if (tokens === null) {
      return null;
    }
    if (tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS) {
      return tokens.accessToken;
    }
    const refreshed = await this.refresh();
    return refreshed?.accessToken ?? null;
  }

  /** Uses the refresh token; signs out locally when Keycloak refuses it. */
  refresh(): Promise<Tokens | null> {
    const refreshToken = this.tokens?.refreshToken ?? null;
    if (refreshToken === null) {
      this.clear();
      return Promise.resolve(null);
    }
    this.refreshing ??= this.tokenRequest({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: this.settings.clientId,
    })
      .catch(() => {
        this.clear();
        return null;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /** Forgets the tokens and ends the Keycloak session, coming back to `returnTo`. */
  signOut(returnTo: string): void {
    const idToken = this.tokens?.idToken ?? null;
    this.clear();
    const url = new URL(`${this.issuer}/protocol/openid-connect/logout`);
    const params = new URLSearchParams({ client_id: this.settings.clientId, post_logout_redirect_uri: returnTo });
    if (idToken !== null) {
      params.set("id_token_hint", idToken);
    }
    url.search = params.toString();
    location.assign(url.toString());
  }

  clear(): void {
    this.storage.removeItem(TOKENS_KEY);
  }

  private async tokenRequest(form: Record<string, string>): Promise<Tokens> {
    const response = await fetch(`${this.issuer}/protocol/openid-connect/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(form).toString(),
      credentials: "omit",
    });
    // JSON parse boundary: the fields are checked below.
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    const accessToken = body["access_token"];
    if (!response.ok || typeof accessToken !== "string") {
      const description = typeof body["error_description"] === "string" ? body["error_description"] : `HTTP ${response.status}`;
      throw new SignInError(`Sign-in failed: ${description}`);
    }
    const expiresIn = typeof body["expires_in"] === "number" ? body["expires_in"] : 60;
    const tokens: Tokens = {
      accessToken,
      refreshToken: typeof body["refresh_token"] === "string" ? body["refresh_token"] : null,
      idToken: typeof body["id_token"] === "string" ? body["id_token"] : null,
      expiresAt: Date.now() + expiresIn * 1000,
    };
    this.storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    return tokens;
  }
}
