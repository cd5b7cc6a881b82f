// The real stack for the gateway harnesses: starting it (deploy/local's LocalStack, optionally with the second
// gateway replica), the chat platform's and agents' real Keycloak tokens, sessions made the way the product
// makes them (invite → visitor accept → session-service's join tokens), and the gateway process's own figures.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash, randomBytes } from "node:crypto";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = join(here, "..", "..", "..");
export const SITE = "demo-insurer";
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function endpoints(base) {
  const at = (offset, standard) => `http://localhost:${base === 0 ? standard : base + offset}`;
  return {
    invite: at(81, 8081),
    session: at(82, 8082),
    config: at(83, 8083),
    gateway: at(84, 8084),
    replica: at(184, 8184),
    demo: at(90, 8090),
    keycloak: at(180, 8180),
  };
}

/**
 * Starts the stack (unless TANDEM_STACK_RUNNING=1) under `flock /tmp/tandem-e2e.lock` where flock exists, so
 * that it never overlaps an e2e run on this shared machine. replicas = 2 also starts relay-gateway-2.
 */
export async function startStack(base, replicas) {
  const ep = endpoints(base);
  if (process.env.TANDEM_STACK_RUNNING === "1") {
    return { ep, stop: async () => {} };
  }
  const jar = join(REPO, "deploy", "local", "target", "tandem-local-launcher.jar");
  if (!existsSync(jar)) throw new Error(`${jar} is missing: build first (./mvnw -DskipTests install)`);
  const state = mkdtempSync(join(tmpdir(), "tandem-bench-gateway-"));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const command = [java, "-cp", jar, join(here, "BenchStack.java"), String(base), state, REPO, String(replicas)];
  const lock = process.env.TANDEM_BENCH_LOCK ?? "/tmp/tandem-e2e.lock";
  const useFlock = lock !== "none" && hasCommand("flock");
  const child = useFlock
    ? spawn("flock", [lock, ...command], { stdio: ["pipe", "pipe", "pipe"] })
    : spawn(command[0], command.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const deadline = Date.now() + 900_000; // includes waiting for the lock
  while (!output.includes("READY ")) {
    if (child.exitCode !== null) throw new Error(`the stack did not start:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the stack was not ready within 15 minutes:\n${output.slice(-3000)}`);
    }
    await sleep(500);
  }
  // The launcher seeds the demo site last; wait until invite-service knows it too (see awaitSiteKnown).
  return {
    ep,
    async stop() {
      child.stdin.end();
      const done = await Promise.race([exited.then(() => true), sleep(60_000).then(() => false)]);
      if (!done) {
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(30_000)]);
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}

function hasCommand(name) {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// ---- tokens ---------------------------------------------------------------------------------------

async function form(url, body, headers = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(body),
    redirect: "manual",
  });
  return response;
}

