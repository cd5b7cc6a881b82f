// The admin page: PKCE sign-in, editing a site's rules with the service's validation shown next to the
// rule, saving with If-Match (and a readable 412), history and restore, problem+json errors, and a
// preview that marks exactly what querySelectorAll matches, with the page's scripts never running.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, beforeEach, test } from "node:test";
import { launchBrowser, watchPage } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
// The policy masking-config-service sends with the page (AdminPageResource), Keycloak being this origin here.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";

let browser;
let server;
const b64url = (value) => Buffer.from(value).toString("base64url");
const jwt = (claims) => `${b64url(JSON.stringify({ alg: "none" }))}.${b64url(JSON.stringify(claims))}.sig`;

const BUILT_IN = [
  { kind: "MASK", selector: "input[type=password]", builtIn: true },
  { kind: "MASK", selector: '[autocomplete="cc-number"]', builtIn: true },
  { kind: "BLOCK", selector: "[data-tandem-block]", builtIn: true },
  { kind: "NO_AGENT_CONTROL", selector: "[type=submit]", builtIn: true },
];
const FIRST = {
  allowedOrigins: ["http://localhost:8090"],
  rules: [
    { kind: "MASK", selector: ".secret", note: "internal reference numbers" },
    { kind: "BLOCK", selector: "#chat-history" },
  ],
  appearance: { borderColor: "#f5a623", highlightColor: "#ffd400", matchViewport: true },
  modes: { default: ["VIEW_ONLY", "SHARED"] },
  detectors: { cardNumbers: true, usSsn: true },
};

let svc;
function freshService() {
  return {
    codes: new Map(),
    tokens: new Set(),
    authorizations: [],
    versions: [{ version: 1, enabled: true, document: structuredClone(FIRST), updatedBy: "admin1", restoredFrom: null, updatedAt: new Date().toISOString() }],
    puts: [],
    restores: [],
    validations: 0,
    sitesProblem: null,
    // sites created from the page: id -> [{version, enabled, document, ...}]
    created: new Map(),
    creates: [],
    previewFetches: [],
  };
}

