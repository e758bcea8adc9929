/**
 * `npm run bench`: runs every scenario in bench/scenarios in its own process, writes
 * bench/results/<scenario>.json and bench/RESULTS.md (with the command that made them).
 * Results are ratios against a ceiling measured in the same run: these machines are shared.
 *   npm run bench                 every scenario
 *   npm run bench -- engine-map-filter ten-million   some of them
 */
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ScenarioResult } from "./scenario";

const here = path.dirname(fileURLToPath(import.meta.url));
const scenarioDir = path.join(here, "scenarios");
const resultsDir = path.join(here, "results");
const tsx = path.join(here, "../node_modules/tsx/dist/cli.mjs");

const wanted = process.argv.slice(2);
const all = readdirSync(scenarioDir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();
const chosen = wanted.length ? all.filter((s) => wanted.includes(s)) : all;
const commit = safe(() => execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: here, encoding: "utf8" }).trim(), "unknown");

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function runScenario(name: string): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", tsx, path.join(scenarioDir, `${name}.ts`)], {
      cwd: here,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => {
      const line = out.trim().split("\n").reverse().find((l) => l.startsWith("{\"scenario\""));
      if (code !== 0 || !line) return reject(new Error(`scenario ${name} failed (exit ${code}):\n${out}`));
      resolve(JSON.parse(line) as ScenarioResult);
    });
  });
}

for (const name of chosen) {
  console.error(`[bench] ${name}…`);
  try {
    const result = await runScenario(name);
    writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify({ ...result, commit, at: new Date().toISOString() }, null, 2)}\n`);
    console.error(`[bench] ${name}: ${Math.round(result.recordsPerSecond).toLocaleString("en")} records/s, ${result.peakRssMb} MB peak, ${result.met ? "goal met" : "GOAL MISSED"}`);
  } catch (error) {
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

// RESULTS.md shows every scenario's latest result, whichever command produced it.
const results = readdirSync(resultsDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(path.join(resultsDir, f), "utf8")) as ScenarioResult & { commit: string; at: string })
  .sort((a, b) => a.scenario.localeCompare(b.scenario));
const fmt = (n: number | undefined, digits = 0) => (n === undefined ? "—" : n.toLocaleString("en", { maximumFractionDigits: digits }));
const rows = results.map(
  (r) =>
    `| ${r.scenario} | ${fmt(r.records)} | ${fmt(r.recordsPerSecond)} | ${fmt(r.peakRssMb, 1)} MB | ${r.ceiling ? `${fmt(r.ceiling.recordsPerSecond)} (${fmt(r.ratio, 2)}×)` : "—"} | ${r.peer ? `${r.peer.name}: ${fmt(r.peer.recordsPerSecond)} rec/s, ${fmt(r.peer.peakRssMb, 1)} MB (${fmt(r.peerRatio, 2)}×)` : "—"} | ${r.goal} | ${r.met ? "met" : "**missed**"} | ${r.commit}, ${r.at.slice(0, 16).replace("T", " ")} |`,
);
const details = results
  .map((r) => `- **${r.scenario}**: ${r.what}${r.ceiling ? ` Ceiling: ${r.ceiling.what}` : ""}${r.notes?.length ? ` ${r.notes.join(" ")}` : ""}`)
  .join("\n");
writeFileSync(
  path.join(here, "RESULTS.md"),
  `# Benchmark results

Made by \`npm run bench\` (or \`npm run bench -w @flowgate/bench -- <scenario>\`), each scenario in its own process, on
${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}. Machines here are shared and
noisy: read the ratios (Flowgate against a hand-written ceiling or a peer in the same run), not the times.

| scenario | records | records/s | peak RSS | ceiling (ratio) | peer | goal | | commit, time |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

${details}
`,
);
console.error(`[bench] wrote ${path.join(here, "RESULTS.md")}${existsSync(resultsDir) ? "" : ""}`);
