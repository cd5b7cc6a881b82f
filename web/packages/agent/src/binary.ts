/**
 * Binary frames: uint16 big-endian header length H (1..1024), H bytes of UTF-8 JSON header with a
 * string `t`, then the payload. The result is the header's fields plus `payload` (a Uint8Array).
 */
export type BinaryFrame = Record<string, unknown> & { t: string; payload: Uint8Array };

const MAX_HEADER = 1024;

export function decodeBinaryFrame(data: ArrayBuffer): BinaryFrame | null {
  const bytes = new Uint8Array(data);
  if (bytes.length < 2) {
    return null;
  }
  const length = ((bytes[0] as number) << 8) | (bytes[1] as number);
  if (length < 1 || length > MAX_HEADER || bytes.length < 2 + length) {
    return null;
  }
  let header: unknown;
  try {
    // JSON parse boundary: every field is checked where it is used.
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(2, 2 + length))) as unknown;
  } catch {
    return null;
  }
  if (typeof header !== "object" || header === null || Array.isArray(header) || typeof (header as { t?: unknown }).t !== "string") {
    return null;
  }
  return { ...(header as Record<string, unknown>), t: (header as { t: string }).t, payload: bytes.subarray(2 + length) };
}
