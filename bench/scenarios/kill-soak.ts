/**
 * kill-soak (not CI): one long run of supplier → map → shop table by a worker process that is killed
 * with SIGKILL every 20 s, 20 times; after each kill the sweeper frees the run's job (called here with
 * its clock a minute on, as the crontab would a minute later) and a new worker process resumes from
 * the checkpoint. At the end: the run succeeded, every key of the source was written exactly once
 * (a trigger logs each real insert or update of the shop table), and the counts add up.
 */
import { runs } from "@flowgate/db";
import { sweepRuns } from "@flowgate/runtime";
import { supplierToShopFlow } from "@flowgate/runtime/testing";
import { createShopProductsTable, createShopWriteLog, startSupplierApi } from "@flowgate/testkit";
import { eq } from "drizzle-orm";
import { peakRssMb, report } from "../scenario";
import { startBenchRuntime, type WorkerProcess } from "../lib/runtime";

const PRODUCTS = 40_000;
const PAGE = 200;
const KILLS = 20;
const INTERVAL_MS = 20_000;
const PAGE_LATENCY_MS = 2_000;

const runtime = await startBenchRuntime("kill-soak");
const supplier = await startSupplierApi({ count: PRODUCTS, seed: 21 });
let worker: WorkerProcess | undefined;
try {
  await createShopProductsTable(runtime.postgres.pool);
  await createShopWriteLog(runtime.postgres.pool);
  const flow = await runtime.publish("Soak", supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId: runtime.shopConnectionId, batchSize: PAGE }));
  supplier.setFault({ kind: "latency", ms: PAGE_LATENCY_MS });
  const [runId] = await runtime.enqueue(flow, 1);
  const row = async () => (await runtime.db.select().from(runs).where(eq(runs.id, runId!)))[0]!;

  const started = process.hrtime.bigint();
  const progress: number[] = [];
  let kills = 0;
  worker = await runtime.startWorkerProcess();
  while (kills < KILLS) {
    await new Promise((r) => setTimeout(r, INTERVAL_MS));
    const before = await row();
    if (before.status !== "running" && before.status !== "queued") break;
    await worker.kill("SIGKILL");
    kills += 1;
    progress.push(before.batchIndex + 1);
    process.stderr.write(`[kill-soak] kill ${kills}: ${before.batchIndex + 1} of ${PRODUCTS / PAGE} batches checkpointed\n`);
    await new Promise((r) => setTimeout(r, 300));
    await sweepRuns(runtime.db, { now: new Date(Date.now() + 60_000) });
    worker = await runtime.startWorkerProcess();
  }
  supplier.setFault(null);
  let final = await row();
  const deadline = Date.now() + 600_000;
  while (!["succeeded", "succeeded_with_errors", "failed", "cancelled"].includes(final.status)) {
    if (Date.now() > deadline) throw new Error(`the run is still ${final.status} 10 minutes after the last kill`);
    await new Promise((r) => setTimeout(r, 500));
    final = await row();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = worker.peakRssMb();
  await worker.kill("SIGTERM");

  const writes = (await runtime.postgres.pool.query("select sku, count(*)::int as n from shop.write_log group by sku")).rows as { sku: string; n: number }[];
  const doubled = writes.filter((w) => w.n > 1).length;
  const [{ n: rows }] = (await runtime.postgres.pool.query("select count(*)::int as n from shop.products")).rows as [{ n: number }];
  const lost = PRODUCTS - writes.length;
  const ok = final.status === "succeeded" && final.counts.read === PRODUCTS && rows === PRODUCTS && lost === 0 && doubled === 0 && kills === KILLS;
  report({
    scenario: "kill-soak",
    what: `One run of ${PRODUCTS.toLocaleString("en")} products (pages of ${PAGE}, ${PAGE_LATENCY_MS} ms per page while killing) → transform.map → destination.postgres upsert by a worker process (apps/worker/src/main.ts) killed with SIGKILL every ${INTERVAL_MS / 1000} s, ${KILLS} times; after each kill sweep-runs (its clock a minute on, as the next crontab minute would) frees the job and a new worker process resumes from the checkpoint. A trigger logs every real insert or update of the shop table.`,
    records: PRODUCTS,
    seconds,
    recordsPerSecond: PRODUCTS / seconds,
    peakRssMb: rss,
    goal: "nothing lost, nothing doubled",
    met: ok,
    notes: [
      `${kills} kills; batches checkpointed at each kill: ${progress.join(", ")}. The run ended ${final.status} after ${final.attempt} attempts, ${final.counts.read.toLocaleString("en")} read, ${final.counts.written.toLocaleString("en")} written.`,
      `Shop table: ${rows.toLocaleString("en")} rows; keys written: ${writes.length.toLocaleString("en")} (lost ${lost}), written more than once: ${doubled}. Peak RSS is the last worker process's.`,
      `Scenario process peak RSS ${peakRssMb()} MB.`,
    ],
  });
} finally {
  await worker?.kill("SIGKILL");
  await supplier.close();
  await runtime.close();
}
