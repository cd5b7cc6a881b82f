#!/usr/bin/env node
// Gateway harnesses of issue 10 against the real local stack (Kafka, PostgreSQL, Keycloak, the packaged
// services, and relay-gateway-2 next to relay-gateway), with real join tokens from session-service and real agent
// OIDC tokens from Keycloak:
//
//   latency  (items 2 and 3, raw sockets) — S sessions at 20 messages/s each, both sides on one replica, then the
//            visitor on relay-gateway and the agent on relay-gateway-2 (frames cross through tandem.relay):
//            visitor change (`mutations`) → agent socket, visitor pointer → agent, agent pointer → visitor,
//            p50/p99/p99.9. This is the relay path; what the viewer adds to apply and paint is `browser.mjs`'s.
//   capacity (item 4) — N sessions (2N sockets) on one replica as N grows; relay latency, the gateway process's
//            CPU (from /proc/<pid>/stat) and resident memory per connection (/proc/<pid>/status, and heap from
//            /q/metrics) while it carries them.
//
//   node run.mjs                 full: latency at 500 sessions, capacity at 100, 500, 1000, 2000, 5000 sessions
//   node run.mjs --quick         10 sessions, 3 s per measurement: only checks that the harness works
//   node run.mjs --only=browser|first-frame|latency|capacity
//   SESSIONS=500 STEPS=100,500,1000 SECONDS=20 WARMUP=5 RATES=1500,750 BASE_PORT=28000 node run.mjs
//   TANDEM_STACK_RUNNING=1 BASE_PORT=N  use a stack that already runs (relay-gateway-2 at N+184 for the 2-replica case)
//
// The load generator is this Node process (a separate process from the gateway's JVM): once the stack is up it
// pins itself to CPU 1 and the gateway to CPU 0 with `taskset -a` (where there are two CPUs and taskset exists).
// Writes bench/results/gateway-latency.json|png and gateway-capacity.json|png (full mode only). Fails only when a
// run is invalid: messages sent that did not arrive and that the gateway's drop counters do not explain, a
// socket closed by the gateway, or a session that could not be made.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus } from "node:os";
import {
  REPO, startStack, platformToken, awaitSiteKnown, makeAgents, agentToken, makeSession, endSession,
  pidOnPort, procSample, pin, gatewayMetrics, pool, summary, sleep,
} from "./lib/tandem.mjs";
import { Load } from "./lib/load.mjs";
import { writeChart } from "./lib/png.mjs";
import { firstFrame } from "../shaped/first-frame.mjs";
import { requireLink } from "../shaped/link.mjs";
import { launch, openBrowserSession, measureBrowsers, closeBrowserSession } from "./lib/browser.mjs";

const quick = process.argv.includes("--quick");
const only = (process.argv.find((a) => a.startsWith("--only=")) ?? "").slice(7) || null;
const BASE_PORT = Number(process.env.BASE_PORT ?? 28000);
const SESSIONS = Number(process.env.SESSIONS ?? (quick ? 10 : 500));
const STEPS = (process.env.STEPS ?? (quick ? "10" : "100,500,1000,2000,5000")).split(",").map(Number);
const SECONDS = Number(process.env.SECONDS ?? (quick ? 3 : 20));
const WARMUP = Number(process.env.WARMUP ?? (quick ? 1 : 5));
// Link rates (kbit/s) for the time to first frame over the shaped link.
const RATES = (process.env.RATES ?? (quick ? "1500" : "1500,750")).split(",").map(Number);
const BROWSER_SESSIONS = Number(process.env.BROWSER_SESSIONS ?? (quick ? 1 : 2));
const BROWSER_CHANGES = Number(process.env.BROWSER_CHANGES ?? (quick ? 60 : 1200));
const BROWSER_MOVES = Number(process.env.BROWSER_MOVES ?? (quick ? 40 : 800));
// Agents bench-agent-(AGENT_OFFSET+1)…: a fresh range when a stack kept from an interrupted run still has some busy.
const AGENT_OFFSET = Number(process.env.AGENT_OFFSET ?? 0);
const SETUP_CONCURRENCY = Number(process.env.SETUP_CONCURRENCY ?? 12);
const OUT = join(REPO, "bench", "results");

const problems = [];
let agentsMade = 0;

async function ensureAgents(ep, count) {
  count += AGENT_OFFSET;
  if (count > agentsMade) {
    await makeAgents(ep, Math.max(agentsMade, AGENT_OFFSET) + 1, count);
    agentsMade = count;
  }
}