/** A small stand-in for the service's validator: enough to see errors and warnings placed right. */
function check(document) {
  const errors = [];
  const warnings = [];
  document.rules.forEach((rule, i) => {
    const field = `document.rules[${i}].selector`;
    if (rule.selector.trim() === "") errors.push({ field, message: `rule ${i} (\`\`): the selector is empty` });
    else if (/#[0-9]/.test(rule.selector)) errors.push({ field, message: `rule ${i} (\`${rule.selector}\`): an id cannot start with a digit (escape it: #\\31 23abc)` });
    if (/\\'/.test(rule.selector)) warnings.push({ field, message: `rule ${i} (\`${rule.selector}\`): the quotes are part of the value` });
  });
  document.allowedOrigins.forEach((origin, i) => {
    if (origin.endsWith("/")) errors.push({ field: `document.allowedOrigins[${i}]`, message: `\`${origin}\` has a path` });
  });
  return { errors, warnings };
}

const current = () => svc.versions.at(-1);
const siteView = (v, warnings = [], siteId = "demo-insurer") => ({
  siteId,
  tenant: "demo",
  version: v.version,
  enabled: v.enabled,
  allowedOrigins: v.document.allowedOrigins,
  rules: [...BUILT_IN, ...v.document.rules.map((r) => ({ ...r, builtIn: false }))],
  appearance: v.document.appearance,
  modes: v.document.modes,
  detectors: v.document.detectors,
  capture: v.document.capture ?? { canvas: false },
  updatedAt: v.updatedAt,
  warnings,
});

async function fakes(req, res, url, body) {
  const send = (status, value, headers = {}, type = "application/json") => {
    res.writeHead(status, { "Content-Type": type, ...headers });
    res.end(value === undefined ? "" : JSON.stringify(value));
    return true;
  };
  const problem = (status, slug, title, detail, extra = {}, headers = {}) =>
    send(status, { type: `https://tandem.dev/problems/${slug}`, title, status, detail, ...extra }, headers, "application/problem+json");
  if (url.pathname === "/dist/admin/config.json") {
    return send(200, { keycloakUrl: `${server.origin}/kc`, realm: "tandem", clientId: "tandem-admin" }, { "Content-Security-Policy": CSP });
  }
  if (url.pathname.startsWith("/dist/admin/")) {
    const name = url.pathname.endsWith("/") ? "index.html" : url.pathname.slice("/dist/admin/".length);
    const file = normalize(join(web, "dist", "admin", name));
    const type = { html: "text/html; charset=utf-8", js: "text/javascript", css: "text/css", map: "application/json" }[name.split(".").pop()];
    const content = await readFile(file);
    res.writeHead(200, { "Content-Type": type ?? "application/octet-stream", "Content-Security-Policy": CSP, "Cache-Control": "no-store" });
    res.end(content);
    return true;
  }
  if (url.pathname === "/kc/realms/tandem/protocol/openid-connect/auth") {
    const params = Object.fromEntries(url.searchParams);
    svc.authorizations.push(params);
    const code = randomBytes(8).toString("hex");
    svc.codes.set(code, params);
    const back = new URL(params.redirect_uri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", params.state);
    res.writeHead(302, { Location: back.toString() });
    res.end();
    return true;
  }
  if (url.pathname === "/kc/realms/tandem/protocol/openid-connect/token" && req.method === "POST") {
    const form = Object.fromEntries(new URLSearchParams(body));
    const auth = svc.codes.get(form.code);
    svc.codes.delete(form.code);
    const challenge = createHash("sha256").update(form.code_verifier ?? "").digest("base64url");
    if (!auth || challenge !== auth.code_challenge || form.redirect_uri !== auth.redirect_uri || form.client_id !== "tandem-admin") {
      return send(400, { error: "invalid_grant", error_description: "bad code or verifier" });
    }
    const accessToken = jwt({ preferred_username: "admin1", tenant: "demo", exp: Math.floor(Date.now() / 1000) + 300 });
    svc.tokens.add(accessToken);
    return send(200, { access_token: accessToken, refresh_token: "refresh", expires_in: 300, id_token: jwt({ preferred_username: "admin1", nonce: auth.nonce }) });
  }
  if (!url.pathname.startsWith("/api/admin/")) return false;
  if (!svc.tokens.has((req.headers.authorization ?? "").replace(/^Bearer /, ""))) {
    return problem(401, "unauthorized", "Unauthorized", "a valid access token is required");
  }
  const etag = `"v${current().version}"`;
  if (url.pathname === "/api/admin/sites" && req.method === "GET") {
    if (svc.sitesProblem) return problem(...svc.sitesProblem);
    const created = [...svc.created].map(([siteId, versions]) => ({ siteId, version: versions.at(-1).version, enabled: versions.at(-1).enabled, updatedAt: versions.at(-1).updatedAt, updatedBy: "admin1" }));
    return send(200, [{ siteId: "demo-insurer", version: current().version, enabled: true, updatedAt: current().updatedAt, updatedBy: "admin1" }, ...created].sort((a, b) => a.siteId.localeCompare(b.siteId)));
  }
  // Any other site: created with If-None-Match: * (as the service does), then read, checked and listed.
  const other = /^\/api\/admin\/sites\/([^/]+)(\/[a-z]+)?$/.exec(url.pathname);
  if (other && other[1] !== "demo-insurer") {
    const siteId = decodeURIComponent(other[1]);
    const versions = svc.created.get(siteId);
    if (req.method === "PUT" && other[2] === undefined) {
      const parsed = JSON.parse(body);
      svc.creates.push({ siteId, ifNoneMatch: req.headers["if-none-match"], ifMatch: req.headers["if-match"], body: parsed });
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(siteId)) return problem(400, "validation", "Bad request", "siteId: must match", { errors: [{ field: "siteId", message: "must match" }] });
      if (versions !== undefined || siteId === "taken-elsewhere") {
        if (req.headers["if-none-match"] === "*") return problem(412, "site-exists", "Precondition failed", `a site '${siteId}' exists already: choose another site id`);
        return problem(428, "if-match-required", "Precondition required", "send If-Match");
      }
      const first = { version: 1, enabled: parsed.enabled, document: parsed.document, updatedBy: "admin1", restoredFrom: null, updatedAt: new Date().toISOString() };
      svc.created.set(siteId, [first]);
      return send(200, siteView(first, [], siteId), { ETag: '"v1"' });
    }
    if (req.method === "POST" && other[2] === "/validate") {
      const { errors, warnings } = check(JSON.parse(body).document);
      return send(200, { valid: errors.length === 0, errors, warnings });
    }
    if (versions === undefined) return problem(404, "site-not-found", "Not found", `no site '${siteId}' is configured`);
    if (req.method === "GET" && other[2] === undefined) return send(200, siteView(versions.at(-1), [], siteId), { ETag: `"v${versions.at(-1).version}"` });
    if (req.method === "GET" && other[2] === "/history") {
      return send(200, versions.toReversed().map(({ version, enabled, updatedAt, updatedBy, restoredFrom }) => ({ version, enabled, updatedAt, updatedBy, restoredFrom })));
    }
  }
  if (url.pathname === "/api/admin/sites/demo-insurer" && req.method === "GET") {
    if (svc.siteDelayMs) await new Promise((resolve) => setTimeout(resolve, svc.siteDelayMs));
    return send(200, siteView(current()), { ETag: etag });
  }
  if (url.pathname === "/api/admin/sites/demo-insurer/validate" && req.method === "POST") {
    svc.validations += 1;
    const { errors, warnings } = check(JSON.parse(body).document);
    return send(200, { valid: errors.length === 0, errors, warnings });
  }
  if (url.pathname === "/api/admin/sites/demo-insurer" && req.method === "PUT") {
    const parsed = JSON.parse(body);
    svc.puts.push({ ifMatch: req.headers["if-match"], body: parsed });
    if (req.headers["if-match"] !== etag) {
      return problem(412, "stale-version", "Stale version", `the site is at version ${current().version}`, {}, { ETag: etag });
    }
    const { errors, warnings } = check(parsed.document);
    if (errors.length > 0) return problem(400, "invalid-site-config", "Invalid site configuration", errors.map((e) => e.message).join("; "), { errors });
    svc.versions.push({ version: current().version + 1, enabled: parsed.enabled, document: parsed.document, updatedBy: "admin1", restoredFrom: null, updatedAt: new Date().toISOString() });
    return send(200, siteView(current(), warnings), { ETag: `"v${current().version}"` });
  }
  if (url.pathname === "/api/admin/sites/demo-insurer/history" && req.method === "GET") {
    return send(200, svc.versions.toReversed().map(({ version, enabled, updatedAt, updatedBy, restoredFrom }) => ({ version, enabled, updatedAt, updatedBy, restoredFrom })));
  }
  const restore = /^\/api\/admin\/sites\/demo-insurer\/history\/(\d+)\/restore$/.exec(url.pathname);
  if (restore && req.method === "POST") {
    svc.restores.push({ version: Number(restore[1]), ifMatch: req.headers["if-match"] });
    if (req.headers["if-match"] !== etag) return problem(412, "stale-version", "Stale version", "reload", {}, { ETag: etag });
    const old = svc.versions.find((v) => v.version === Number(restore[1]));
    svc.versions.push({ ...structuredClone(old), version: current().version + 1, restoredFrom: old.version, updatedAt: new Date().toISOString() });
    return send(200, siteView(current()), { ETag: `"v${current().version}"` });
  }
  if (url.pathname === "/api/admin/sites/demo-insurer/preview-page" && req.method === "GET") {
    const target = url.searchParams.get("url");
    svc.previewFetches.push(target);
    if (!target.startsWith("http://localhost:8090/")) {
      return problem(400, "url-not-allowed", "URL not allowed", `${new URL(target).origin} is not one of the allowed origins of site 'demo-insurer'`);
    }
    return send(200, { url: target, html: FETCHED_PAGE });
  }
  return problem(404, "not-found", "Not found", url.pathname);
}

const FETCHED_PAGE = '<!DOCTYPE html><h1>Fetched</h1><p class="secret" id="ref">HX-1</p><script>parent.document.title = "ran"</script>';

before(async () => {
  browser = await launchBrowser();
  server = await startServer({ handle: fakes });
});

beforeEach(() => {
  svc = freshService();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A signed-in admin page with demo-insurer loaded; `problems` collects errors and CSP violations. */
async function signedIn(context) {
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto(`${server.origin}/dist/admin/`);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in-as").getByText("Signed in as admin1").waitFor();
  await page.getByTestId("site-version").getByText(/^Version 1,/).waitFor();
  // The version shows before the history has loaded; the editor is busy until both have.
  await page.locator("#editor:not([aria-busy])").waitFor();
  return { page, problems };
}

const cspViolations = (problems) => problems.console.filter((m) => /Content Security Policy/i.test(m));
const siteRow = (page, n) => page.getByTestId("rule-row").nth(n);

test("signs in with PKCE and shows built-in rules as fixed, the site's rules as editable", async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await signedIn(context);
    const auth = svc.authorizations.at(-1);
    assert.equal(auth.client_id, "tandem-admin");
    assert.equal(auth.code_challenge_method, "S256");
    assert.equal(page.url(), `${server.origin}/dist/admin/`, "the code is gone from the address");
    // Its own storage keys: the console (same origin in a deployment) keeps its tokens apart.
    const keys = await page.evaluate(() => Object.keys(sessionStorage));
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith("tandem.admin:")), keys.join());

    const builtIn = page.getByTestId("builtin-rule");
    assert.equal(await builtIn.count(), BUILT_IN.length);
    assert.deepEqual(await builtIn.getByTestId("rule-selector").allTextContents(), BUILT_IN.map((r) => r.selector));
    assert.equal(await builtIn.locator("button, input, select").count(), 0, "built-in rules cannot be edited or removed");
    assert.equal(await page.getByTestId("rule-row").count(), 2);
    assert.equal(await siteRow(page, 0).getByTestId("rule-selector").inputValue(), ".secret");
    assert.equal(await siteRow(page, 0).getByTestId("rule-note").inputValue(), "internal reference numbers");
    assert.equal(await siteRow(page, 1).getByTestId("rule-kind").inputValue(), "BLOCK");
    assert.equal(await page.getByTestId("border-color").inputValue(), "#f5a623");
    assert.equal(await page.getByTestId("allowed-origins").inputValue(), "http://localhost:8090");
    assert.equal(await page.getByTestId("mode-group").inputValue(), "default");
    assert.ok(await page.getByTestId("mode-shared").isChecked());
    // every control has an accessible name
    assert.equal(await page.getByRole("textbox", { name: "Selector", exact: true }).count(), 2);
    await page.getByRole("button", { name: "Remove rule .secret" }).waitFor();
    await page.getByRole("combobox", { name: "Kind of rule #chat-history" }).waitFor();
    await page.getByRole("checkbox", { name: "default: shared control" }).waitFor();
    await page.getByLabel("Border colour").waitFor();
    await page.getByLabel("Try a selector").waitFor();
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(cspViolations(problems), []);
  } finally {
    await context.close();
  }
});

