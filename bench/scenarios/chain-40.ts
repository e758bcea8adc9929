/**
 * chain-40: a flow of 40 transform.map nodes in a row over one batch of 1,000 products (source.http from
 * the test-kit supplier, one page), run by the worker as a real run (run row, checkpoints, per-node
 * stats for 42 nodes, samples). Time per run, enqueue to end, median of 20 runs one after another.
 */
import { startSupplierApi } from "@flowgate/testkit";
import { peakRssMb, report } from "../scenario";
import { lineFlow } from "../lib/flow";
import { percentile, startBenchRuntime } from "../lib/runtime";

const MAPS = 40;
const RECORDS = 1000;
const RUNS = 20;
const GOAL_SECONDS = 0.5;

const runtime = await startBenchRuntime("chain-40");
const supplier = await startSupplierApi({ count: RECORDS, seed: 4 });
try {
  const flow = lineFlow(
    [
      { id: "supplier", kind: "source.http", config: { url: `${supplier.url}/products`, recordsPath: "data", pagination: { mode: "page", pageSize: RECORDS } } },
      ...Array.from({ length: MAPS }, (_, i) => ({
        id: `map-${i + 1}`,
        kind: "transform.map",
        config: { fields: [{ target: `step${i + 1}`, expression: `price * ${1 + (i + 1) / 100}` }], keyField: "sku" },
      })),
    ],
    RECORDS,
  );
  const published = await runtime.publish("Chain of 40", flow);
  const worker = await runtime.startWorker(4);
  await runtime.waitForRuns(await runtime.enqueue(published, 1), 60_000);

  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const [row] = await runtime.waitForRuns(await runtime.enqueue(published, 1), 60_000);
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (row!.counts.read !== RECORDS) throw new Error(`run read ${row!.counts.read} records, expected ${RECORDS}`);
  }
  await worker.stop();
  const median = percentile(times, 50);
  report({
    scenario: "chain-40",
    what: `A flow of ${MAPS} transform.map nodes in a row (each adds one computed field, keepUnmapped) over one batch of ${RECORDS.toLocaleString("en")} products from the test-kit supplier, run by apps/worker's startWorker as a real run (run row, checkpoint, per-node stats of ${MAPS + 2} nodes, samples); ${RUNS} runs one after another, enqueue to end. Records/s counts the records of one run over its median time.`,
    records: RECORDS,
    seconds: median,
    recordsPerSecond: RECORDS / median,
    peakRssMb: peakRssMb(),
    goal: `≤ ${GOAL_SECONDS} s per run (Windmill's published figure on 2 vCPU: 2.1 s)`,
    met: median <= GOAL_SECONDS,
    notes: [`Per run: median ${(median * 1000).toFixed(0)} ms, p90 ${(percentile(times, 90) * 1000).toFixed(0)} ms, best ${(Math.min(...times) * 1000).toFixed(0)} ms.`],
  });
} finally {
  await supplier.close();
  await runtime.close();
}