async function accessToken(response, what) {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${(await response.text()).slice(0, 300)}`);
  return (await response.json()).access_token;
}

export async function platformToken(ep) {
  return accessToken(await form(`${ep.keycloak}/realms/tandem/protocol/openid-connect/token`, {
    grant_type: "client_credentials", client_id: "demo-chat-platform", client_secret: "local-demo-secret",
  }), "chat platform token");
}

async function masterAdminToken(ep) {
  return accessToken(await form(`${ep.keycloak}/realms/master/protocol/openid-connect/token`, {
    grant_type: "password", client_id: "admin-cli", username: "admin", password: "admin",
  }), "Keycloak admin token");
}

/**
 * Agents of the benchmark's own: bench-agent-1…count (password = user name, realm role agent, tenant demo), made
 * through Keycloak's admin API as e2e's soak does; the realm ships only agent1 and agent2, and the product allows
 * one live session per agent. The throw-away realm's password hashing is first set to one iteration so that
 * thousands of users can be made and signed in on two cores (this stack's realm only; the rules the services
 * enforce are untouched).
 */
export async function makeAgents(ep, from, to, concurrency = 8) {
  // The master realm's admin tokens live 60 s: renew every 30 s.
  let admin = { token: await masterAdminToken(ep), at: Date.now() };
  const headers = async () => {
    if (Date.now() - admin.at > 30_000) admin = { token: await masterAdminToken(ep), at: Date.now() };
    return { Authorization: `Bearer ${admin.token}` };
  };
  const auth = await headers();
  const realm = await (await fetch(`${ep.keycloak}/admin/realms/tandem`, { headers: auth })).json();
  if (realm.passwordPolicy !== "hashIterations(1)") {
    const put = await fetch(`${ep.keycloak}/admin/realms/tandem`, {
      method: "PUT", headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ passwordPolicy: "hashIterations(1)" }),
    });
    if (put.status !== 204) throw new Error(`realm password policy: ${put.status} ${await put.text()}`);
  }
  const role = await (await fetch(`${ep.keycloak}/admin/realms/tandem/roles/agent`, { headers: auth })).json();
  const names = [];
  for (let i = from; i <= to; i += 1) names.push(`bench-agent-${i}`);
  await pool(names, concurrency, async (name) => {
    const auth = await headers();
    const created = await fetch(`${ep.keycloak}/admin/realms/tandem/users`, {
      method: "POST", headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({
        username: name, enabled: true, emailVerified: true, firstName: "Bench", lastName: name,
        email: `${name}@harbour.example`, attributes: { tenant: ["demo"] },
        credentials: [{ type: "password", value: name, temporary: false }],
      }),
    });
    if (created.status !== 201 && created.status !== 409) throw new Error(`creating ${name}: ${created.status} ${await created.text()}`);
    await created.arrayBuffer();
    const found = await (await fetch(`${ep.keycloak}/admin/realms/tandem/users?exact=true&username=${name}`, { headers: auth })).json();
    const mapped = await fetch(`${ep.keycloak}/admin/realms/tandem/users/${found[0].id}/role-mappings/realm`, {
      method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: JSON.stringify([role]),
    });
    if (mapped.status !== 204) throw new Error(`role for ${name}: ${mapped.status} ${await mapped.text()}`);
  });
  return names;
}

/**
 * An agent's access token through the console's own client (authorization code with PKCE, the login form
 * posted as a browser would), as e2e's Api#signIn does: tandem-console allows no password grant.
 */
export async function agentToken(ep, username, password = username) {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const redirect = `${ep.gateway}/console/`;
  const authorize = `${ep.keycloak}/realms/tandem/protocol/openid-connect/auth?client_id=tandem-console&response_type=code`
    + `&scope=openid&redirect_uri=${encodeURIComponent(redirect)}&code_challenge_method=S256&code_challenge=${challenge}&state=bench`;
  const page = await fetch(authorize, { redirect: "manual" });
  const html = await page.text();
  const action = /action="([^"]+)"/.exec(html);
  if (page.status !== 200 || !action) throw new Error(`no login form for ${username} (${page.status})`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const login = await form(action[1].replaceAll("&amp;", "&"), { username, password, credentialId: "" }, { Cookie: cookies });
  const location = login.headers.get("location") ?? "";
  const code = /[?&]code=([^&]+)/.exec(location);
  if (login.status !== 302 || !location.startsWith(redirect) || !code) {
    throw new Error(`signing in as ${username} did not redirect with a code (${login.status})`);
  }
  return accessToken(await form(`${ep.keycloak}/realms/tandem/protocol/openid-connect/token`, {
    grant_type: "authorization_code", client_id: "tandem-console", code: decodeURIComponent(code[1]),
    redirect_uri: redirect, code_verifier: verifier,
  }), `token for ${username}`);
}

// ---- sessions -------------------------------------------------------------------------------------

/** invite-service learns the demo site from tandem.site-config a moment after it is ready. */
export async function awaitSiteKnown(ep, token) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const response = await fetch(`${ep.invite}/api/invites`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ agentId: `bench-probe-${Date.now().toString(36)}`, chatId: "bench-probe", siteId: SITE, mode: "VIEW_ONLY" }),
    });
    const text = await response.text();
    if (response.status === 201) return;
    if (response.status !== 404 || Date.now() > deadline) throw new Error(`the invite API is not usable: ${response.status} ${text.slice(0, 200)}`);
    await sleep(500);
  }
}

/**
 * One session the way the product makes it: the chat platform invites the agent, the visitor accepts, the
 * visitor's tag gets its join token from session-service (404 session-not-ready until session-service has
 * consumed InviteAccepted), the agent gets its own join token with its OIDC token.
 */
export async function makeSession(ep, platform, agent, agentAccess, chatId) {
  const deadline = Date.now() + 120_000;
  let created;
  for (;;) {
    created = await fetch(`${ep.invite}/api/invites`, {
      method: "POST",
      headers: { Authorization: `Bearer ${platform}`, "Content-Type": "application/json" },
      body: JSON.stringify({ agentId: agent, chatId, siteId: SITE, mode: "VIEW_ONLY" }),
    });
    if (created.status === 201) break;
    const text = await created.text();
    // 409 agent-in-session: invite-service has not yet seen this agent's previous SessionEnded, or a session of an
    // earlier, interrupted run is still live: after a few seconds the agent ends its own live session (as e2e's soak
    // settles a failed round).
    if (created.status !== 409 || Date.now() > deadline) throw new Error(`invite for ${agent}: ${created.status} ${text.slice(0, 200)}`);
    if (Date.now() > deadline - 110_000) {
      const mine = await fetch(`${ep.session}/api/agents/me/session`, { headers: { Authorization: `Bearer ${agentAccess}` } });
      if (mine.status === 200) await endSession(ep, agentAccess, (await mine.json()).sessionId);
      else await mine.arrayBuffer();
    }
    await sleep(250);
  }
  const credential = (await created.json()).visitor.credential;
  const accepted = await fetch(`${ep.invite}/api/visitor/invite/accept`, { method: "POST", headers: { "Tandem-Invite-Credential": credential } });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${(await accepted.text()).slice(0, 200)}`);
  await accepted.arrayBuffer();
  let visitor;
  for (;;) {
    const answer = await fetch(`${ep.session}/api/visitor/session-token`, { method: "POST", headers: { "Tandem-Invite-Credential": credential } });
    if (answer.status === 200) {
      visitor = await answer.json();
      break;
    }
    const text = await answer.text();
    if (answer.status !== 404 || Date.now() > deadline) throw new Error(`session token: ${answer.status} ${text.slice(0, 200)}`);
    await sleep(150);
  }
  const agentJoin = await fetch(`${ep.session}/api/sessions/${visitor.sessionId}/join-token`, {
    method: "POST", headers: { Authorization: `Bearer ${agentAccess}` },
  });
  if (agentJoin.status !== 200) throw new Error(`agent join token: ${agentJoin.status} ${(await agentJoin.text()).slice(0, 200)}`);
  return { sessionId: visitor.sessionId, visitorToken: visitor.joinToken, agentToken: (await agentJoin.json()).joinToken };
}

