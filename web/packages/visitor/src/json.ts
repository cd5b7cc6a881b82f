/** Helpers for reading JSON from the network, where nothing can be taken on trust. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringField(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" ? value : undefined;
}

export function numberField(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function booleanField(record: JsonRecord, key: string): boolean | undefined {
  const value = record[key];
  return typeof value === "boolean" ? value : undefined;
}

/** Parses a JSON text; `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    // JSON parse boundary: the result is checked field by field by the caller.
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