test("a rule added while the site is still loading is not wiped when the load lands", async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await signedIn(context);
    assert.equal(await page.getByTestId("rule-row").count(), 2);
    svc.siteDelayMs = 1500;
    // Choosing the site again reloads it (discarding unsaved edits); the admin clicks Add rule at once.
    await page.getByTestId("site-select").selectOption("demo-insurer");
    assert.equal(await page.locator("#editor").getAttribute("aria-busy"), "true", "the editor says it is loading");
    await page.getByTestId("add-rule").click();
    await page.locator("#editor:not([aria-busy])").waitFor();
    assert.equal(await page.getByTestId("rule-row").count(), 3, "the added row survived the load");
    assert.equal(await siteRow(page, 2).getByTestId("rule-selector").inputValue(), "");
    assert.ok(await siteRow(page, 2).getByTestId("rule-selector").evaluate((el) => el === document.activeElement));
    assert.deepEqual(problems.errors, []);
  } finally {
    svc.siteDelayMs = 0;
    await context.close();
  }
});

test("validation errors and warnings show next to the rule that caused them, as the admin types", async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await signedIn(context);
    await page.getByTestId("add-rule").click();
    const added = siteRow(page, 2);
    assert.ok(await added.getByTestId("rule-selector").evaluate((el) => el === document.activeElement), "the new rule's selector has focus");
    await page.keyboard.type("#123abc");
    await added.getByTestId("rule-message").getByText("an id cannot start with a digit").waitFor();
    assert.equal(await added.getByTestId("rule-selector").getAttribute("aria-invalid"), "true");
    assert.equal(await siteRow(page, 0).getByTestId("rule-message").textContent(), "", "no message on the other rules");
    await page.getByTestId("validity").getByText("1 error(s)").waitFor();
    // the message is announced with the field
    const describedBy = await added.getByTestId("rule-selector").getAttribute("aria-describedby");
    assert.equal(await added.getByTestId("rule-message").getAttribute("id"), describedBy);

    await added.getByTestId("rule-selector").fill("#\\31 23abc");
    await page.getByTestId("validity").getByText("No problems found.").waitFor();
    assert.equal(await added.getByTestId("rule-message").textContent(), "");
    assert.equal(await added.getByTestId("rule-selector").getAttribute("aria-invalid"), null);

    await siteRow(page, 1).getByTestId("rule-selector").fill("input[name=\\'secure\\']");
    await siteRow(page, 1).getByTestId("rule-message").getByTestId("warning").getByText("the quotes are part of the value").waitFor();
    await page.getByTestId("allowed-origins").fill("http://localhost:8090\nhttps://shop.example/");
    await page.getByTestId("origins-messages").getByText("Line 2: Error: `https://shop.example/` has a path").waitFor();
    assert.equal(svc.puts.length, 0, "checking saves nothing");
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(cspViolations(problems), []);
  } finally {
    await context.close();
  }
});

