/**
 * small-runs: 1,000 runs of a 5-node flow (trigger → source.http → map → filter → destination.postgres)
 * with 5 records each, queued at once over 10 flows (100 each), run by the worker (apps/worker's
 * startWorker, concurrency 4, in this process) with everything a real run writes: the run row, its
 * checkpoints, per-node stats, samples and state. Measured from the enqueue to the last run's end.
 */
import { createShopProductsTable, startSupplierApi } from "@flowgate/testkit";
import { sql } from "drizzle-orm";
import { peakRssMb, report } from "../scenario";
import { fmt } from "../lib/flow";
import { percentile, startBenchRuntime } from "../lib/runtime";
import { shopFlow } from "../lib/shop";

const FLOWS = 10;
const RUNS_PER_FLOW = 100;
const RUNS = FLOWS * RUNS_PER_FLOW;
const GOAL = 50;

const runtime = await startBenchRuntime("small-runs");
const supplier = await startSupplierApi({ count: 5, seed: 3 });
try {
  await createShopProductsTable(runtime.postgres.pool);
  const published = [];
  for (let i = 0; i < FLOWS; i++) {
    published.push(await runtime.publish(`Small ${i + 1}`, shopFlow(supplier.url, { changes: false, connectionId: runtime.shopConnectionId, pageSize: 50 })));
  }
  // A warm-up run per flow: the first run of a flow opens its pool and introspects the table.
  const warm = await Promise.all(published.map((flow) => runtime.enqueue(flow, 1)));
  const worker = await runtime.startWorker(4);
  await runtime.waitForRuns(warm.flat(), 60_000);

  const started = process.hrtime.bigint();
  const runIds = (await Promise.all(published.map((flow) => runtime.enqueue(flow, RUNS_PER_FLOW)))).flat();
  const rows = await runtime.waitForRuns(runIds, 300_000);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await worker.stop();

  const read = rows.reduce((sum, r) => sum + r.counts.read, 0);
  if (read !== RUNS * 5) throw new Error(`the runs read ${read} records, expected ${RUNS * 5}`);
  const durations = rows.map((r) => r.finishedAt!.getTime() - r.startedAt!.getTime());
  const waits = rows.map((r) => r.startedAt!.getTime() - r.createdAt.getTime());
  const [{ checkpoints }] = (await runtime.db.execute<{ checkpoints: number }>(sql`select count(*)::int as checkpoints from run_nodes`)).rows as [{ checkpoints: number }];
  const runsPerSecond = RUNS / seconds;
  report({
    scenario: "small-runs",
    what: `${RUNS.toLocaleString("en")} runs of a 5-node flow (trigger.manual → source.http from the test-kit supplier, 5 products → transform.map → filter.condition → destination.postgres upsert), 5 records each, queued at once over ${FLOWS} flows (each flow runs one run at a time, its default maxConcurrentRuns: waiting runs are woken in order as a slot frees), run by apps/worker's startWorker (concurrency 4) in the scenario's process on the embedded PostgreSQL: run rows, checkpoints, per-node stats (${checkpoints.toLocaleString("en")} run_nodes rows) and samples written as in production. Counted in runs, not records.`,
    records: RUNS,
    seconds,
    recordsPerSecond: runsPerSecond,
    peakRssMb: peakRssMb(),
    goal: `≥ ${GOAL} runs/s`,
    met: runsPerSecond >= GOAL,
    notes: [
      `${fmt(runsPerSecond, 1)} runs/s (${seconds.toFixed(2)} s for ${RUNS.toLocaleString("en")} runs).`,
      `One run, start to end: p50 ${percentile(durations, 50)} ms, p99 ${percentile(durations, 99)} ms; queued before its start: p50 ${percentile(waits, 50)} ms, p99 ${percentile(waits, 99)} ms (the queue of 1,000 drains at the rate above).`,
      ...(runsPerSecond >= GOAL ? [] : [`Goal missed: ${fmt(runsPerSecond, 1)} runs/s, ${Math.round((1 - runsPerSecond / GOAL) * 100)}% short of ${GOAL}.`]),
    ],
  });
} finally {
  await supplier.close();
  await runtime.close();
}
