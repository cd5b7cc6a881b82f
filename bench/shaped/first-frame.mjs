// Issue 10, item 1: time to first frame over a shaped link. The visitor's Chromium runs inside the network
// namespace of link.mjs, so everything it sends and fetches (the demo page, the tag, the site config, the invite
// accept, the join token, the WebSocket with the snapshot) crosses the veth pair shaped by tbf and the user-space
// delay relay (RTT 40 ms); the agent's console runs in a second Chromium on the host, unshaped. The page is the demo
// site's claims history (faults-large.html: 6,000 table rows, about 66,000 nodes).
//
// Measured with timestamps in the pages (performance.timeOrigin + now, one machine): from the visitor's click on
// Accept to the first animation frame in which the viewer's iframe holds the page's first element (#claims-top:
// the viewport is painted) and the last row (the full page). Before each rate, link.mjs's 1 MB upload check runs.
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setUp, tearDown, delayRelay, uploadCheck, tbfBytes, NS, HOST_IP } from "./link.mjs";
import { launch } from "../gateway/lib/browser.mjs";
import { chromium } from "../engine/node_modules/playwright-core/index.mjs";
import { sleep, demoInvite } from "../gateway/lib/tandem.mjs";

// The host-side delay relays listen on HOST_IP:(port + RELAY_OFFSET): a service listening on 0.0.0.0:port would
// otherwise hold the address.
const RELAY_OFFSET = 10_000;

/** Listeners on the namespace's loopback (IPv4 and IPv6) for each port, piping to HOST_IP:(port + RELAY_OFFSET). */
function namespaceForwarder(ports) {
  const code = `import net from "node:net";
    for (const port of ${JSON.stringify(ports)}) {
      for (const host of ["127.0.0.1", "::1"]) {
        net.createServer((c) => { const u = net.connect({ host: "${HOST_IP}", port: port + ${RELAY_OFFSET} }); c.setNoDelay(true); u.setNoDelay(true);
          c.pipe(u); u.pipe(c); c.on("error", () => u.destroy()); u.on("error", () => c.destroy()); })
          .on("error", () => {}).listen(port, host);
      }
    }
    console.log("forwarding");`;
  const child = spawn("ip", ["netns", "exec", NS, process.execPath, "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout.once("data", () => resolve(child));
    child.once("exit", (c) => reject(new Error(`namespace forwarder exited ${c}`)));
  });
}

/** A Chromium started inside the namespace (Playwright talks to it over a pipe, which crosses namespaces). */
async function launchInNamespace() {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-ns-"));
  const wrapper = join(dir, "chromium-in-namespace");
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${NS} ${process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return chromium.launch({
    executablePath: wrapper,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

/**
 * ep: the stack's endpoints; agent: a bench agent (password = name); rates in kbit/s. Returns one row per rate.
 */
export async function firstFrame(ep, agent, rates, rttMs = 40) {
  const ports = ["demo", "config", "invite", "session", "gateway"].map((k) => Number(new URL(ep[k]).port));
  const rows = [];
  const problems = [];
  const hostBrowser = await launch();
  try {
    for (const kbit of rates) {
      setUp(kbit);
      const relays = [];
      let forwarder = null;
      let visitorBrowser = null;
      try {
        const up = await uploadCheck(1_000_000);
        const measuredKbit = Math.round((up.bytes * 8) / up.seconds / 1000);
        if (Math.abs(measuredKbit - kbit) / kbit > 0.15) {
          problems.push(`${kbit} kbit/s: the 1 MB upload check ran at ${measuredKbit} kbit/s`);
          continue;
        }
        for (const p of ports) relays.push(await delayRelay(p + RELAY_OFFSET, p, rttMs / 2));
        forwarder = await namespaceForwarder(ports);

        const agentContext = await hostBrowser.newContext({ viewport: { width: 1600, height: 1000 } });
        const console_ = await agentContext.newPage();
        await console_.goto(`${ep.gateway}/console/`);
        await console_.getByTestId("sign-in").click();
        await console_.locator("#username").fill(agent);
        await console_.locator("#password").fill(agent);
        await console_.locator("#kc-login").click();
        await console_.getByTestId("signed-in-as").waitFor({ timeout: 30_000 });
        await console_.evaluate(() => {
          window.__ttff = {};
          const loop = () => {
            const doc = document.querySelector("tandem-viewer")?.shadowRoot?.querySelector("iframe")?.contentDocument;
            const now = performance.timeOrigin + performance.now();
            if (doc && !window.__ttff.viewport && doc.getElementById("claims-top")) window.__ttff.viewport = now;
            if (doc && !window.__ttff.full && doc.querySelector('tr[data-claim="6000"]') && doc.getElementById("claims-end")) window.__ttff.full = now;
            if (!window.__ttff.full) requestAnimationFrame(loop);
          };
          requestAnimationFrame(loop);
        });

        visitorBrowser = await launchInNamespace();
        const visitorContext = await visitorBrowser.newContext({ viewport: { width: 1280, height: 800 } });
        const visitor = await visitorContext.newPage();
        await visitor.goto(`${ep.demo}/faults-large.html`, { timeout: 60_000 });
        await visitor.getByTestId("chat-toggle").click();
        const chatId = (await visitor.getByTestId("chat-id").textContent()).trim();
        const invited = await demoInvite(ep, chatId, agent);
        const accept = visitor.getByTestId("tandem-accept");
        await accept.waitFor({ timeout: 60_000 });
        await visitor.evaluate(() => {
          window.addEventListener("click", () => { window.__acceptAt ??= performance.timeOrigin + performance.now(); }, true);
        });
        const before = tbfBytes();
        await accept.click();
        const deadline = Date.now() + 120_000;
        let t;
        for (;;) {
          t = await console_.evaluate(() => window.__ttff);
          if (t.full || Date.now() > deadline) break;
          await sleep(200);
        }
        const acceptAt = await visitor.evaluate(() => window.__acceptAt);
        const after = tbfBytes();
        const row = {
          configuredKbit: kbit, measuredUploadKbit: measuredKbit, rttMs,
          viewportMs: t.viewport ? Math.round(t.viewport - acceptAt) : null,
          fullPageMs: t.full ? Math.round(t.full - acceptAt) : null,
          upstreamBytes: after.upstream - before.upstream, downstreamBytes: after.downstream - before.downstream,
        };
        rows.push(row);
        if (row.fullPageMs === null) problems.push(`${kbit} kbit/s: the agent never showed the whole page within 120 s`);
        if (row.upstreamBytes < 50_000) problems.push(`${kbit} kbit/s: only ${row.upstreamBytes} bytes crossed the shaped link upstream`);
        try { await visitor.getByTestId("tandem-end").click({ timeout: 5000 }); } catch { /* gone */ }
        await visitorContext.close();
        await agentContext.close();
      } finally {
        await visitorBrowser?.close();
        forwarder?.kill();
        for (const r of relays) r.close();
        tearDown();
      }
    }
  } finally {
    await hostBrowser.close();
    tearDown();
  }
  return { rows, problems };
}
