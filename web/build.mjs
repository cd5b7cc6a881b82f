// Builds the browser bundles into dist/: the visitor tag, the agent viewer, the console and the admin page.
import { build } from "esbuild";
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const watchless = { logLevel: "warning", bundle: true, legalComments: "none", charset: "utf8" };
// The tag runs on brands' pages, old browsers included; the viewer and console run for agents.
const TAG_TARGET = ["es2020", "chrome80", "firefox78", "safari15"];
const AGENT_TARGET = ["es2022", "chrome100", "firefox100", "safari15"];

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, "console"), { recursive: true });
await mkdir(join(dist, "admin"), { recursive: true });

await Promise.all([
  build({
    ...watchless,
    entryPoints: [join(root, "packages/visitor/src/index.ts")],
    outfile: join(dist, "tandem.js"),
    format: "iife",
    minify: true,
    sourcemap: true,
    target: TAG_TARGET,
  }),
  build({
    ...watchless,
    entryPoints: [join(root, "packages/agent/src/index.ts")],
    outfile: join(dist, "viewer.js"),
    format: "esm",
    minify: true,
    sourcemap: true,
    target: AGENT_TARGET,
  }),
  build({
    ...watchless,
    entryPoints: [join(root, "console/src/main.ts")],
    outfile: join(dist, "console/console.js"),
    format: "esm",
    minify: true,
    sourcemap: true,
    target: AGENT_TARGET,
  }),
  copyFile(join(root, "console/index.html"), join(dist, "console/index.html")),
  // The admin page, served at /admin/ by masking-config-service.
  build({
    ...watchless,
    entryPoints: [join(root, "packages/admin/src/main.ts")],
    outfile: join(dist, "admin/admin.js"),
    format: "esm",
    minify: true,
    sourcemap: true,
    target: AGENT_TARGET,
  }),
  copyFile(join(root, "packages/admin/index.html"), join(dist, "admin/index.html")),
  copyFile(join(root, "packages/admin/admin.css"), join(dist, "admin/admin.css")),
]);

const report = async (file) => {
  const bytes = await readFile(join(dist, file));
  return `${file}: ${(bytes.length / 1024).toFixed(1)} KiB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`;
};
console.log(await report("viewer.js"));
console.log(await report("console/console.js"));
console.log(await report("admin/admin.js"));
console.log(await report("tandem.js"));
