// The reference console: signs in with authorization code + PKCE, finds the agent's session,
// mounts the viewer with a join token, and shows the end of the session.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { FAKE_WEBSOCKET, launchBrowser, watchPage } from "./support/browser.mjs";
import { startServer } from "./support/server.mjs";
import { deliver } from "./support/viewer.mjs";

let browser;
let server;
const oidc = { codes: new Map(), tokens: new Set(), sessionState: "ACTIVE", joinTokens: 0, authorizations: [] };

const b64url = (value) => Buffer.from(value).toString("base64url");
const jwt = (claims) => `${b64url(JSON.stringify({ alg: "none" }))}.${b64url(JSON.stringify(claims))}.sig`;

async function fakes(req, res, url, body) {
  const reply = (status, value) => {
    res.writeHead(status, { "Content-Type": "application/json" });
    res.end(value === undefined ? "" : JSON.stringify(value));
    return true;
  };
  if (url.pathname === "/dist/console/config.json") {
    return reply(200, {
      keycloakUrl: `${server.origin}/kc`,
      realm: "tandem",
      clientId: "tandem-console",
      sessionsApi: server.origin,
      gatewayUrl: "ws://127.0.0.1:9",
    });
  }
  if (url.pathname === "/kc/realms/tandem/protocol/openid-connect/auth") {
    const params = Object.fromEntries(url.searchParams);
    oidc.authorizations.push(params);
    const code = randomBytes(8).toString("hex");
    oidc.codes.set(code, params);
    const back = new URL(params.redirect_uri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", params.state);
    res.writeHead(302, { Location: back.toString() });
    res.end();
    return true;
  }
  if (url.pathname === "/kc/realms/tandem/protocol/openid-connect/token" && req.method === "POST") {
    const form = Object.fromEntries(new URLSearchParams(body));
    const auth = oidc.codes.get(form.code);
    oidc.codes.delete(form.code);
    const challenge = createHash("sha256").update(form.code_verifier ?? "").digest("base64url");
    if (!auth || form.grant_type !== "authorization_code" || challenge !== auth.code_challenge || form.redirect_uri !== auth.redirect_uri) {
      return reply(400, { error: "invalid_grant", error_description: "bad code or verifier" });
    }
    const accessToken = jwt({ preferred_username: "agent1", exp: Math.floor(Date.now() / 1000) + 300 });
    oidc.tokens.add(accessToken);
    return reply(200, {
      access_token: accessToken,
      refresh_token: "refresh",
      expires_in: 300,
      id_token: jwt({ preferred_username: "agent1", nonce: auth.nonce }),
    });
  }
  if (url.pathname.startsWith("/api/agents/") || url.pathname.startsWith("/api/sessions/")) {
    const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (!oidc.tokens.has(bearer)) return reply(401, { type: "https://tandem.dev/problems/unauthorized", status: 401 });
    if (url.pathname === "/api/agents/me/session") {
      return reply(200, {
        sessionId: "ses-1",
        code: "123456789",
        state: oidc.sessionState,
        mode: "VIEW_ONLY",
        siteId: "test-site",
        chatId: "chat-1",
        createdAt: new Date().toISOString(),
      });
    }
    if (url.pathname === "/api/sessions/ses-1/join-token" && req.method === "POST") {
      oidc.joinTokens += 1;
      return reply(200, { sessionId: "ses-1", code: "123456789", mode: "VIEW_ONLY", siteId: "test-site", joinToken: "agent.jwt.token", expiresAt: "" });
    }
  }
  return false;
}

before(async () => {
  browser = await launchBrowser();
  server = await startServer({ handle: fakes });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("sign in with PKCE, watch the session, see it end", async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(FAKE_WEBSOCKET);
    const problems = watchPage(page);
    await page.goto(`${server.origin}/dist/console/index.html`);
    await page.getByTestId("sign-in").click();
    await page.getByTestId("signed-in-as").getByText("Signed in as agent1").waitFor();
    const auth = oidc.authorizations.at(-1);
    assert.equal(auth.code_challenge_method, "S256");
    assert.equal(auth.response_type, "code");
    assert.equal(auth.client_id, "tandem-console");
    assert.equal(page.url(), `${server.origin}/dist/console/index.html`, "the code is gone from the address");

    await page.getByTestId("session-code").getByText("123456789").waitFor();
    assert.equal(await page.getByTestId("session-mode").textContent(), "View only");
    await page.waitForFunction(() => window.__sockets.length === 1 && window.__sockets[0].readyState === 1);
    const protocols = await page.evaluate(() => window.__sockets[0].protocols);
    assert.deepEqual(protocols.slice(0, 2), ["tandem.v1", "tandem.token.agent.jwt.token"]);
    // the agent's OIDC access token rides along (Quarkus: a subprotocol becomes the Authorization header)
    assert.equal(protocols.length, 3);
    assert.ok(protocols[2].startsWith("quarkus-http-upgrade#Authorization#Bearer%20"), "access token subprotocol");
    assert.ok(oidc.tokens.has(protocols[2].slice("quarkus-http-upgrade#Authorization#Bearer%20".length)));
    // The session id rides in the query for the ingress's hashing; the tokens never do.
    assert.equal(await page.evaluate(() => window.__sockets[0].url), "ws://127.0.0.1:9/ws/agent?session=ses-1");
    await page.getByTestId("viewer-status").getByText("waiting").waitFor();

    await deliver(page, [
      {
        t: "snapshot",
        seq: 1,
        snapshotId: 1,
        url: `${server.origin}/page.html`,
        title: "Page",
        viewport: { w: 800, h: 600 },
        scroll: { x: 0, y: 0 },
        root: { id: 1, type: 9, children: [{ id: 2, type: 1, tag: "html", attrs: {}, children: [{ id: 3, type: 1, tag: "body", attrs: {}, children: [{ id: 4, type: 3, text: "Visitor page" }] }] }] },
      },
    ]);
    await page.getByTestId("viewer-status").getByText("live").waitFor();

    await page.getByTestId("end-session").click();
    const sent = await page.evaluate(() => window.__sockets[0].sent.map((f) => JSON.parse(f).t));
    assert.deepEqual(sent.filter((t) => t === "end"), ["end"]);
    await deliver(page, [{ t: "ended", reason: "agent-ended" }]);
    await page.getByTestId("session-ended").getByText("Session ended: agent-ended").waitFor();
    await page.getByTestId("waiting").waitFor();
    // The service still reports the ended session for a moment: it is not mounted again.
    await page.waitForTimeout(1500);
    assert.equal(oidc.joinTokens, 1);
    assert.equal(await page.locator("tandem-viewer").count(), 0);
    assert.deepEqual(problems.errors, []);
  } finally {
    await context.close();
  }
});