test("saves the edited document with If-Match and lists the new version", async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await signedIn(context);
    await siteRow(page, 0).getByTestId("rule-note").fill("reference numbers");
    await page.getByTestId("add-rule").click();
    await siteRow(page, 2).getByTestId("rule-kind").selectOption("NO_AGENT_CONTROL");
    await siteRow(page, 2).getByTestId("rule-selector").fill("button.delete-account");
    await siteRow(page, 1).getByTestId("rule-remove").click();
    await page.getByTestId("border-color").fill("#123456");
    await page.getByTestId("mode-view-only").uncheck();
    await page.getByTestId("add-group").click();
    await page.keyboard.type("seniors");
    await page.getByRole("checkbox", { name: "seniors: view only" }).check();
    assert.equal(await page.getByTestId("capture-canvas").isChecked(), false, "canvases are off until an admin turns them on");
    await page.getByLabel("Pictures of canvases", { exact: false }).check();
    await page.getByTestId("save").click();
    await page.getByTestId("save-status").getByText("Saved as version 2.").waitFor();

    const put = svc.puts.at(-1);
    assert.equal(put.ifMatch, '"v1"');
    assert.deepEqual(put.body, {
      enabled: true,
      document: {
        allowedOrigins: ["http://localhost:8090"],
        rules: [
          { kind: "MASK", selector: ".secret", note: "reference numbers" },
          { kind: "NO_AGENT_CONTROL", selector: "button.delete-account" },
        ],
        appearance: { borderColor: "#123456", highlightColor: "#ffd400", matchViewport: true },
        modes: { default: ["SHARED"], seniors: ["VIEW_ONLY"] },
        detectors: { cardNumbers: true, usSsn: true },
        capture: { canvas: true },
      },
    }, "built-in rules are not sent back");
    await page.getByTestId("site-version").getByText(/^Version 2,/).waitFor();
    await page.getByTestId("history-entry").first().getByText(/^Version 2 by admin1/).waitFor();
    assert.equal(await page.getByTestId("history-entry").count(), 2);
    assert.equal(await page.getByTestId("capture-canvas").isChecked(), true, "version 2 as the service answered it");
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(cspViolations(problems), []);
  } finally {
    await context.close();
  }
});