/** Makes `count` sessions for bench-agent-1…count and opens their sockets on the given gateways. */
async function openSessions(ctx, load, from, to, placement) {
  const indexes = [];
  for (let i = from; i <= to; i += 1) indexes.push(i);
  await pool(indexes, SETUP_CONCURRENCY, async (i) => {
    const agent = `bench-agent-${i + AGENT_OFFSET}`;
    const access = await agentToken(ctx.ep, agent);
    const session = await makeSession(ctx.ep, await ctx.platformToken(), agent, access, `bench-chat-${ctx.run}-${i}`);
    await load.open({ ...session, agent, agentAccess: access }, placement);
  });
}

/** Ends every session of a load (as their agents) and closes the sockets, so the agents are free again. */
async function closeSessions(ctx, load) {
  load.closeAll();
  await pool(load.sessions, SETUP_CONCURRENCY, async (s) => {
    const status = await endSession(ctx.ep, s.agentAccess, s.sessionId);
    if (status !== 204 && status !== 410) throw new Error(`ending ${s.sessionId}: ${status}`);
  }).catch((e) => problems.push(`ending sessions: ${e.message}`));
}

/** One measured window: warm-up, record, stop, drain; the drops the gateway counted explain what is missing. */
async function measure(ctx, load, gatewayBases) {
  const before = await Promise.all(gatewayBases.map(gatewayMetrics));
  // Counters per window: the previous window was drained.
  for (const k of Object.keys(load.sent)) {
    load.sent[k] = 0;
    load.received[k] = 0;
  }
  load.gateway.resync = 0;
  load.start();
  await sleep(WARMUP * 1000);
  const p0 = procSample(ctx.gatewayPid);
  load.beginRecording();
  await sleep(SECONDS * 1000);
  const p1 = procSample(ctx.gatewayPid);
  load.endRecording();
  load.stop();
  const missing = await load.drain(20_000);
  const after = await Promise.all(gatewayBases.map(gatewayMetrics));
  const drops = {};
  after.forEach((m, i) => {
    for (const [reason, n] of Object.entries(m.drops)) {
      const d = n - (before[i].drops[reason] ?? 0);
      if (d > 0) drops[reason] = (drops[reason] ?? 0) + d;
    }
  });
  const missingTotal = Object.values(missing).reduce((a, b) => a + b, 0);
  const explained = (drops["slow-reader"] ?? 0) + (drops["pointer-coalesced"] ?? 0) + (drops.rate ?? 0);
  const closes = load.unexpectedCloses.splice(0);
  const result = {
    sessions: load.sessions.length,
    seconds: SECONDS,
    sent: { ...load.sent },
    received: { ...load.received },
    missing,
    gatewayDrops: drops,
    resyncs: load.gateway.resync,
    unexpectedCloses: closes.length,
    generatorLateTicks: load.lateTicks,
    latencyMs: Object.fromEntries(Object.entries(load.lat).map(([k, v]) => [k, summary(v)])),
    gatewayCpuCores: Math.round(((p1.cpu - p0.cpu) / ((p1.at - p0.at) / 1000)) * 1000) / 1000,
    gatewayRssKb: p1.rssKb,
    gatewayHeapUsedBytes: after[0].heapUsed,
    gatewayConnections: after.reduce((a, m) => a + m.connections, 0),
  };
  load.lateTicks = 0;
  let verdict = "valid";
  if (closes.length > 0) verdict = `invalid: ${closes.length} sockets closed by the gateway (${closes[0]})`;
  else if (missingTotal > explained) verdict = `invalid: ${missingTotal} messages did not arrive, the gateway counted ${explained} drops`;
  else if (missingTotal > 0 || explained > 0) verdict = `saturated: the gateway dropped ${JSON.stringify(drops)}`;
  result.verdict = verdict;
  return result;
}

const fmt = (v) => (v === null || v === undefined ? "–" : Number(v).toFixed(v >= 100 ? 0 : 1));

