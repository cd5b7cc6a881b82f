/**
 * The admin REST API of masking-config-service (same origin as this page). Every failure becomes an
 * ApiError carrying the problem+json body, so that the page can show it readably.
 */
import type { Appearance, Capture, Detectors, RuleKind, SessionMode } from "@tandem/protocol";

export interface FieldError {
  field: string;
  message: string;
}

export interface AdminRule {
  kind: RuleKind;
  selector: string;
  note?: string | null;
  builtIn?: boolean;
}

export interface AdminSite {
  siteId: string;
  tenant: string;
  version: number;
  enabled: boolean;
  allowedOrigins: string[];
  rules: AdminRule[];
  appearance: Appearance;
  modes: Record<string, SessionMode[]>;
  detectors: Detectors;
  /** Absent from a service older than the setting: all off. */
  capture?: Capture;
  updatedAt: string;
  warnings: FieldError[];
}

export interface SiteSummary {
  siteId: string;
  version: number;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
}

export interface HistoryEntry {
  version: number;
  enabled: boolean;
  updatedAt: string;
  updatedBy: string;
  restoredFrom: number | null;
}

export interface SiteDocument {
  allowedOrigins: string[];
  rules: Array<{ kind: RuleKind; selector: string; note?: string }>;
  appearance: Appearance;
  modes: Record<string, SessionMode[]>;
  detectors: Detectors;
  capture: Capture;
}

export interface SaveSite {
  enabled: boolean;
  document: SiteDocument;
}

export interface Validation {
  valid: boolean;
  errors: FieldError[];
  warnings: FieldError[];
}

/** An RFC 9457 problem (or what could be made of a non-problem answer). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string | null;
  errors: FieldError[];
}

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly problem: Problem,
    /** The ETag of the answer (a 412 names the current version). */
    readonly etag: string | null,
  ) {
    super(problem.detail ?? problem.title);
  }

  /** The problem's stable slug (`stale-version`), or "" */
  get slug(): string {
    const match = /\/problems\/([^/]+)$/.exec(this.problem.type);
    return match?.[1] ?? "";
  }
}

export class SignedOutError extends Error {
  override name = "SignedOutError";
}

function fieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.flatMap((e: unknown) => {
    if (typeof e !== "object" || e === null) return [];
    const r = e as Record<string, unknown>;
    return typeof r["field"] === "string" && typeof r["message"] === "string" ? [{ field: r["field"], message: r["message"] }] : [];
  });
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => "");
  let body: Record<string, unknown> = {};
  try {
    // JSON parse boundary: every field is checked below.
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    body = {};
  }
  const str = (key: string): string | null => (typeof body[key] === "string" ? (body[key] as string) : null);
  return {
    type: str("type") ?? "about:blank",
    title: str("title") ?? `HTTP ${response.status} ${response.statusText}`.trim(),
    status: typeof body["status"] === "number" ? (body["status"] as number) : response.status,
    detail: str("detail"),
    errors: fieldErrors(body["errors"]),
  };
}

/** Site ids as the service accepts them (AdminSiteResource.SITE_ID). */
export const SITE_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * What a site created from the page starts with: the built-in rules only, no origins (so no page can
 * start a session yet), view-only for every agent, the detectors on, and co-browsing off until the
 * admin has set it up and enables it.
 */
export function newSiteBody(): SaveSite {
  return {
    enabled: false,
    document: {
      allowedOrigins: [],
      rules: [],
      appearance: { borderColor: "#f5a623", highlightColor: "#ffd400", matchViewport: true },
      modes: { default: ["VIEW_ONLY"] },
      detectors: { cardNumbers: true, usSsn: true },
      capture: { canvas: false },
    },
  };
}

export function versionTag(version: number): string {
  return `"v${version}"`;
}

export class AdminApi {
  constructor(
    private readonly base: string,
    private readonly token: () => Promise<string | null>,
  ) {}

  listSites(): Promise<SiteSummary[]> {
    return this.json<SiteSummary[]>("GET", "/api/admin/sites");
  }

  async site(siteId: string): Promise<{ site: AdminSite; etag: string }> {
    const { body, etag } = await this.call<AdminSite>("GET", `/api/admin/sites/${encodeURIComponent(siteId)}`);
    return { site: body, etag: etag ?? versionTag(body.version) };
  }

  async save(siteId: string, body: SaveSite, etag: string | null): Promise<{ site: AdminSite; etag: string }> {
    const answer = await this.call<AdminSite>("PUT", `/api/admin/sites/${encodeURIComponent(siteId)}`, body, etag);
    return { site: answer.body, etag: answer.etag ?? versionTag(answer.body.version) };
  }

  /** Creates a new site (If-None-Match: *): a 412 `site-exists` when the id is taken, in any organisation. */
  async create(siteId: string, body: SaveSite): Promise<{ site: AdminSite; etag: string }> {
    const answer = await this.call<AdminSite>("PUT", `/api/admin/sites/${encodeURIComponent(siteId)}`, body, null, { "If-None-Match": "*" });
    return { site: answer.body, etag: answer.etag ?? versionTag(answer.body.version) };
  }

  /** A page of the site, read by the service (only URLs of the site's saved allowed origins). */
  previewPage(siteId: string, url: string): Promise<{ url: string; html: string }> {
    return this.json<{ url: string; html: string }>(
      "GET",
      `/api/admin/sites/${encodeURIComponent(siteId)}/preview-page?url=${encodeURIComponent(url)}`,
    );
  }

  validate(siteId: string, body: SaveSite): Promise<Validation> {
    return this.json<Validation>("POST", `/api/admin/sites/${encodeURIComponent(siteId)}/validate`, body);
  }

  history(siteId: string): Promise<HistoryEntry[]> {
    return this.json<HistoryEntry[]>("GET", `/api/admin/sites/${encodeURIComponent(siteId)}/history?limit=50`);
  }

  async restore(siteId: string, version: number, etag: string): Promise<{ site: AdminSite; etag: string }> {
    const answer = await this.call<AdminSite>(
      "POST",
      `/api/admin/sites/${encodeURIComponent(siteId)}/history/${version}/restore`,
      undefined,
      etag,
    );
    return { site: answer.body, etag: answer.etag ?? versionTag(answer.body.version) };
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.call<T>(method, path, body)).body;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    ifMatch?: string | null,
    extraHeaders: Record<string, string> = {},
  ): Promise<{ body: T; etag: string | null }> {
    const token = await this.token();
    if (token === null) {
      throw new SignedOutError("You are signed out: sign in again.");
    }
    const headers: Record<string, string> = { Accept: "application/json, application/problem+json", Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (ifMatch) headers["If-Match"] = ifMatch;
    Object.assign(headers, extraHeaders);
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        credentials: "omit",
        cache: "no-store",
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(
        { type: "about:blank", title: "The service cannot be reached", status: 0, detail: "Check the connection and try again.", errors: [] },
        null,
      );
    }
    const etag = response.headers.get("ETag");
    if (!response.ok) {
      throw new ApiError(await problemOf(response), etag);
    }
    // JSON parse boundary: the service's documented shapes.
    return { body: (await response.json()) as T, etag };
  }
}

/** A problem as one readable sentence: title, detail, and the fields it names. */
export function describeProblem(problem: Problem): string {
  const parts = [problem.status > 0 ? `${problem.title} (${problem.status})` : problem.title];
  if (problem.detail && problem.detail !== problem.title) parts.push(problem.detail);
  return parts.join(": ");
}