test("a save after someone else's says so and offers a reload; a refused save marks the rule", async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await signedIn(context);
    // Another admin saves version 2 meanwhile.
    svc.versions.push({ ...structuredClone(current()), version: 2, document: { ...structuredClone(FIRST), rules: [{ kind: "MASK", selector: ".theirs" }] } });
    await siteRow(page, 0).getByTestId("rule-selector").fill(".mine");
    await page.getByTestId("save").click();
    await page.getByTestId("save-status").getByText("Not saved: someone else saved this site meanwhile (it is now at version 2). Reload to see their version").waitFor();
    assert.equal(svc.puts.at(-1).ifMatch, '"v1"');
    assert.equal(svc.versions.length, 2, "nothing was overwritten");
    assert.ok(await page.getByTestId("reload").isVisible());
    assert.ok(await page.getByTestId("reload").evaluate((el) => el === document.activeElement), "the reload button has focus");
    await page.getByTestId("reload").click();
    await page.getByTestId("site-version").getByText(/^Version 2,/).waitFor();
    assert.equal(await siteRow(page, 0).getByTestId("rule-selector").inputValue(), ".theirs");
    assert.ok(await page.getByTestId("reload").isHidden());

    // A save the service refuses (400 problem+json with field errors) shows them at the rule.
    await siteRow(page, 0).getByTestId("rule-selector").fill("#9lives");
    await page.getByTestId("save").click();
    await page.getByTestId("save-status").getByText("Not saved: Invalid site configuration (400)").waitFor();
    await siteRow(page, 0).getByTestId("rule-message").getByText("an id cannot start with a digit").waitFor();
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(cspViolations(problems), []);
  } finally {
    await context.close();
  }
});

test("restores an earlier version with If-Match and shows it", async () => {
  const context = await browser.newContext();
  try {
    svc.versions.push({ version: 2, enabled: true, document: { ...structuredClone(FIRST), rules: [{ kind: "MASK", selector: ".newer" }] }, updatedBy: "admin2", restoredFrom: null, updatedAt: new Date().toISOString() });
    const page = await context.newPage();
    await page.goto(`${server.origin}/dist/admin/`);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("site-version").getByText(/^Version 2,/).waitFor();
    await page.locator("#editor:not([aria-busy])").waitFor();
    assert.equal(await page.getByTestId("history-entry").count(), 2);
    assert.equal(await page.getByTestId("history-entry").first().getByTestId("restore").count(), 0, "the current version has no restore");
    await page.getByRole("button", { name: "Restore version 1" }).click();
    await page.getByTestId("save-status").getByText("Version 1 restored as version 3.").waitFor();
    assert.deepEqual(svc.restores, [{ version: 1, ifMatch: '"v2"' }]);
    assert.equal(await siteRow(page, 0).getByTestId("rule-selector").inputValue(), ".secret");
    await page.getByTestId("history-entry").first().getByText("Version 3 by admin1").waitFor();
    await page.getByTestId("history-entry").first().getByText("(restored from version 1)").waitFor();
  } finally {
    await context.close();
  }
});