async function latency(ctx) {
  const cases = [
    { name: "one replica", placement: { visitorBase: ctx.ep.gateway, agentBase: ctx.ep.gateway } },
    { name: "two replicas", placement: { visitorBase: ctx.ep.gateway, agentBase: ctx.ep.replica } },
  ];
  // Only the two-replica case: its agents are the second range; the first need not be made.
  if (process.env.LATENCY_CASES === "two") agentsMade = Math.max(agentsMade, AGENT_OFFSET + SESSIONS);
  await ensureAgents(ctx.ep, 2 * SESSIONS);
  const rows = [];
  for (const [k, c] of cases.entries()) {
    // LATENCY_CASES=two: only the two-replica case (to compare gateway builds without the reference case).
    if (process.env.LATENCY_CASES && !c.name.startsWith(process.env.LATENCY_CASES)) continue;
    const load = new Load();
    const placement = { ...c.placement, visitorOrigin: ctx.ep.demo, agentOrigin: ctx.ep.gateway };
    const t0 = Date.now();
    // Each case has agents of its own: no case waits for invite-service to learn the last one's SessionEnded.
    await openSessions(ctx, load, k * SESSIONS + 1, (k + 1) * SESSIONS, placement);
    console.log(`[latency] ${c.name}: ${SESSIONS} sessions open in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const r = await measure(ctx, load, c.name === "one replica" ? [ctx.ep.gateway] : [ctx.ep.gateway, ctx.ep.replica]);
    rows.push({ case: c.name, ...r });
    console.log(`[latency] ${c.name}: ${r.verdict}`);
    await closeSessions(ctx, load);
    if (r.verdict.startsWith("invalid")) problems.push(`latency, ${c.name}: ${r.verdict}`);
  }
  console.log(`\nrelay latency, ${SESSIONS} sessions at 20 messages/s each, ${SECONDS} s (ms)`);
  console.log("| case | path | count | p50 | p99 | p99.9 | max |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    for (const [k, label] of [["mutations", "visitor change → agent"], ["pointerToAgent", "visitor pointer → agent"],
      ["pointerToVisitor", "agent pointer → visitor"], ["chunk", "snapshot chunk 50–200 KB → agent"]]) {
      const s = r.latencyMs[k];
      console.log(`| ${r.case} | ${label} | ${s.count} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.p999)} | ${fmt(s.max)} |`);
    }
  }
  return rows;
}

async function browsers(ctx) {
  await ensureAgents(ctx.ep, BROWSER_SESSIONS);
  const browser = await launch();
  const rows = [];
  try {
    for (const [name, agentGateway] of [["one replica", ctx.ep.gateway], ["two replicas", ctx.ep.replica]]) {
      const sessions = [];
      for (let i = 1; i <= BROWSER_SESSIONS; i += 1) {
        sessions.push(await openBrowserSession(browser, ctx.ep, `bench-agent-${i + AGENT_OFFSET}`, agentGateway));
      }
      console.log(`[browser] ${name}: ${sessions.length} sessions in Chromium (tag on the demo site, the console's viewer)`);
      const r = await measureBrowsers(sessions, { changes: BROWSER_CHANGES, moves: BROWSER_MOVES, interval: 25 });
      for (const s of sessions) await closeBrowserSession(s);
      rows.push({ case: name, sessions: sessions.length, ...r });
      for (const p of r.problems) problems.push(`browser, ${name}: ${p}`);
    }
  } finally {
    await browser.close();
  }
  console.log(`\nin Chromium, ${BROWSER_SESSIONS} session(s): visitor change → agent applied / painted, visitor pointer → agent cursor painted (ms)`);
  console.log("| case | path | count | p50 | p99 | p99.9 | max |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    for (const [k, label] of [["changeApplied", "change → applied in the viewer's iframe"], ["changePainted", "change → next frame painted"], ["pointerPainted", "pointer → cursor painted"]]) {
      const s = r.latencyMs[k];
      console.log(`| ${r.case} | ${label} | ${s.count} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${fmt(s.p999)} | ${fmt(s.max)} |`);
    }
  }
  console.log(`changes coalesced by the tag (two changes in one frame are sent once): ${rows.map((r) => `${r.case} ${r.changesCoalescedByTheTag} of ${r.changesSent}`).join(", ")}`);
  return rows;
}

