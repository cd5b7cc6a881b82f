#!/usr/bin/env node
// The shaped link of issue 10, item 1, and its check: a network namespace joined to the host by a veth pair,
// `tc tbf` on both ends for the rate, and — because this kernel has no netem (CONFIG_NET_SCH_NETEM is not set,
// CONFIG_MODULES is not set, and no fq for BPF departure-time delay either) — a user-space relay on the host side
// that holds every chunk for half the RTT in each direction. Before anything is measured over it, the link is
// checked: a 1 MB upload from inside the namespace must arrive at the configured rate (±15 %), and a round trip
// through the relay must take the configured RTT (−1 ms / +25 %). Fails (exit 1) when it cannot be set up or the
// check fails; never on a time of the product.
//
//   node link.mjs            checks 1,500 and 750 kbit/s with 40 ms RTT; writes bench/results/shaped-link.json|png
//   node link.mjs --quick    checks 1,500 kbit/s only
//
// Needs root (ip netns, tc). The namespace is `tandem-bench`, the pair tbh0 (host, 10.231.0.1) – tbn0 (10.231.0.2).
// Without root a quick run prints NOT RUN and passes (TANDEM_BENCH_REQUIRE_SHAPED=1 makes it fail); a full run fails.
// As root, a missing `ip` or `tc` fails both. Exported helpers are for first-frame.mjs.
import { execFileSync, spawn } from "node:child_process";
import net from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { writeChart } from "../gateway/lib/png.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const NS = "tandem-bench";
const HOST_IF = "tbh0";
const NS_IF = "tbn0";
export const HOST_IP = "10.231.0.1";
const NS_IP = "10.231.0.2";

/**
 * Why the shaped link cannot run here: an empty list when it can. Root is reported apart from the tools:
 * a quick check run by someone who is not root skips the link (and says so), while a root run without
 * `ip` or `tc` fails (see `requireLink`).
 */
export function missingTools() {
  return ["ip", "tc"].filter((tool) => {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
      return false;
    } catch {
      return true;
    }
  }).map((tool) => `the \`${tool}\` command (iproute2)`);
}

/**
 * Decides whether a shaped-link measurement runs: "run", or "skip" (quick mode, not root, and
 * TANDEM_BENCH_REQUIRE_SHAPED is not 1: printed loudly, never silent); throws when it must run and cannot
 * (a full run without root, or any run without `ip`/`tc`).
 */
export function requireLink(quick, what) {
  const root = process.getuid?.() === 0;
  if (!root) {
    const message = `${what} needs root (ip netns, tc); run it as root`;
    if (quick && process.env.TANDEM_BENCH_REQUIRE_SHAPED !== "1") {
      console.error(`NOT RUN: ${message} (quick check as a non-root user; TANDEM_BENCH_REQUIRE_SHAPED=1 makes this an error)`);
      return "skip";
    }
    throw new Error(message);
  }
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`${what} needs ${missing.join(" and ")}, which this machine lacks`);
  return "run";
}

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
}

export function tearDown() {
  try { sh("ip", ["link", "del", HOST_IF]); } catch { /* not there */ }
  try { sh("ip", ["netns", "del", NS]); } catch { /* not there */ }
}

/** Namespace, veth pair and tbf at `kbit` kbit/s on both directions. */
export function setUp(kbit) {
  tearDown();
  sh("ip", ["netns", "add", NS]);
  sh("ip", ["link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF]);
  sh("ip", ["link", "set", NS_IF, "netns", NS]);
  sh("ip", ["addr", "add", `${HOST_IP}/30`, "dev", HOST_IF]);
  sh("ip", ["link", "set", HOST_IF, "up"]);
  sh("ip", ["netns", "exec", NS, "ip", "addr", "add", `${NS_IP}/30`, "dev", NS_IF]);
  sh("ip", ["netns", "exec", NS, "ip", "link", "set", NS_IF, "up"]);
  sh("ip", ["netns", "exec", NS, "ip", "link", "set", "lo", "up"]);
  // veth offloads would hand tbf 64 KB super-packets; turn them off where ethtool exists.
  const offloads = ["-K", "tso", "off", "gso", "off", "gro", "off"];
  try { sh("ethtool", [offloads[0], HOST_IF, ...offloads.slice(1)]); } catch { /* no ethtool */ }
  try { sh("ip", ["netns", "exec", NS, "ethtool", offloads[0], NS_IF, ...offloads.slice(1)]); } catch { /* no ethtool */ }
  shape(kbit);
}

export function shape(kbit) {
  // burst: at least rate/HZ and a few MTUs; latency bounds the queue (a shallow one, like a home router's).
  const burst = `${Math.max(4, Math.ceil(kbit / 8 / 100) + 3)}kb`;
  sh("tc", ["qdisc", "replace", "dev", HOST_IF, "root", "tbf", "rate", `${kbit}kbit`, "burst", burst, "latency", "200ms"]);
  sh("ip", ["netns", "exec", NS, "tc", "qdisc", "replace", "dev", NS_IF, "root", "tbf", "rate", `${kbit}kbit`, "burst", burst, "latency", "200ms"]);
}

/**
 * A TCP relay on HOST_IP:listenPort → 127.0.0.1:targetPort that delays every chunk by `oneWayMs` in each direction
 * (order kept), standing in for netem's delay. Returns the server.
 */
export function delayRelay(listenPort, targetPort, oneWayMs) {
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: "127.0.0.1", port: targetPort });
    const pipe = (from, to) => {
      from.on("data", (d) => setTimeout(() => { if (!to.destroyed) to.write(d); }, oneWayMs));
      from.on("end", () => setTimeout(() => to.end(), oneWayMs));
      from.on("error", () => to.destroy());
    };
    inbound.setNoDelay(true);
    outbound.setNoDelay(true);
    pipe(inbound, outbound);
    pipe(outbound, inbound);
  });
  return new Promise((resolve) => server.listen(listenPort, HOST_IP, () => resolve(server)));
}

