// Unit tests of the DOM-free parts: detectors, URL policy, attribute plans, config parsing.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
let dir;
let m;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-units-"));
  const outfile = join(dir, "units.mjs");
  await build({
    stdin: {
      contents: `
        export { luhnValid, scrubText, PLACEHOLDER } from "./packages/visitor/src/capture/detectors.ts";
        export { parseSiteConfig } from "./packages/visitor/src/site-config.ts";
        export { validateOptions } from "./packages/visitor/src/tandem.ts";
        export { safeUrl, safeSrcset, rewriteCss, pageOrigin, pageUrls } from "./packages/agent/src/urls.ts";
        export { planAttribute, planElement, HTML_NS, SVG_NS } from "./packages/agent/src/sanitize.ts";
        export { buildCsp } from "./packages/agent/src/csp.ts";
      `,
      resolveDir: web,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile,
    logLevel: "error",
  });
  m = await import(pathToFileURL(outfile).href);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("Luhn", () => {
  assert.equal(m.luhnValid("4111111111111111"), true);
  assert.equal(m.luhnValid("4111111111111112"), false);
  assert.equal(m.luhnValid("378282246310005"), true);
});

test("detectors mask card numbers and SSNs and leave other numbers alone", () => {
  const on = { cardNumbers: true, usSsn: true };
  const P = m.PLACEHOLDER;
  assert.equal(m.scrubText("card 4111 1111 1111 1111.", on), `card ${P}.`);
  assert.equal(m.scrubText("4111-1111-1111-1111", on), P);
  assert.equal(m.scrubText("x4111111111111111y", on), `x${P}y`);
  assert.equal(m.scrubText("card 4111 1111 1111 1111 5 left", on), `card ${P} 5 left`);
  assert.equal(m.scrubText("ssn 078-05-1120, ok", on), `ssn ${P}, ok`);
  assert.equal(m.scrubText("078-05-1120", on), P);
  assert.equal(m.scrubText("phone 0123-45-67890", on), "phone 0123-45-67890");
  assert.equal(m.scrubText("order 4111111111111112", on), "order 4111111111111112");
  assert.equal(m.scrubText("1234567890123456789012", on), "1234567890123456789012");
  assert.equal(m.scrubText("in 2024 we paid 1200", on), "in 2024 we paid 1200");
  assert.equal(m.scrubText("4111 1111 1111 1111 and 078-05-1120", { cardNumbers: false, usSsn: false }), "4111 1111 1111 1111 and 078-05-1120");
});

test("site config: fails closed on anything it cannot read", () => {
  const good = { siteId: "s", enabled: true, rules: [{ kind: "MASK", selector: ".x" }, { kind: "FUTURE", selector: "y" }] };
  const parsed = m.parseSiteConfig(good);
  assert.deepEqual(parsed.rules, [{ kind: "MASK", selector: ".x" }]);
  assert.deepEqual(parsed.detectors, { cardNumbers: true, usSsn: true }, "detectors default to on");
  assert.equal(m.parseSiteConfig({ ...good, rules: [{ kind: "MASK" }] }), null);
  assert.equal(m.parseSiteConfig({ ...good, rules: "x" }), null);
  assert.equal(m.parseSiteConfig({ siteId: "s", rules: [] }), null);
  assert.equal(m.parseSiteConfig(null), null);
  assert.equal(m.parseSiteConfig({ ...good, detectors: { cardNumbers: false } }).detectors.cardNumbers, false);
});

test("start options are checked", () => {
  const endpoints = { invites: "http://a/", sessions: "http://b", config: "https://c", gateway: "wss://d/" };
  assert.deepEqual(m.validateOptions({ siteId: "s", endpoints }).endpoints, {
    invites: "http://a",
    sessions: "http://b",
    config: "https://c",
    gateway: "wss://d",
  });
  assert.throws(() => m.validateOptions({ siteId: "", endpoints }), TypeError);
  assert.throws(() => m.validateOptions({ siteId: "s", endpoints: { ...endpoints, gateway: "http://d" } }), TypeError);
  assert.throws(() => m.validateOptions(undefined), TypeError);
});

test("URL policy: only http(s), data: images, and same-document references", () => {
  const base = "https://shop.example/a/b.html";
  assert.equal(m.safeUrl("c.png", base, "image"), "https://shop.example/a/c.png");
  assert.equal(m.safeUrl("#icon", base, "resource"), "#icon");
  assert.equal(m.safeUrl("javascript:alert(1)", base, "link"), null);
  assert.equal(m.safeUrl(" jav\tascript:alert(1)", base, "link"), null);
  assert.equal(m.safeUrl("JAVASCRIPT:alert(1)", base, "resource"), null);
  assert.equal(m.safeUrl("vbscript:x", base, "link"), null);
  assert.equal(m.safeUrl("data:text/html,<script>", base, "image"), null);
  assert.equal(m.safeUrl("data:image/png;base64,AAAA", base, "image"), "data:image/png;base64,AAAA");
  assert.equal(m.safeUrl("data:image/png;base64,AAAA", base, "link"), null);
  assert.equal(m.safeUrl("mailto:a@b.c", base, "link"), "mailto:a@b.c");
  assert.equal(m.safeUrl("mailto:a@b.c", base, "resource"), null);
  assert.equal(m.safeUrl("blob:https://shop.example/x", base, "image"), null);
  assert.equal(m.safeSrcset("a.png 1x, javascript:x 2x, /b.png 3x", base), "https://shop.example/a/a.png 1x, https://shop.example/b.png 3x");
  assert.equal(
    m.rewriteCss("a{background:url(x.png)} b{background:url('javascript:alert(1)')} @import \"s.css\";", base),
    'a{background:url("https://shop.example/a/x.png")} b{background:none} @import "https://shop.example/a/s.css";',
  );
  // Another host is not fetched, however a sheet spells the URL; allowed origins can be given.
  const other = "https://elsewhere.example/x.png";
  for (const css of [
    `a{background:url(${other})}`,
    `a{background:URL( '${other}' )}`,
    `a{background:u\\72l(${other})}`,
    `a{background:\\75 rl("${other}")}`,
    `a{background:url( "${other}" /* c */ )}`,
    `a{background:image-set("${other}" 1x, url(${other}) 2x)}`,
    `a{background:-webkit-image-set('${other}' 1x)}`,
    `@import "${other}";`,
    `@\\69mport '${other}';`,
    `@import url(${other}) screen;`,
    `@font-face{src:url(${other}) format("woff2")}`,
    `a{background:url("https://elsewh\\65re.example/x.png")}`,
    `a{background:src("${other}")}`,
  ]) {
    const out = m.rewriteCss(css, base);
    assert.doesNotMatch(out, /elsewhere|elsewh\\/, css);
    assert.match(out, /none/, css);
  }
  assert.equal(m.rewriteCss('a{content:"url(x)"} b{font-family:"A"}', base), 'a{content:"url(x)"} b{font-family:"A"}');
  assert.equal(m.rewriteCss("a{b:image-set(url(x.png) 1x type('image/png'))}", base), 'a{b:image-set(url("https://shop.example/a/x.png") 1x type(\'image/png\'))}');
  const cdn = m.pageUrls(base, ["https://shop.example", "https://elsewhere.example"]);
  assert.equal(m.rewriteCss(`a{background:url(${other})}`, cdn), `a{background:url("${other}")}`);
  assert.equal(m.safeUrl(other, base, "image"), null);
  assert.equal(m.safeUrl(other, cdn, "image"), other);
  assert.equal(m.safeUrl(other, base, "link"), other, "a link's target is kept as data, never fetched");
  assert.equal(m.safeSrcset(`${other} 1x, b.png 2x`, base), "https://shop.example/a/b.png 2x");
  assert.deepEqual(m.planAttribute({ localName: "rect", namespaceURI: m.SVG_NS }, "filter", `url(${other}#f)`, base), {
    name: "filter",
    ns: null,
    value: "none",
  });
  assert.equal(m.pageOrigin(base), "https://shop.example");
  assert.equal(m.pageOrigin("file:///x"), null);
});

test("attribute plans strip handlers, navigation and unsafe URLs", () => {
  const base = "https://shop.example/";
  const a = { localName: "a" };
  const img = { localName: "img" };
  const div = { localName: "div" };
  assert.equal(m.planAttribute(div, "onclick", "x", base), null);
  assert.equal(m.planAttribute(div, "ONload", "x", base), null);
  assert.equal(m.planAttribute(div, "srcdoc", "x", base), null);
  assert.equal(m.planAttribute({ localName: "form" }, "action", "/x", base), null);
  assert.equal(m.planAttribute({ localName: "button" }, "formaction", "/x", base), null);
  assert.equal(m.planAttribute(a, "target", "_top", base), null);
  assert.equal(m.planAttribute(div, "bad name", "x", base), null);
  assert.deepEqual(m.planAttribute(a, "href", "/p", base), { name: "data-tandem-href", ns: null, value: "https://shop.example/p" });
  assert.deepEqual(m.planAttribute(a, "href", "javascript:x", base), { name: "data-tandem-href", ns: null, value: null });
  assert.deepEqual(m.planAttribute(img, "src", "javascript:x", base), { name: "src", ns: null, value: null });
  assert.deepEqual(m.planAttribute({ localName: "use" }, "xlink:href", "#i", base), { name: "xlink:href", ns: "http://www.w3.org/1999/xlink", value: "#i" });
  assert.deepEqual(m.planAttribute(div, "class", "x", base), { name: "class", ns: null, value: "x" });
  assert.deepEqual(m.planAttribute({ localName: "link" }, "rel", "preload", base), { name: "rel", ns: null, value: null });
});

test("element plans drop scripts, plugins, base, refreshes and other frames", () => {
  for (const tag of ["script", "SCRIPT", "noscript", "object", "embed", "applet", "base", "set", "animate"]) {
    assert.deepEqual(m.planElement(tag, m.HTML_NS, {}), { action: "drop" }, tag);
  }
  assert.deepEqual(m.planElement("script", m.SVG_NS, {}), { action: "drop" });
  assert.deepEqual(m.planElement("iframe", m.HTML_NS, {}), { action: "box" });
  assert.deepEqual(m.planElement("frame", m.HTML_NS, {}), { action: "box" });
  assert.deepEqual(m.planElement("meta", m.HTML_NS, { "HTTP-EQUIV": "refresh" }), { action: "drop" });
  assert.deepEqual(m.planElement("meta", m.HTML_NS, { charset: "utf-8" }), { action: "create", ns: m.HTML_NS, tag: "meta" });
  assert.deepEqual(m.planElement("link", m.HTML_NS, { rel: "prefetch" }), { action: "drop" });
  assert.deepEqual(m.planElement("link", m.HTML_NS, { rel: "stylesheet" }), { action: "create", ns: m.HTML_NS, tag: "link" });
  assert.deepEqual(m.planElement("foreignObject", m.SVG_NS, {}), { action: "create", ns: m.SVG_NS, tag: "foreignObject" });
  assert.deepEqual(m.planElement("<img>", m.HTML_NS, {}), { action: "drop" });
});

test("the view's CSP allows no script and only the page's origin", () => {
  const csp = m.buildCsp("https://shop.example");
  assert.match(csp, /script-src 'none'/);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /img-src https:\/\/shop\.example data:/);
  assert.match(csp, /style-src https:\/\/shop\.example 'unsafe-inline'/);
  assert.doesNotMatch(m.buildCsp(null), /'none' 'unsafe-inline'/);
});