async function capacity(ctx) {
  const load = new Load();
  const placement = { visitorBase: ctx.ep.gateway, agentBase: ctx.ep.gateway, visitorOrigin: ctx.ep.demo, agentOrigin: ctx.ep.gateway };
  await sleep(2000);
  const base = procSample(ctx.gatewayPid);
  const baseMetrics = await gatewayMetrics(ctx.ep.gateway);
  const rows = [];
  let stoppedBecause = null;
  for (const n of STEPS) {
    const have = load.sessions.length;
    try {
      // Agents after the latency part's two ranges.
      await ensureAgents(ctx.ep, 2 * SESSIONS + n);
      const t0 = Date.now();
      await openSessions(ctx, load, 2 * SESSIONS + have + 1, 2 * SESSIONS + n, placement);
      console.log(`[capacity] ${n} sessions open (${((Date.now() - t0) / 1000).toFixed(1)} s to add ${n - have})`);
    } catch (e) {
      stoppedBecause = `could not open ${n} sessions: ${e.message}`;
      console.log(`[capacity] ${stoppedBecause}`);
      break;
    }
    await sleep(1000);
    const idle = procSample(ctx.gatewayPid);
    const r = await measure(ctx, load, [ctx.ep.gateway]);
    r.idleRssKb = idle.rssKb;
    r.rssKbPerConnection = Math.round(((idle.rssKb - base.rssKb) / (2 * n)) * 10) / 10;
    r.heapKbPerConnection = Math.round(((r.gatewayHeapUsedBytes - baseMetrics.heapUsed) / 1024 / (2 * n)) * 10) / 10;
    rows.push(r);
    console.log(`[capacity] ${n}: ${r.verdict}; mutations p50 ${fmt(r.latencyMs.mutations.p50)} p99 ${fmt(r.latencyMs.mutations.p99)} ms; gateway ${r.gatewayCpuCores} cores, RSS ${r.gatewayRssKb} KB`);
    if (r.verdict.startsWith("invalid")) {
      problems.push(`capacity at ${n}: ${r.verdict}`);
      break;
    }
    if (r.verdict.startsWith("saturated")) {
      stoppedBecause = `saturated at ${n} sessions`;
      break;
    }
  }
  await closeSessions(ctx, load);
  if (rows.length === 0) problems.push(`capacity: no step ran (${stoppedBecause})`);
  console.log(`\ngateway capacity: 20 messages/s per session, ${SECONDS} s per step; baseline RSS ${base.rssKb} KB`);
  console.log("| sessions | sockets | msgs/s in | mutations p50 ms | p99 ms | p99.9 ms | pointer p99 ms | chunk p99 ms | gateway CPU (cores) | RSS MB | RSS KB/conn | heap KB/conn | verdict |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of rows) {
    const msgs = (r.sent.mutations + r.sent.pointerToAgent + r.sent.pointerToVisitor) / (SECONDS + WARMUP);
    console.log(`| ${r.sessions} | ${2 * r.sessions} | ${Math.round(msgs)} | ${fmt(r.latencyMs.mutations.p50)} | ${fmt(r.latencyMs.mutations.p99)} | ${fmt(r.latencyMs.mutations.p999)} | ${fmt(r.latencyMs.pointerToAgent.p99)} | ${fmt(r.latencyMs.chunk.p99)} | ${r.gatewayCpuCores} | ${fmt(r.gatewayRssKb / 1024)} | ${r.rssKbPerConnection} | ${r.heapKbPerConnection} | ${r.verdict} |`);
  }
  if (stoppedBecause) console.log(`stopped: ${stoppedBecause}`);
  return { baselineRssKb: base.rssKb, baselineHeapUsedBytes: baseMetrics.heapUsed, steps: rows, stoppedBecause };
}

