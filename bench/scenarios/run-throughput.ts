/**
 * run-throughput: the http-to-postgres flow with change detection (100k products from the test-kit
 * supplier → map → filter stock > 0 → transform.changes → destination.postgres upsert), first run on an
 * empty shop table, two ways in the same bench run:
 *   - engine only: runFlow in this process with in-memory state and no checkpoints (the ceiling here);
 *   - the worker: a real run of apps/worker as a process of its own (`node --import tsx`, as npm start
 *     runs it), with checkpoints, change-detection state in sync_state, samples, per-node stats and
 *     lineage written to PostgreSQL. Its peak RSS is read from /proc (VmHWM).
 * The shop table (and, for the worker, the flow's state) is emptied before each run; best of 2 each.
 */
import { createMemoryState } from "@flowgate/engine/testing";
import { createTestServices } from "@flowgate/nodes/testing";
import { createShopProductsTable } from "@flowgate/testkit";
import { sql } from "drizzle-orm";
import { peakRssMb, report } from "../scenario";
import { best, fmt, runOrThrow, seconds } from "../lib/flow";
import { startBenchRuntime } from "../lib/runtime";
import { checkShopTable, CONNECTION_ID, SHOP_TABLE, shopFlow } from "../lib/shop";
import { startSupplierProcess } from "../lib/supplier";

const PRODUCTS = 100_000;
const ROUNDS = 2;
const RATIO_GOAL = 0.7;
const RSS_GOAL_MB = 250;

const runtime = await startBenchRuntime("run-throughput");
const supplier = await startSupplierProcess(PRODUCTS);
const services = createTestServices();
try {
  await createShopProductsTable(runtime.postgres.pool);
  services.addConnection({ id: CONNECTION_ID, kind: "postgres", name: "Shop", settings: { connectionString: runtime.postgres.connectionString }, secret: null });
  const expectedRows = supplier.catalogue.products.filter((p) => p.stock > 0).length;
  const published = await runtime.publish("Supplier to shop", shopFlow(supplier.url, { changes: true, connectionId: runtime.shopConnectionId }));
  const worker = await runtime.startWorkerProcess();

  const engineTimes: number[] = [];
  const workerTimes: number[] = [];
  let lineageRows = 0;
  let stateRows = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    await runtime.postgres.pool.query(`truncate ${SHOP_TABLE}`);
    let start = process.hrtime.bigint();
    const run = await runOrThrow({ flow: shopFlow(supplier.url, { changes: true }), services, state: createMemoryState(), runId: `engine-${round}` });
    engineTimes.push(seconds(start));
    if (run.recordsRead !== PRODUCTS || run.nodes.shop!.in !== expectedRows) throw new Error(`engine run: read ${run.recordsRead}, wrote ${run.nodes.shop!.in}`);
    await checkShopTable(runtime.postgres.pool, supplier.catalogue);

    await runtime.postgres.pool.query(`truncate ${SHOP_TABLE}`);
    await runtime.postgres.pool.query("delete from sync_state where flow_id = $1", [published.flowId]);
    start = process.hrtime.bigint();
    const [row] = await runtime.waitForRuns(await runtime.enqueue(published, 1), 300_000);
    workerTimes.push(seconds(start));
    if (row!.counts.read !== PRODUCTS || row!.counts.written !== expectedRows) throw new Error(`worker run: ${JSON.stringify(row!.counts)}`);
    await checkShopTable(runtime.postgres.pool, supplier.catalogue);
    const counted = (await runtime.db.execute<{ lineage: number; state: number }>(
      sql`select (select count(*)::int from lineage where run_id = ${row!.id}) as lineage, (select count(*)::int from sync_state where flow_id = ${published.flowId}) as state`,
    )).rows[0] as { lineage: number; state: number };
    lineageRows = counted.lineage;
    stateRows = counted.state;
    process.stderr.write(`[run-throughput] round ${round}: engine ${engineTimes.at(-1)!.toFixed(2)} s, worker ${workerTimes.at(-1)!.toFixed(2)} s\n`);
  }
  const workerRss = worker.peakRssMb();
  await worker.kill("SIGTERM");

  const workerSeconds = best(workerTimes);
  const engineSeconds = best(engineTimes);
  const ratio = engineSeconds / workerSeconds;
  const met = ratio >= RATIO_GOAL && workerRss <= RSS_GOAL_MB;
  report({
    scenario: "run-throughput",
    what: `The http-to-postgres flow with change detection (${fmt(PRODUCTS)} products from the test-kit supplier in its own process → map → filter stock > 0 → transform.changes → destination.postgres upsert, ${fmt(expectedRows)} rows created) run by the worker as a real run (apps/worker/src/main.ts as a process of its own, enqueue to end): checkpoints after each of 100 batches, change-detection state in sync_state (${fmt(stateRows)} rows), samples, per-node stats and lineage (${fmt(lineageRows)} rows) written to the embedded PostgreSQL. Peak RSS is the worker process's (VmHWM).`,
    records: PRODUCTS,
    seconds: workerSeconds,
    recordsPerSecond: PRODUCTS / workerSeconds,
    peakRssMb: workerRss,
    ceiling: { recordsPerSecond: PRODUCTS / engineSeconds, what: "the same flow through runFlow alone in the scenario's process (in-memory state, no checkpoints, no history), best of the same rounds." },
    ratio,
    goal: `≥${RATIO_GOAL}× the engine-only records/s; worker peak RSS ≤${RSS_GOAL_MB} MB`,
    met,
    notes: [
      `Runs (s): worker ${workerTimes.map((t) => t.toFixed(2)).join(", ")}; engine only ${engineTimes.map((t) => t.toFixed(2)).join(", ")}. Scenario process peak RSS ${peakRssMb()} MB.`,
      ...(ratio >= RATIO_GOAL ? [] : [`Speed goal missed: ${fmt(ratio, 2)}× the engine-only rate, short of ${RATIO_GOAL}×.`]),
      ...(workerRss <= RSS_GOAL_MB ? [] : [`Memory goal missed: the worker peaked at ${fmt(workerRss, 1)} MB, above ${RSS_GOAL_MB} MB.`]),
    ],
  });
} finally {
  await services.close();
  await supplier.close();
  await runtime.close();
}
