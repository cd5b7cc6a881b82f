/**
 * URL policy of the rebuilt page: relative URLs are resolved against the visitor's page, and only
 * http(s) (plus data: images) ever reaches the iframe.
 */

export type UrlUse = "resource" | "image" | "link";

/** Characters browsers ignore inside a URL's scheme ("java\tscript:"), removed before checking. */
const IGNORED_CHARACTERS = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]/g;
const DATA_IMAGE = /^data:image\/[a-z0-9.+-]+[;,]/i;

/**
 * The absolute URL to put in the iframe, or `null` when the value must not be used at all.
 * Same-document references ("#icon") stay as they are.
 */
export function safeUrl(value: string, base: string, use: UrlUse): string | null {
  const trimmed = value.trim();
  if (trimmed.startsWith("#")) {
    return trimmed;
  }
  const compact = trimmed.replace(IGNORED_CHARACTERS, "");
  if (/^data:/i.test(compact)) {
    return use !== "link" && DATA_IMAGE.test(compact) ? compact : null;
  }
  let url: URL;
  try {
    url = new URL(compact, base);
  } catch {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:") {
    return url.href;
  }
  if (use === "link" && (url.protocol === "mailto:" || url.protocol === "tel:")) {
    return url.href;
  }
  return null;
}

/** A `srcset` with every candidate resolved; unsafe candidates are left out. */
export function safeSrcset(value: string, base: string): string | null {
  const candidates: string[] = [];
  // Candidates are "url [descriptor]" separated by commas; a URL itself may contain commas only
  // when it is a data: URL, which is why descriptors are split off by whitespace first.
  for (const part of value.split(/,(?=\s*\S)/)) {
    const [url, ...descriptors] = part.trim().split(/\s+/);
    if (url === undefined || url === "") {
      continue;
    }
    const safe = safeUrl(url, base, "image");
    if (safe !== null && !safe.startsWith("data:")) {
      candidates.push([safe, ...descriptors].join(" "));
    }
  }
  return candidates.length > 0 ? candidates.join(", ") : null;
}

const CSS_URL = /url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)"'\s]*))\s*\)/gi;
const CSS_IMPORT = /@import\s+(["'])([^"']*)\1/gi;

/** CSS text with every url() resolved against the page; unsafe ones point nowhere. */
export function rewriteCss(css: string, base: string): string {
  const resolve = (raw: string): string => {
    const safe = safeUrl(raw.replace(/\\(.)/g, "$1"), base, "image");
    return safe === null ? "about:invalid" : safe;
  };
  return css
    .replace(CSS_URL, (_m, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
      const url = resolve(dq ?? sq ?? bare ?? "");
      return `url("${url.replace(/["\\\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`;
    })
    .replace(CSS_IMPORT, (_m, _q: string, raw: string) => `@import url("${resolve(raw).replace(/["\\\n\r]/g, "")}")`);
}

/** The origin of the visitor's page, for the CSP; `null` for anything but http(s). */
export function pageOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : null;
  } catch {
    return null;
  }
}
