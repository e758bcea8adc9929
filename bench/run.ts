/**
 * `npm run bench`: Flowgate's benchmarks, written to bench/RESULTS.md with the command that made them.
 *
 * The machines are shared and noisy, so each result is a ratio against a hand-written
 * ceiling measured in the same run, never an absolute time.
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchResult } from "./measure";
import { validateFlowBenchmark } from "./validate-flow";

const results: BenchResult[] = [validateFlowBenchmark()];

const rows = results.map((r) => {
  const ratio = r.subject.microsPerOp / r.ceiling.microsPerOp;
  const verdict = ratio <= r.budgetRatio ? "within budget" : "OVER BUDGET";
  return `| ${r.name} | ${r.subject.label}: ${r.subject.microsPerOp.toFixed(1)} µs | ${r.ceiling.label}: ${r.ceiling.microsPerOp.toFixed(1)} µs | ${ratio.toFixed(1)}× | ≤ ${r.budgetRatio}× | ${verdict} |`;
});

const report = `# Benchmark results

Made by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}).
Times are per operation in this run; compare the ratios, not the times.

| benchmark | Flowgate | hand-written ceiling | ratio | budget | |
| --- | --- | --- | --- | --- | --- |
${rows.join("\n")}

${results.map((r) => `- **${r.name}**: ${r.what}`).join("\n")}
`;

writeFileSync(fileURLToPath(new URL("./RESULTS.md", import.meta.url)), report);
console.log(report);
if (rows.some((r) => r.includes("OVER BUDGET"))) process.exitCode = 1;