/**
 * The demo chat platform invites `agent` into the visitor's chat (as the e2e tests do); retries while
 * invite-service has not yet seen the agent's previous SessionEnded (409).
 */
export async function demoInvite(ep, chatId, agent) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const invited = await fetch(`${ep.demo}/demo-chat/api/chats/${chatId}/invite`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ agentId: agent, mode: "VIEW_ONLY" }),
    });
    const text = await invited.text();
    if (invited.status === 201) return text;
    if (invited.status !== 409 || Date.now() > deadline) throw new Error(`demo chat invite for ${agent}: ${invited.status} ${text.slice(0, 200)}`);
    await sleep(300);
  }
}

export async function endSession(ep, agentAccess, sessionId) {
  const answer = await fetch(`${ep.session}/api/sessions/${sessionId}/end`, { method: "POST", headers: { Authorization: `Bearer ${agentAccess}` } });
  await answer.arrayBuffer();
  return answer.status;
}

export function visitorProtocols(joinToken) {
  return ["tandem.v1", `tandem.token.${joinToken}`];
}

export function agentProtocols(joinToken, access) {
  return ["tandem.v1", `tandem.token.${joinToken}`, `quarkus-http-upgrade#Authorization#${encodeURIComponent(`Bearer ${access}`)}`];
}

export function wsUrl(httpBase, path) {
  return httpBase.replace(/^http/, "ws") + path;
}

// ---- the gateway process --------------------------------------------------------------------------

/** The pid of the process listening on a port (ss -Htlnp). */
export function pidOnPort(port) {
  const out = execFileSync("ss", ["-Htlnp", `sport = :${port}`], { encoding: "utf8" });
  const m = /pid=(\d+)/.exec(out);
  if (!m) throw new Error(`nothing listens on ${port}`);
  return Number(m[1]);
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) and resident set of a process, from /proc. */
export function procSample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  return { at: performance.now(), cpu, rssKb };
}

/** Pins every thread of a process to the given CPUs (taskset -a), where taskset exists and the CPUs do. */
export function pin(pid, cpus) {
  if (!hasCommand("taskset")) return false;
  try {
    execFileSync("taskset", ["-a", "-cp", cpus, String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The gateway's Prometheus figures we use: connections, drops by reason, heap used. */
export async function gatewayMetrics(base) {
  const text = await (await fetch(`${base}/q/metrics`)).text();
  const value = (re) => {
    let sum = 0;
    for (const line of text.split("\n")) {
      if (line.startsWith("#")) continue;
      const m = re.exec(line);
      if (m) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
    return sum;
  };
  const drops = {};
  for (const line of text.split("\n")) {
    const m = /^tandem_gateway_drops_total\{.*reason="([^"]+)".*\}\s+(\S+)/.exec(line);
    if (m) drops[m[1]] = (drops[m[1]] ?? 0) + Number(m[2]);
  }
  return {
    connections: value(/^tandem_gateway_connections[{ ]/),
    sessions: value(/^tandem_gateway_sessions[{ ]/),
    heapUsed: value(/^jvm_memory_used_bytes\{.*area="heap"/),
    drops,
  };
}

export async function pool(items, concurrency, work) {
  let next = 0;
  const errors = [];
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  }));
  if (errors.length > 0) {
    const e = new Error(`${errors.length} of ${items.length} failed; first: ${errors[0].message}`);
    e.errors = errors;
    throw e;
  }
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summary(values) {
  const sorted = Float64Array.from(values).sort();
  const round = (v) => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    p999: round(percentile(sorted, 99.9)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}
