// A tiny HTTP server for the browser tests: serves dist/ and the fixtures, and plays the Tandem
// REST services (invite, session, config) with state each test controls.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".png": "image/png",
};
// 1x1 transparent PNG.
const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

export const DEFAULT_CONFIG = {
  siteId: "test-site",
  version: 1,
  enabled: true,
  allowedOrigins: [],
  rules: [
    { kind: "MASK", selector: "input[type=password]", builtIn: true },
    { kind: "MASK", selector: ".secret" },
    { kind: "MASK", selector: "[[[not a selector" },
    { kind: "BLOCK", selector: "[data-tandem-block]", builtIn: true },
    { kind: "BLOCK", selector: ".private-widget" },
    { kind: "NO_AGENT_CONTROL", selector: "[type=submit]", builtIn: true },
  ],
  appearance: { borderColor: "#f5a623", highlightColor: "#ffd400", matchViewport: true },
  modes: { default: ["VIEW_ONLY", "SHARED"] },
  detectors: { cardNumbers: true, usSsn: true },
};

export function defaultState() {
  return {
    credential: "test-credential",
    inviteState: "PENDING",
    mode: "SHARED",
    message: "Hi, this is Sam from Harbour. Shall I show you where the form is?",
    /** How many session-token calls answer 404 before the token is ready. */
    notReadyCount: 2,
    config: structuredClone(DEFAULT_CONFIG),
    configStatus: 200,
  };
}

function problem(res, status, name) {
  res.writeHead(status, { "Content-Type": "application/problem+json" });
  res.end(JSON.stringify({ type: `https://tandem.dev/problems/${name}`, title: name, status }));
}

function json(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

/**
 * Options: `handle(req, res, url, body)` answers extra routes (return true when it did);
 * `staticRoot` serves a folder for every other path.
 */
export async function startServer({ handle, staticRoot } = {}) {
  const requests = [];
  const state = defaultState();
  const counters = { sessionToken: 0 };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ method: req.method, path: url.pathname, headers: req.headers });
    const credentialOk = req.headers["tandem-invite-credential"] === state.credential;
    const invite = () => ({
      id: "inv-1",
      state: state.inviteState,
      mode: state.mode,
      message: state.message,
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    try {
      if (handle) {
        const chunks = [];
        for await (const chunk of req) chunks.push(chunk);
        const body = Buffer.concat(chunks).toString("utf8");
        if (await handle(req, res, url, body)) return;
      }
      if (url.pathname === "/api/visitor/invite" && req.method === "GET") {
        return credentialOk ? json(res, 200, invite()) : problem(res, 404, "invite-not-found");
      }
      if (url.pathname === "/api/visitor/invite/accept" && req.method === "POST") {
        if (!credentialOk) return problem(res, 404, "invite-not-found");
        state.inviteState = "ACCEPTED";
        return json(res, 200, invite());
      }
      if (url.pathname === "/api/visitor/invite/decline" && req.method === "POST") {
        if (!credentialOk) return problem(res, 404, "invite-not-found");
        state.inviteState = "DECLINED";
        return json(res, 200, invite());
      }
      if (url.pathname === "/api/visitor/session-token" && req.method === "POST") {
        if (!credentialOk) return problem(res, 404, "invite-not-found");
        counters.sessionToken += 1;
        if (counters.sessionToken <= state.notReadyCount) return problem(res, 404, "session-not-ready");
        return json(res, 200, {
          sessionId: "ses-1",
          code: "123456789",
          mode: state.mode,
          siteId: "test-site",
          joinToken: "header.payload.signature",
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        });
      }
      const configMatch = /^\/api\/sites\/([^/]+)\/config$/.exec(url.pathname);
      if (configMatch && req.method === "GET") {
        if (state.configStatus !== 200) return problem(res, state.configStatus, "config-failed");
        return json(res, 200, state.config);
      }
      if (url.pathname === "/favicon.ico") {
        res.writeHead(204);
        return res.end();
      }
      if (url.pathname.endsWith(".png")) {
        res.writeHead(200, { "Content-Type": "image/png" });
        return res.end(PIXEL);
      }
      if (url.pathname.startsWith("/dist/") || url.pathname.startsWith("/fixtures/")) {
        const file = normalize(join(web, url.pathname.startsWith("/dist/") ? "" : "test", url.pathname));
        if (!file.startsWith(web)) return problem(res, 403, "forbidden");
        const body = await readFile(file);
        res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
        return res.end(body);
      }
      if (staticRoot) {
        const file = normalize(join(staticRoot, url.pathname === "/" ? "index.html" : url.pathname));
        if (!file.startsWith(staticRoot)) return problem(res, 403, "forbidden");
        const body = await readFile(file);
        res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
        return res.end(body);
      }
      return problem(res, 404, "not-found");
    } catch {
      return problem(res, 404, "not-found");
    }
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    /** The same server under another origin, for cross-origin checks. */
    otherOrigin: `http://localhost:${port}`,
    state,
    counters,
    requests,
    reset() {
      Object.assign(state, defaultState());
      counters.sessionToken = 0;
      requests.length = 0;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