test("problem+json errors are shown readably", async () => {
  const context = await browser.newContext();
  try {
    svc.sitesProblem = [403, "no-tenant", "Forbidden", "the admin's token names no tenant"];
    const page = await context.newPage();
    await page.goto(`${server.origin}/dist/admin/`);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("admin-error").getByText("Forbidden (403): the admin's token names no tenant").waitFor();
    assert.equal(await page.getByRole("alert").count(), 1);
  } finally {
    await context.close();
  }
});

// Selectors of the e2e corpus that Chromium accepts, including escapes, :has(), :nth-child(of S) and states.
const CORPUS = [
  "input[type=password]",
  ".secret",
  "#\\31 23abc",
  "form input:not([type=hidden])",
  "label:has(> input.secret)",
  "input:nth-child(1 of [autocomplete])",
  "fieldset:nth-of-type(2n+1) legend",
  "[name^=card i]",
  "input:required",
  "button:not([type])",
  "main > p:last-of-type",
  ":is(#iban, #email)",
  "option:checked",
  "*",
  "[data-tandem-preview]",
];

/** Compares the page's marks for each key with a fresh querySelectorAll in the preview document. */
async function marksAgree(page, entries) {
  return page.frameLocator("[data-testid=preview-frame]").locator("html").evaluate((html, list) => {
    const doc = html.ownerDocument;
    const out = [];
    for (const { key, selector, attr } of list) {
      const marked = Array.from(doc.querySelectorAll("*")).filter((el) =>
        attr === "try" ? el.hasAttribute("data-tandem-try") : (el.getAttribute("data-tandem-rules") ?? "").split(" ").includes(key),
      );
      // Chromium's own answer, on the document without the page's marks.
      const saved = new Map();
      for (const el of doc.querySelectorAll("[data-tandem-preview],[data-tandem-rules],[data-tandem-try]")) {
        saved.set(el, ["data-tandem-preview", "data-tandem-rules", "data-tandem-try"].map((a) => [a, el.getAttribute(a)]));
        for (const [a] of saved.get(el)) el.removeAttribute(a);
      }
      const expected = Array.from(doc.querySelectorAll(selector));
      for (const [el, attrs] of saved) for (const [a, v] of attrs) if (v !== null) el.setAttribute(a, v);
      out.push({ selector, same: marked.length === expected.length && marked.every((el, i) => el === expected[i]), marked: marked.length, expected: expected.length });
    }
    return out;
  }, entries);
}

test("the preview marks exactly the elements querySelectorAll matches, for every rule and a tried selector", async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1600 } });
  try {
    const { page, problems } = await signedIn(context);
    const frame = page.frameLocator("[data-testid=preview-frame]");
    await frame.locator("#password[data-tandem-rules]").waitFor();
    assert.equal(await page.getByTestId("preview-frame").getAttribute("sandbox"), "allow-same-origin", "no scripts in the preview");
    // The built-in and site rules are marked as loaded.
    const rules = [...BUILT_IN.map((r, i) => ({ key: `b${i}`, selector: r.selector })), ...FIRST.rules.map((r, i) => ({ key: `r${i}`, selector: r.selector }))];
    for (const result of await marksAgree(page, rules)) assert.ok(result.same, JSON.stringify(result));
    assert.equal(await page.getByTestId("builtin-rule").first().getByTestId("rule-matches").textContent(), "1 element");
    assert.equal(await siteRow(page, 0).getByTestId("rule-matches").textContent(), "2 elements");
    assert.equal(await frame.locator("#password").getAttribute("data-tandem-preview"), "mask");
    assert.equal(await frame.locator("#chat-history").getAttribute("data-tandem-preview"), "block");

    for (const selector of CORPUS) {
      await page.getByTestId("try-selector").fill(selector);
      const [result] = await marksAgree(page, [{ selector, attr: "try" }]);
      assert.ok(result.same, JSON.stringify(result));
      assert.equal(await page.getByTestId("try-result").textContent(), `Matches ${result.expected === 1 ? "1 element" : `${result.expected} elements`}`, selector);
    }
    await page.getByTestId("try-selector").fill("*");
    const [everything] = await marksAgree(page, [{ selector: "*", attr: "try" }]);
    assert.ok(everything.same && everything.marked > 50, JSON.stringify(everything));
    await page.getByTestId("try-selector").fill("#123abc");
    await page.getByTestId("try-result").getByText("Matches not a selector this browser accepts").waitFor();

    // A rule typed into the editor is marked at once, under its own key.
    await siteRow(page, 1).getByTestId("rule-selector").fill("fieldset:nth-of-type(3) input:not(.secret)");
    const [edited] = await marksAgree(page, [{ key: "r1", selector: "fieldset:nth-of-type(3) input:not(.secret)" }]);
    assert.ok(edited.same && edited.marked === 4, JSON.stringify(edited));
    assert.equal(await siteRow(page, 1).getByTestId("rule-matches").textContent(), "4 elements");
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(cspViolations(problems), []);
  } finally {
    await context.close();
  }
});

