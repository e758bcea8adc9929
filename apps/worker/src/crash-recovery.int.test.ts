import { createSecretBox } from "@flowgate/db/crypto";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { enqueueRun, sweepRuns } from "@flowgate/runtime";
import { installWorkerSchema, supplierToShopFlow } from "@flowgate/runtime/testing";
import { createShopProductsTable, createShopWriteLog, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPostgresConnection,
  createPublishedFlow,
  createWorkspace,
  killAll,
  runFinished,
  runRow as readRun,
  startWorkerProcess as spawnWorker,
  waitFor,
  type WorkerProcess,
} from "./testing";

const SECRET = "crash-test-secret-crash-test-secret-0123456";
const secrets = createSecretBox(SECRET);
const PRODUCTS = 20_000;
const PAGE = 1_000;

let database: TestDatabase;
let supplier: SupplierApi;
let dataDir: string;
const children: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  await createShopProductsTable(database.pool);
  await createShopWriteLog(database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 11 });
  dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-crash-"));
});

afterAll(async () => {
  killAll(children);
  await supplier?.close();
  await database?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function startWorkerProcess(): WorkerProcess {
  const worker = spawnWorker({ DATABASE_URL: database.connectionString, FLOWGATE_SECRET: SECRET, FLOWGATE_DATA_DIR: dataDir });
  children.push(worker);
  return worker;
}

const runRow = (runId: string) => readRun(database.db, runId);

describe("crash recovery", () => {
  it("a worker killed with SIGKILL mid-run: the sweeper frees its job, a new worker resumes from the checkpoint, every key is written once", async () => {
    const workspaceId = await createWorkspace(database.db, "Crash tests");
    const shopConnectionId = await createPostgresConnection(database.db, secrets, workspaceId, database.connectionString);
    const document = supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, batchSize: PAGE });
    const { flowId, versionId } = await createPublishedFlow(database.db, workspaceId, document, "Supplier to shop");

    // Slow pages, so the kill lands mid-run: 20 batches take well over 10 s.
    supplier.setFault({ kind: "latency", ms: 500 });
    const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId, flowVersionId: versionId, trigger: "manual" }));

    const first = startWorkerProcess();
    await waitFor("five checkpointed batches", async () => ((await runRow(runId)).batchIndex >= 4 ? true : undefined), 40_000, first.output);
    // A live run is left alone: its heartbeat is fresh.
    expect(await sweepRuns(database.db)).toEqual([]);

    first.child.kill("SIGKILL");
    await first.exited();
    // Let PostgreSQL notice the dropped connections (a checkpoint in flight commits or rolls back).
    await new Promise((r) => setTimeout(r, 300));
    const crashed = await runRow(runId);
    expect(crashed.status).toBe("running");
    expect(crashed.batchIndex).toBeLessThan(PRODUCTS / PAGE - 1);
    const [job] = (await database.pool.query("select locked_by from graphile_worker.jobs where key = $1", [`run:${runId}`])).rows as { locked_by: string | null }[];
    expect(job?.locked_by).toBeTruthy();

    // The crontab's every-minute sweep, with its clock a minute on: the dead worker's heartbeat is stale.
    supplier.setFault({ kind: "latency", ms: 50 });
    const released = await sweepRuns(database.db, { now: new Date(Date.now() + 60_000) });
    expect(released).toEqual([{ runId, workerId: job!.locked_by }]);
    expect((await runRow(runId)).status).toBe("queued");

    const second = startWorkerProcess();
    const run = await runFinished(database.db, runId, 40_000, second.output);
    second.child.kill("SIGTERM");

    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.attempt).toBe(2);
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });

    // Resumed, not restarted: every page checkpointed before the kill was fetched once.
    const fetches = (page: number) => supplier.requests.log.filter((r) => r.path === "/products" && r.query.page === String(page)).length;
    const checkpointedPages = Array.from({ length: crashed.batchIndex + 1 }, (_, i) => i + 1);
    expect(checkpointedPages.map(fetches)).toEqual(checkpointedPages.map(() => 1));

    const writes = (await database.pool.query("select sku, count(*)::int as n from shop.write_log group by sku")).rows as { sku: string; n: number }[];
    expect(writes).toHaveLength(PRODUCTS);
    expect(writes.filter((w) => w.n !== 1)).toEqual([]);
    const shop = (await database.pool.query("select count(*)::int as n, sum(price)::float8 as total from shop.products")).rows[0] as { n: number; total: number };
    expect(shop.n).toBe(PRODUCTS);
    expect(shop.total).toBeCloseTo(supplier.products.reduce((sum, p) => sum + p.price * 2, 0), 2);
  }, 90_000);
});
