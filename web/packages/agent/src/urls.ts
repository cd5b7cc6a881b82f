/**
 * URL policy of the rebuilt page: relative URLs are resolved against the visitor's page, and only
 * http(s) (plus data: images) ever reaches the iframe.
 */

export type UrlUse = "resource" | "image" | "link";

/** Characters browsers ignore inside a URL's scheme ("java\tscript:"), removed before checking. */
const IGNORED_CHARACTERS = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]/g;
const DATA_IMAGE = /^data:image\/[a-z0-9.+-]+[;,]/i;

/**
 * Where the rebuilt page's relative URLs point (`base`, the visitor's page) and which origins it
 * may load resources from (`origins`, the same list its CSP names). A plain string is a page
 * address whose own origin is the only one allowed.
 */
export interface PageUrls {
  base: string;
  origins: ReadonlySet<string>;
}

export function pageUrls(base: string, origins?: readonly string[]): PageUrls {
  const own = pageOrigin(base);
  return { base, origins: new Set(origins ?? (own === null ? [] : [own])) };
}

function urlsOf(at: PageUrls | string): PageUrls {
  return typeof at === "string" ? pageUrls(at) : at;
}

/**
 * The absolute URL to put in the iframe, or `null` when the value must not be used at all.
 * Same-document references ("#icon") stay as they are. Resources (anything but `link`, which is
 * only kept as data) must come from an allowed origin: the browser is never even asked to fetch
 * anything else, whatever the CSP would say.
 */
export function safeUrl(value: string, at: PageUrls | string, use: UrlUse): string | null {
  const trimmed = value.trim();
  if (trimmed.startsWith("#")) {
    return trimmed;
  }
  const compact = trimmed.replace(IGNORED_CHARACTERS, "");
  if (/^data:/i.test(compact)) {
    return use !== "link" && DATA_IMAGE.test(compact) ? compact : null;
  }
  const page = urlsOf(at);
  let url: URL;
  try {
    url = new URL(compact, page.base);
  } catch {
    return null;
  }
  if (url.protocol === "http:" || url.protocol === "https:") {
    return use === "link" || page.origins.has(url.origin) ? url.href : null;
  }
  if (use === "link" && (url.protocol === "mailto:" || url.protocol === "tel:")) {
    return url.href;
  }
  return null;
}

/** A `srcset` with every candidate resolved; unsafe candidates are left out. */
export function safeSrcset(value: string, at: PageUrls | string): string | null {
  const candidates: string[] = [];
  // Candidates are "url [descriptor]" separated by commas; a URL itself may contain commas only
  // when it is a data: URL, which is why descriptors are split off by whitespace first.
  for (const part of value.split(/,(?=\s*\S)/)) {
    const [url, ...descriptors] = part.trim().split(/\s+/);
    if (url === undefined || url === "") {
      continue;
    }
    const safe = safeUrl(url, at, "image");
    if (safe !== null && !safe.startsWith("data:")) {
      candidates.push([safe, ...descriptors].join(" "));
    }
  }
  return candidates.length > 0 ? candidates.join(", ") : null;
}

const HEX = /[0-9a-fA-F]/;
const NAME = /[A-Za-z0-9_\-\u0080-\uffff]/;
const SPACE = /[ \t\n\r\f]/;

/**
 * Reads a CSS escape at `i` (the backslash): the character it stands for and where it ends.
 * `\75` and `\u` both stand for "u", which is how `u\rl(` spells `url(`.
 */
function readEscape(css: string, i: number): [string, number] {
  let j = i + 1;
  let hex = "";
  while (hex.length < 6 && j < css.length && HEX.test(css[j] as string)) {
    hex += css[j];
    j += 1;
  }
  if (hex === "") {
    return [css[j] ?? "", Math.min(j + 1, css.length)];
  }
  if (j < css.length && SPACE.test(css[j] as string)) {
    j += 1;
  }
  const code = parseInt(hex, 16);
  return [code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? "\ufffd" : String.fromCodePoint(code), j];
}

/** A quoted string at `i`: its value with escapes resolved, and where it ends. */
function readString(css: string, i: number): [string, number] {
  const quote = css[i];
  let value = "";
  let j = i + 1;
  while (j < css.length && css[j] !== quote && css[j] !== "\n") {
    if (css[j] === "\\") {
      if (css[j + 1] === "\n") {
        j += 2;
        continue;
      }
      const [ch, next] = readEscape(css, j);
      value += ch;
      j = next;
    } else {
      value += css[j];
      j += 1;
    }
  }
  return [value, css[j] === quote ? j + 1 : j];
}