test("pasted HTML is previewed without running its scripts", async () => {
  const context = await browser.newContext();
  try {
    const { page } = await signedIn(context);
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.getByTestId("preview-html").fill(
      `<p class="secret">A</p><div class="secret"><span class="secret">B</span></div>` +
        `<script>parent.document.title = "pwned"</script><img src="x" onerror="parent.document.title='pwned'">` +
        `<form action="https://evil.example/"><input class="secret" value="v" autofocus onfocus="parent.document.title='pwned'"></form>`,
    );
    await page.getByTestId("preview-load").click();
    const frame = page.frameLocator("[data-testid=preview-frame]");
    await frame.locator("span.secret[data-tandem-rules]").waitFor();
    assert.ok(await page.getByTestId("preview-pasted").isChecked());
    const [result] = await marksAgree(page, [{ key: "r0", selector: ".secret" }]);
    assert.ok(result.same && result.marked === 4, JSON.stringify(result));
    await page.getByTestId("try-selector").fill("div > .secret");
    assert.equal(await page.getByTestId("try-result").textContent(), "Matches 1 element");
    // Without a doctype the page is in quirks mode, as it would be on the site: class names match case-insensitively.
    assert.equal(await frame.locator("html").evaluate((html) => html.ownerDocument.compatMode), "BackCompat");
    await page.getByTestId("try-selector").fill(".SECRET");
    assert.equal(await page.getByTestId("try-result").textContent(), "Matches 4 elements");
    const [quirky] = await marksAgree(page, [{ selector: ".SECRET", attr: "try" }]);
    assert.ok(quirky.same, JSON.stringify(quirky));
    assert.notEqual(await page.title(), "pwned");
    assert.deepEqual(requests.filter((u) => u.includes("evil.example")), []);
    await page.getByTestId("preview-sample").check();
    await frame.locator("#password[data-tandem-rules]").waitFor();
    assert.equal(await frame.locator("span.secret").count(), 0, "nothing of the pasted page is left");
    assert.equal(await frame.locator("html").evaluate((html) => html.ownerDocument.compatMode), "CSS1Compat");
  } finally {
    await context.close();
  }
});

test("creates a site from the page, never over an existing one, and opens it", async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await signedIn(context);
    assert.equal(await page.getByTestId("new-site-form").isVisible(), false);
    await page.getByTestId("new-site").click();
    assert.equal(await page.getByTestId("new-site").getAttribute("aria-expanded"), "true");
    assert.ok(await page.getByTestId("new-site-id").evaluate((el) => el === document.activeElement), "the id field has focus");

    // Checked in the page first: nothing is sent for an id the service would refuse.
    await page.keyboard.type("New Shop");
    await page.getByTestId("new-site-create").click();
    await page.getByTestId("new-site-message").getByText('"New Shop" is not a site id').waitFor();
    assert.equal(await page.getByTestId("new-site-id").getAttribute("aria-invalid"), "true");
    assert.equal(svc.creates.length, 0);

    // An id taken (here by another organisation): the service says so, nothing is overwritten.
    await page.getByTestId("new-site-id").fill("taken-elsewhere");
    assert.equal(await page.getByTestId("new-site-id").getAttribute("aria-invalid"), null, "typing clears the message");
    await page.getByTestId("new-site-create").click();
    await page.getByTestId("new-site-message").getByText('A site "taken-elsewhere" exists already (perhaps in another organisation)').waitFor();
    assert.equal(svc.creates.at(-1).ifNoneMatch, "*", "a create never overwrites");
    assert.equal(svc.creates.at(-1).ifMatch, undefined);
    assert.equal(svc.created.size, 0);

    await page.getByTestId("new-site-id").fill("new-shop");
    await page.keyboard.press("Enter");
    await page.getByTestId("save-status").getByText("Created site new-shop (version 1)").waitFor();
    assert.equal(await page.getByTestId("new-site-form").isVisible(), false);
    const sent = svc.creates.at(-1);
    assert.equal(sent.ifNoneMatch, "*");
    assert.equal(sent.body.enabled, false, "a new site starts with co-browsing off");
    assert.deepEqual(sent.body.document.rules, []);
    assert.deepEqual(sent.body.document.allowedOrigins, []);
    assert.deepEqual(sent.body.document.modes, { default: ["VIEW_ONLY"] });
    assert.deepEqual(sent.body.document.capture, { canvas: false }, "no canvas pictures until an admin allows them");

    // The new site is listed, selected and open: built-in rules shown, none of its own, its history.
    assert.equal(await page.getByTestId("site-select").inputValue(), "new-shop");
    assert.deepEqual(await page.getByTestId("site-select").locator("option").allTextContents(), ["demo-insurer", "new-shop"]);
    await page.getByTestId("site-version").getByText(/^Version 1,/).waitFor();
    assert.equal(await page.getByTestId("rule-row").count(), 0);
    assert.equal(await page.getByTestId("builtin-rule").count(), BUILT_IN.length);
    assert.equal(await page.getByTestId("site-enabled").isChecked(), false);
    await page.getByTestId("history-entry").getByText("Version 1 by admin1").waitFor();
    assert.ok(await page.getByTestId("allowed-origins").evaluate((el) => el === document.activeElement), "the origins are next");
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(cspViolations(problems), []);
  } finally {
    await context.close();
  }
});

