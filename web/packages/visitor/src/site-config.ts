/** Reads the site config answered by masking-config-service, failing closed on anything odd. */
import type { Appearance, Detectors, RuleKind, SessionMode, SiteConfig, SiteRule } from "@tandem/protocol";
import { booleanField, isRecord, numberField, parseJson, stringField, type JsonRecord } from "./json.js";

const RULE_KINDS: ReadonlySet<string> = new Set<RuleKind>(["MASK", "BLOCK", "NO_AGENT_CONTROL"]);

export const DEFAULT_APPEARANCE: Appearance = {
  borderColor: "#f5a623",
  highlightColor: "#ffd400",
  matchViewport: true,
};

/** A rule; `"unknown"` for a kind this tag does not know (newer service); `null` when malformed. */
function parseRule(value: unknown): SiteRule | "unknown" | null {
  if (!isRecord(value)) {
    return null;
  }
  const kind = stringField(value, "kind");
  const selector = stringField(value, "selector");
  if (kind === undefined || selector === undefined) {
    return null;
  }
  if (!RULE_KINDS.has(kind)) {
    return "unknown";
  }
  const rule: SiteRule = { kind: kind as RuleKind, selector };
  const builtIn = booleanField(value, "builtIn");
  if (builtIn !== undefined) {
    rule.builtIn = builtIn;
  }
  return rule;
}

function parseAppearance(value: unknown): Appearance {
  if (!isRecord(value)) {
    return { ...DEFAULT_APPEARANCE };
  }
  return {
    borderColor: stringField(value, "borderColor") ?? DEFAULT_APPEARANCE.borderColor,
    highlightColor: stringField(value, "highlightColor") ?? DEFAULT_APPEARANCE.highlightColor,
    matchViewport: booleanField(value, "matchViewport") ?? DEFAULT_APPEARANCE.matchViewport,
  };
}

/** Detectors are on unless the site switched them off explicitly. */
function parseDetectors(value: unknown): Detectors {
  const record: JsonRecord = isRecord(value) ? value : {};
  return {
    cardNumbers: booleanField(record, "cardNumbers") !== false,
    usSsn: booleanField(record, "usSsn") !== false,
  };
}

function parseModes(value: unknown): Record<string, SessionMode[]> {
  const modes: Record<string, SessionMode[]> = {};
  if (!isRecord(value)) {
    return modes;
  }
  for (const [group, list] of Object.entries(value)) {
    if (Array.isArray(list)) {
      modes[group] = list.filter((m): m is SessionMode => m === "VIEW_ONLY" || m === "SHARED");
    }
  }
  return modes;
}

/**
 * The config, or `null` when it is not one: with no rules list, or a rule it cannot read, the tag
 * cannot know what to mask, so it must not send anything.
 */
export function parseSiteConfig(value: unknown): SiteConfig | null {
  if (!isRecord(value)) {
    return null;
  }
  const siteId = stringField(value, "siteId");
  const enabled = booleanField(value, "enabled");
  const rules = value["rules"];
  if (siteId === undefined || enabled === undefined || !Array.isArray(rules)) {
    return null;
  }
  const parsedRules: SiteRule[] = [];
  for (const entry of rules) {
    const rule = parseRule(entry);
    if (rule === null) {
      return null;
    }
    if (rule !== "unknown") {
      parsedRules.push(rule);
    }
  }
  const origins = value["allowedOrigins"];
  return {
    siteId,
    version: numberField(value, "version") ?? 0,
    enabled,
    allowedOrigins: Array.isArray(origins) ? origins.filter((o): o is string => typeof o === "string") : [],
    rules: parsedRules,
    appearance: parseAppearance(value["appearance"]),
    modes: parseModes(value["modes"]),
    detectors: parseDetectors(value["detectors"]),
    capture: { canvas: isRecord(value["capture"]) && value["capture"]["canvas"] === true },
  };
}

/** How often a running session asks whether the site's rules changed (answered 304 while they did not). */
export const CONFIG_REFRESH_MS = 2_000;
const REFRESH_TIMEOUT_MS = 5_000;

/**
 * Polls the site config while a session runs, with `If-None-Match` on the version in use, so that an
 * admin's change reaches live sessions within seconds at the cost of an empty 304 most of the time.
 * `onChange` gets each newer version; a failed or odd answer keeps the rules in use (they were valid).
 */
export class SiteConfigWatcher {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private version: number,
    private readonly onChange: (config: SiteConfig) => void,
    private readonly intervalMs = CONFIG_REFRESH_MS,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => this.schedule());
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REFRESH_TIMEOUT_MS);
    try {
      const response = await fetch(this.url, {
        method: "GET",
        headers: { Accept: "application/json", "If-None-Match": `"v${this.version}"` },
        credentials: "omit",
        cache: "no-store",
        mode: "cors",
        signal: controller.signal,
      });
      if (response.status !== 200) {
        return;
      }
      const config = parseSiteConfig(parseJson(await response.text()));
      if (config === null || config.version <= this.version || this.stopped) {
        return;
      }
      this.version = config.version;
      this.onChange(config);
    } catch {
      // Offline for a moment, or the service restarts: the rules in use stay, the next poll tries again.
    } finally {
      clearTimeout(timeout);
    }
  }
}