async function main() {
  const stack = await startStack(BASE_PORT, 2);
  const ctx = { ep: stack.ep, run: Date.now().toString(36) };
  const out = { date: new Date().toISOString(), quick, cpus: cpus().length, loadAverage: null };
  try {
    // The client-credentials token is renewed every minute (setting up thousands of sessions takes longer than it lives).
    let platform = { token: await platformToken(ctx.ep), at: Date.now() };
    ctx.platformToken = async () => {
      if (Date.now() - platform.at > 60_000) platform = { token: await platformToken(ctx.ep), at: Date.now() };
      return platform.token;
    };
    await awaitSiteKnown(ctx.ep, await ctx.platformToken());
    ctx.gatewayPid = pidOnPort(new URL(ctx.ep.gateway).port);
    if (cpus().length >= 2) {
      out.pinned = pin(ctx.gatewayPid, "0") && pin(process.pid, "1");
    }
    out.loadAverage = (await import("node:os")).loadavg();
    console.log(`gateway pid ${ctx.gatewayPid}${out.pinned ? " pinned to CPU 0, generator to CPU 1" : " (not pinned)"}; load average ${out.loadAverage.map((v) => v.toFixed(1)).join(" ")}`);
    if (!only || only === "browser") out.browser = await browsers(ctx).catch((e) => { problems.push(`browser: ${e.message}`); return undefined; });
    if (!only || only === "first-frame") {
      let decision;
      try {
        decision = requireLink(quick, "time to first frame over the shaped link");
      } catch (e) {
        problems.push(e.message);
        decision = "failed";
      }
      if (decision === "run") {
        await ensureAgents(ctx.ep, 1);
        const ff = await firstFrame(ctx.ep, `bench-agent-${AGENT_OFFSET + 1}`, RATES);
        out.firstFrame = ff.rows;
        for (const p of ff.problems) problems.push(`first frame: ${p}`);
        console.log("\ntime to first frame over the shaped link (visitor's Chromium in the namespace; the claims page, ~66,000 nodes)");
        console.log("| kbit/s | 1 MB upload check kbit/s | RTT ms | accept → viewport painted ms | accept → full page ms | upstream KB over the link |");
        console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
        for (const r of ff.rows) console.log(`| ${r.configuredKbit} | ${r.measuredUploadKbit} | ${r.rttMs} | ${r.viewportMs ?? "–"} | ${r.fullPageMs ?? "–"} | ${Math.round(r.upstreamBytes / 1024)} |`);
      }
    }
    // A part that throws is reported; the others still run and write their figures.
    const part = async (name, fn) => {
      try {
        return await fn(ctx);
      } catch (e) {
        problems.push(`${name}: ${e.message}`);
        return undefined;
      }
    };
    if (!only || only === "latency") out.latency = await part("latency", latency);
    if (!only || only === "capacity") out.capacity = await part("capacity", capacity);
  } finally {
    await stack.stop();
  }
  if (!quick) {
    mkdirSync(OUT, { recursive: true });
    if (out.firstFrame?.length) {
      writeFileSync(join(OUT, "first-frame.json"), JSON.stringify({ date: out.date, loadAverage: out.loadAverage, rows: out.firstFrame }, null, 2) + "\n");
      writeChart(join(OUT, "first-frame.png"), [{ title: "accept to agent ms", xLabels: out.firstFrame.map((r) => `${r.configuredKbit}k`),
        series: [{ name: "viewport", values: out.firstFrame.map((r) => r.viewportMs) }, { name: "full page", values: out.firstFrame.map((r) => r.fullPageMs) }] }]);
    }
    if (out.browser) {
      writeFileSync(join(OUT, "browser-latency.json"), JSON.stringify({ ...out, firstFrame: undefined, latency: undefined, capacity: undefined, sessions: BROWSER_SESSIONS }, null, 2) + "\n");
      const kinds = [["changeApplied", "applied"], ["changePainted", "painted"], ["pointerPainted", "pointer"]];
      writeChart(join(OUT, "browser-latency.png"), ["p50", "p99", "p99.9"].map((p) => ({
        title: `${p} ms in chromium`,
        xLabels: kinds.map((k) => k[1]),
        series: out.browser.map((r) => ({ name: r.case, values: kinds.map(([k]) => r.latencyMs[k][p === "p99.9" ? "p999" : p]) })),
      })));
    }
    if (out.latency) {
      writeFileSync(join(OUT, "gateway-latency.json"), JSON.stringify({ ...out, firstFrame: undefined, browser: undefined, capacity: undefined, sessions: SESSIONS, seconds: SECONDS }, null, 2) + "\n");
      const kinds = [["mutations", "change"], ["pointerToAgent", "ptr v-a"], ["pointerToVisitor", "ptr a-v"]];
      writeChart(join(OUT, "gateway-latency.png"), ["p50", "p99", "p99.9"].map((p) => ({
        title: `${p} ms, ${SESSIONS} sessions`,
        xLabels: kinds.map((k) => k[1]),
        series: out.latency.map((r) => ({ name: r.case, values: kinds.map(([k]) => r.latencyMs[k][p === "p99.9" ? "p999" : p]) })),
      })));
    }
    if (out.capacity?.steps.length) {
      const steps = out.capacity.steps;
      writeFileSync(join(OUT, "gateway-capacity.json"), JSON.stringify({ ...out, firstFrame: undefined, browser: undefined, latency: undefined, seconds: SECONDS }, null, 2) + "\n");
      const x = steps.map((r) => String(r.sessions));
      writeChart(join(OUT, "gateway-capacity.png"), [
        { title: "relay ms by sessions", xLabels: x, series: [
          { name: "p50", values: steps.map((r) => r.latencyMs.mutations.p50) },
          { name: "p99", values: steps.map((r) => r.latencyMs.mutations.p99) }] },
        { title: "gateway cpu cores", xLabels: x, series: [{ name: "cores", values: steps.map((r) => r.gatewayCpuCores) }] },
        { title: "kb per connection", xLabels: x, series: [
          { name: "rss", values: steps.map((r) => r.rssKbPerConnection) },
          { name: "heap", values: steps.map((r) => r.heapKbPerConnection) }] },
      ]);
    }
  }
  if (problems.length > 0) {
    console.error(`INVALID RUN:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
