/**
 * The Content-Security-Policy put first into the rebuilt page's head: no script at all, and
 * resources only from the visitor page's own origin, plus data: images.
 */
export function buildCsp(origin: string | null): string {
  const own = origin ?? "'none'";
  const img = origin === null ? "data:" : `${origin} data:`;
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
    origin === null ? "style-src 'unsafe-inline'" : `style-src ${origin} 'unsafe-inline'`,
    `img-src ${img}`,
    `font-src ${own}`,
    `media-src ${own}`,
  ].join("; ");
}