/** Bytes tbf has sent so far: upstream (the namespace's side) and downstream (the host's side). */
export function tbfBytes() {
  const sent = (text) => Number(/Sent (\d+) bytes/.exec(text)?.[1] ?? 0);
  return {
    upstream: sent(sh("ip", ["netns", "exec", NS, "tc", "-s", "qdisc", "show", "dev", NS_IF])),
    downstream: sent(sh("tc", ["-s", "qdisc", "show", "dev", HOST_IF])),
  };
}

/** Runs a Node snippet inside the namespace and returns its stdout. */
function inNamespace(code) {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["netns", "exec", NS, process.execPath, "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`in namespace: ${err.slice(-500)}`))));
  });
}

/** 1 MB from the namespace to a sink on the host: bytes and seconds from the first to the last byte received. */
export async function uploadCheck(bytes) {
  let first = null;
  let last = null;
  let got = 0;
  const sink = net.createServer((s) => s.on("data", (d) => {
    const now = performance.now();
    if (first === null) first = now;
    last = now;
    got += d.length;
  }));
  await new Promise((r) => sink.listen(0, HOST_IP, r));
  const port = sink.address().port;
  await inNamespace(`import net from "node:net";
    const s = net.connect({host: "${HOST_IP}", port: ${port}}, () => s.end(Buffer.alloc(${bytes}, 7)));
    s.on("close", () => process.exit(0));`);
  const deadline = Date.now() + 60_000;
  while (got < bytes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  sink.close();
  return { bytes: got, seconds: (last - first) / 1000 };
}

/** Round trips through the delay relay to an echo server on the host, from the namespace: median ms. */
async function rttCheck(oneWayMs) {
  const echo = net.createServer((s) => s.pipe(s));
  await new Promise((r) => echo.listen(0, "127.0.0.1", r));
  const relay = await delayRelay(0, echo.address().port, oneWayMs);
  const out = await inNamespace(`import net from "node:net";
    const s = net.connect({host: "${HOST_IP}", port: ${relay.address().port}});
    s.setNoDelay(true);
    const times = []; let t0;
    s.on("data", () => { times.push(performance.now() - t0); if (times.length < 10) { t0 = performance.now(); s.write("x"); } else { s.end(); console.log(JSON.stringify(times)); } });
    s.on("connect", () => { t0 = performance.now(); s.write("x"); });`);
  relay.close();
  echo.close();
  const times = JSON.parse(out).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main() {
  const quick = process.argv.includes("--quick");
  try {
    if (requireLink(quick, "the shaped link") === "skip") return;
  } catch (e) {
    console.error(`INVALID RUN: ${e.message}`);
    process.exit(1);
  }
  const rates = quick ? [1500] : [1500, 750];
  const RTT = 40;
  const rows = [];
  const problems = [];
  try {
    for (const kbit of rates) {
      setUp(kbit);
      const up = await uploadCheck(1_000_000);
      const measuredKbit = (up.bytes * 8) / up.seconds / 1000;
      const rtt = await rttCheck(RTT / 2);
      const row = { configuredKbit: kbit, uploadBytes: up.bytes, uploadSeconds: Math.round(up.seconds * 1000) / 1000,
        measuredKbit: Math.round(measuredKbit), configuredRttMs: RTT, measuredRttMs: Math.round(rtt * 10) / 10 };
      rows.push(row);
      if (up.bytes !== 1_000_000) problems.push(`${kbit} kbit/s: ${up.bytes} of 1,000,000 bytes arrived`);
      if (Math.abs(measuredKbit - kbit) / kbit > 0.15) problems.push(`${kbit} kbit/s: the 1 MB upload ran at ${Math.round(measuredKbit)} kbit/s`);
      if (rtt < RTT - 1 || rtt > RTT * 1.25) problems.push(`RTT ${RTT} ms: measured ${rtt.toFixed(1)} ms`);
    }
  } catch (e) {
    problems.push(`cannot set up the shaped link: ${e.message.split("\n")[0]}${e.stderr ? ` (${String(e.stderr).trim()})` : ""}`);
  } finally {
    tearDown();
  }
  console.log("shaped link check (netns + veth + tbf; RTT through the user-space delay relay)");
  console.log("| configured kbit/s | 1 MB upload s | measured kbit/s | configured RTT ms | measured RTT ms |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) console.log(`| ${r.configuredKbit} | ${r.uploadSeconds} | ${r.measuredKbit} | ${r.configuredRttMs} | ${r.measuredRttMs} |`);
  if (!quick && rows.length > 0) {
    const out = join(here, "..", "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "shaped-link.json"), JSON.stringify({ date: new Date().toISOString(), rows, problems }, null, 2) + "\n");
    writeChart(join(out, "shaped-link.png"), [{ title: "kbit/s configured vs measured", xLabels: rows.map((r) => String(r.configuredKbit)),
      series: [{ name: "configured", values: rows.map((r) => r.configuredKbit) }, { name: "1 mb upload", values: rows.map((r) => r.measuredKbit) }] }]);
  }
  if (problems.length > 0) {
    console.error(`INVALID RUN:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    tearDown();
    console.error(e);
    process.exit(1);
  });
}
