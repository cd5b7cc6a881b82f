/**
 * The Content-Security-Policy put first into the rebuilt page's head: no script at all, and
 * resources only from the allowed origins (by default the visitor page's own), plus data: images.
 * The sanitiser already leaves out every URL outside them; this is the wall behind it.
 */
export function buildCsp(origins: string | null | readonly string[]): string {
  const list = origins === null ? [] : typeof origins === "string" ? [origins] : [...origins];
  const own = list.length === 0 ? "'none'" : list.join(" ");
  const img = list.length === 0 ? "data:" : `${own} data:`;
  return [
    "default-src 'none'",
    "script-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
    "connect-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    list.length === 0 ? "style-src 'unsafe-inline'" : `style-src ${own} 'unsafe-inline'`,
    `img-src ${img}`,
    `font-src ${own}`,
    `media-src ${own}`,
  ].join("; ");
}
