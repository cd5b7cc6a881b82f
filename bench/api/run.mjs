#!/usr/bin/env node
// Invite API latency under load (issue 10, item 7): the chat platform creates invites and visitors
// accept them at a fixed rate, open loop, against the real local stack (real Keycloak token, real
// PostgreSQL, real Kafka, the packaged services). Latency is measured from the moment a request was
// due, not from when it was sent, so a stalled server cannot hide its queue (no coordinated omission).
//
//   node run.mjs              100 invites/s for 30 s, each followed by its accept: 200 requests/s, as issue 10
//                             asks; writes bench/results/api.json
//   node run.mjs --quick      20 invites/s for 3 s: only checks that the harness works
//   RATE=… SECONDS=… node run.mjs
//
// Starts its own stack (deploy/local's launcher, base port 24000, state in a temporary directory) unless
// TANDEM_STACK_RUNNING=1 says one already runs at BASE_PORT (0 for the standard ports of ./tandem run). Fails only when the run was not valid:
// a request failed, or fewer requests were sent than the rate and duration promise.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const REPO = join(here, "..", "..");
const quick = process.argv.includes("--quick");
const RATE = Number(process.env.RATE ?? (quick ? 20 : 100));
const SECONDS = Number(process.env.SECONDS ?? (quick ? 3 : 30));
const BASE_PORT = Number(process.env.BASE_PORT ?? 24000);
const SITE = "demo-insurer";

const ports = BASE_PORT === 0
  ? { invite: 8081, config: 8083, keycloak: 8180 }
  : { invite: BASE_PORT + 81, config: BASE_PORT + 83, keycloak: BASE_PORT + 180 };
const INVITES = `http://127.0.0.1:${ports.invite}`;
const KEYCLOAK = `http://127.0.0.1:${ports.keycloak}`;

async function startStack() {
  const jar = join(REPO, "deploy", "local", "target", "tandem-local-launcher.jar");
  if (!existsSync(jar)) throw new Error(`${jar} is missing: build first (./mvnw -DskipTests install)`);
  const state = mkdtempSync(join(tmpdir(), "tandem-bench-api-"));
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin", "java") : "java";
  const child = spawn(java, ["-jar", jar, "--fresh", `--base-port=${BASE_PORT}`, `--state-dir=${state}`, `--repo=${REPO}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the stack did not start:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the stack was not ready within 5 minutes:\n${output.slice(-3000)}`);
    }
    // The launcher seeds the demo site last: when its config is readable, everything is up.
    const ready = await fetch(`http://127.0.0.1:${ports.config}/api/sites/${SITE}/config`).then((r) => r.ok, () => false)
      && await fetch(`${INVITES}/q/health/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    await sleep(1000);
  }
  return {
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(30_000)]);
      rmSync(state, { recursive: true, force: true });
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function platformToken() {
  const response = await fetch(`${KEYCLOAK}/realms/tandem/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: "demo-chat-platform", client_secret: "local-demo-secret" }),
  });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return (await response.json()).access_token;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? null };
}

/**
 * invite-service learns the demo site from tandem.site-config a moment after it is ready: wait until an
 * invite for a probe agent is taken (that invite simply expires).
 */
async function awaitSiteKnown(token) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await fetch(`${INVITES}/api/invites`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ agentId: `bench-probe-${Date.now().toString(36)}`, chatId: "bench-probe", siteId: SITE, mode: "VIEW_ONLY" }),
    });
    if (response.status === 201) return;
    const text = await response.text();
    if (response.status !== 404 || Date.now() > deadline) throw new Error(`the invite API is not usable: ${response.status} ${text.slice(0, 200)}`);
    await sleep(500);
  }
}

async function load(token, rate, seconds) {
  const run = Date.now().toString(36);
  const create = [];
  const accept = [];
  const failures = [];
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const inFlight = [];
  for (let i = 0; i < total; i += 1) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push((async () => {
      try {
        const created = await fetch(`${INVITES}/api/invites`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": `${run}-${i}` },
          body: JSON.stringify({ agentId: `bench-${run}-${i}`, chatId: `chat-${run}-${i}`, siteId: SITE, mode: "VIEW_ONLY" }),
        });
        const createdAt = performance.now();
        if (created.status !== 201) {
          failures.push(`create ${created.status}: ${(await created.text()).slice(0, 200)}`);
          return;
        }
        create.push(createdAt - due);
        const credential = (await created.json()).visitor.credential;
        const acceptDue = performance.now();
        const accepted = await fetch(`${INVITES}/api/visitor/invite/accept`, {
          method: "POST",
          headers: { "Tandem-Invite-Credential": credential },
        });
        if (accepted.status !== 200) {
          failures.push(`accept ${accepted.status}: ${(await accepted.text()).slice(0, 200)}`);
          return;
        }
        await accepted.arrayBuffer();
        accept.push(performance.now() - acceptDue);
      } catch (error) {
        failures.push(String(error));
      }
    })());
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  return { total, elapsed, create: summary(create), accept: summary(accept), failures };
}

async function main() {
  const external = process.env.TANDEM_STACK_RUNNING === "1";
  const stack = external ? null : await startStack();
  let result;
  try {
    const token = await platformToken();
    await awaitSiteKnown(token);
    // A short warm-up at a tenth of the rate, so JIT and connection pools are not what we measure.
    const warmUp = await load(token, Math.max(5, RATE / 10), 2);
    if (warmUp.failures.length > 0) throw new Error(`warm-up failed: ${warmUp.failures.slice(0, 3).join("; ")}`);
    result = await load(token, RATE, SECONDS);
  } finally {
    await stack?.stop();
  }
  const fmt = (v) => (v === null ? "–" : v.toFixed(1));
  console.log(`invite API, ${RATE} invites/s for ${SECONDS} s (each followed by its accept), ${result.total} sent in ${result.elapsed.toFixed(1)} s`);
  console.log("| operation | count | p50 ms | p90 ms | p99 ms | max ms |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, s] of [["POST /api/invites", result.create], ["POST /api/visitor/invite/accept", result.accept]]) {
    console.log(`| ${name} | ${s.count} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${fmt(s.p99)} | ${fmt(s.max)} |`);
  }
  if (!quick) {
    const out = join(REPO, "bench", "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "api.json"), JSON.stringify({ date: new Date().toISOString(), rate: RATE, seconds: SECONDS, ...result }, null, 2) + "\n");
  }
  const problems = [...result.failures.slice(0, 5)];
  if (result.create.count !== result.total) problems.push(`${result.total - result.create.count} of ${result.total} creates did not succeed`);
  if (result.accept.count !== result.create.count) problems.push(`${result.create.count - result.accept.count} accepts did not succeed`);
  if (problems.length > 0) {
    console.error(`INVALID RUN:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