test("an organisation without sites is told so and can create its first", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = watchPage(page);
    svc.sitesProblem = null;
    // No demo-insurer in this organisation: the list is empty until a site is created.
    await page.route("**/api/admin/sites", async (route) => {
      const response = await route.fetch();
      const sites = (await response.json()).filter((s) => s.siteId !== "demo-insurer");
      await route.fulfill({ response, json: sites });
    });
    await page.goto(`${server.origin}/dist/admin/`);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("no-sites").waitFor();
    assert.equal(await page.locator("#editor").isVisible(), false);
    await page.getByTestId("new-site").click();
    await page.getByTestId("new-site-id").fill("first-site");
    await page.getByTestId("new-site-create").click();
    await page.getByTestId("site-version").getByText(/^Version 1,/).waitFor();
    assert.equal(await page.getByTestId("no-sites").isVisible(), false);
    assert.equal(await page.locator("#editor").isVisible(), true);
    assert.equal(await page.getByTestId("site-select").inputValue(), "first-site");
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});

test("a page of the site loaded by its address is previewed with the rules marked, its scripts not run", async () => {
  const context = await browser.newContext();
  try {
    const { page, problems } = await signedIn(context);
    const preview = page.frameLocator("[data-testid=preview-frame]");
    assert.equal(await page.getByTestId("preview-fetched").isDisabled(), true, "nothing loaded by address yet");

    await page.getByTestId("preview-url").fill("localhost:8090/apply.html");
    await page.getByTestId("preview-url-load").click();
    await page.getByTestId("preview-url-message").getByText("Enter the full address").waitFor();
    assert.equal(svc.previewFetches.length, 0);

    await page.getByTestId("preview-url").fill("https://elsewhere.example.com/");
    await page.getByTestId("preview-url").press("Enter");
    await page.getByTestId("preview-url-message").getByText("Not loaded: https://elsewhere.example.com is not one of the allowed origins").waitFor();
    assert.equal(await page.getByTestId("preview-url").getAttribute("aria-invalid"), "true");

    await page.getByTestId("preview-url").fill("http://localhost:8090/apply.html?step=2");
    await page.getByTestId("preview-url-load").click();
    await page.getByTestId("preview-url-message").getByText("Showing http://localhost:8090/apply.html?step=2").waitFor();
    assert.equal(svc.previewFetches.at(-1), "http://localhost:8090/apply.html?step=2");
    assert.equal(await page.getByTestId("preview-fetched").isChecked(), true);
    await preview.locator("h1").getByText("Fetched").waitFor();
    // the site's rule `.secret` marks the fetched page's element; the page's script never ran
    assert.equal(await preview.locator("#ref").getAttribute("data-tandem-preview"), "mask");
    assert.notEqual(await page.title(), "ran");
    await page.getByTestId("try-selector").fill("#ref");
    await page.getByTestId("try-result").getByText("Matches 1 element").waitFor();

    // back to the sample and to the fetched page again, without reading it twice
    await page.getByTestId("preview-sample").check();
    await preview.locator("#full-name").waitFor();
    await page.getByTestId("preview-fetched").check();
    await preview.locator("#ref").waitFor();
    assert.equal(svc.previewFetches.length, 2);
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});