/** Skips whitespace and comments. */
function skipSpace(css: string, i: number): number {
  let j = i;
  for (;;) {
    if (j < css.length && SPACE.test(css[j] as string)) {
      j += 1;
    } else if (css.startsWith("/*", j)) {
      const end = css.indexOf("*/", j + 2);
      j = end < 0 ? css.length : end + 2;
    } else {
      return j;
    }
  }
}

/**
 * CSS text with every URL in it resolved against the page and checked like an image's: `url()`
 * and `src()` (however spelled: escapes, upper case, comments), the strings of `image-set()` and
 * of `@import`. A URL that may not be used becomes `none`, which fetches nothing. The
 * text is scanned like a CSS tokenizer would (strings, comments, escapes), not matched by
 * patterns that a crafted sheet could slip past; everything else is copied unchanged.
 */
export function rewriteCss(css: string, at: PageUrls | string): string {
  const page = urlsOf(at);
  // A URL that may not be used becomes `none`: no address at all for the browser to try, and
  // wherever `none` does not fit (`@import`, `src:` of a font) the rule or declaration is dropped.
  const quoted = (raw: string): string => {
    const url = safeUrl(raw, page, "image");
    return url === null ? "none" : `"${url.replace(/["\\\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"`;
  };
  const out: string[] = [];
  let copied = 0;
  const replace = (from: number, to: number, text: string): void => {
    out.push(css.slice(copied, from), text);
    copied = to;
  };
  /** For each open parenthesis: whether strings directly inside it are URLs (image-set). */
  const open: boolean[] = [];
  let importing = false;
  let i = 0;
  while (i < css.length) {
    const c = css[i] as string;
    if (c === "/" && css[i + 1] === "*") {
      const end = css.indexOf("*/", i + 2);
      i = end < 0 ? css.length : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      const [value, next] = readString(css, i);
      if (importing || open[open.length - 1] === true) {
        replace(i, next, quoted(value));
      }
      importing = false;
      i = next;
      continue;
    }
    if (c === "@" || c === "\\" || NAME.test(c)) {
      const start = i;
      let name = "";
      if (c === "@") {
        name = "@";
        i += 1;
      }
      while (i < css.length) {
        const ch = css[i] as string;
        if (ch === "\\" && css[i + 1] !== "\n" && i + 1 < css.length) {
          const [decoded, next] = readEscape(css, i);
          name += decoded;
          i = next;
        } else if (NAME.test(ch)) {
          name += ch;
          i += 1;
        } else {
          break;
        }
      }
      if (i === start) {
        i += 1;
        continue;
      }
      const lower = name.toLowerCase();
      if (css[i] === "(") {
        if (lower === "url" || lower === "src") {
          // The argument: a string (then anything up to the closing parenthesis is dropped), or
          // an unquoted URL up to the first closing parenthesis.
          let j = i + 1;
          while (j < css.length && SPACE.test(css[j] as string)) {
            j += 1;
          }
          let raw = "";
          if (css[j] === '"' || css[j] === "'") {
            const [value, next] = readString(css, j);
            raw = value;
            j = next;
            let depth = 0;
            for (j = skipSpace(css, j); j < css.length && (css[j] !== ")" || depth > 0); j = skipSpace(css, j + 1)) {
              depth += css[j] === "(" ? 1 : css[j] === ")" ? -1 : 0;
            }
          } else {
            while (j < css.length && css[j] !== ")") {
              if (css[j] === "\\" && j + 1 < css.length) {
                const [decoded, next] = readEscape(css, j);
                raw += decoded;
                j = next;
              } else {
                raw += css[j];
                j += 1;
              }
            }
          }
          const url = quoted(raw);
          replace(start, Math.min(j + 1, css.length), url === "none" ? url : `url(${url})`);
          importing = false;
          i = j + 1;
          continue;
        }
        open.push(lower.endsWith("image-set"));
        i += 1;
        continue;
      }
      if (lower === "@import") {
        importing = true;
      }
      continue;
    }
    if (c === "(") {
      open.push(false);
    } else if (c === ")") {
      open.pop();
    } else if (c === ";" || c === "{" || c === "}") {
      importing = false;
      open.length = 0;
    }
    i += 1;
  }
  out.push(css.slice(copied));
  return out.join("");
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
