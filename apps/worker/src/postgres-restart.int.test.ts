import { createDatabase, type DatabaseHandle } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "@flowgate/db/embedded";
import { migrateDatabase } from "@flowgate/db/migrate";
import { isPortFree } from "@flowgate/db/ports";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { changeSetItems, changeSets } from "@flowgate/db";
import { enqueueResumeApproval, enqueueRun, sweepRuns } from "@flowgate/runtime";
import { and, eq, inArray } from "drizzle-orm";
import { supplierToShopFlow } from "@flowgate/runtime/testing";
import { createShopProductsTable, createShopWriteLog, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateWorkerSchema } from "./index";
import {
  createPostgresConnection,
  createPublishedFlow,
  createWorkspace,
  killAll,
  runFinished,
  runRow,
  startWorkerProcess,
  waitFor,
  type WorkerProcess,
} from "./testing";

const SECRET = "pg-restart-secret-pg-restart-secret-0123456";
const secrets = createSecretBox(SECRET);
const PRODUCTS = 2_400;
const PAGE = 100;

/** Flowgate's own database: a PostgreSQL of this test's own, so the test can stop and start it. */
let pgDir: string;
let server: EmbeddedPostgresHandle | undefined;
let flowgate: DatabaseHandle;
/** The shop the flow writes to lives elsewhere (the test run's PostgreSQL) and stays up. */
let shop: TestDatabase;
let supplier: SupplierApi;
let dataDir: string;
const children: WorkerProcess[] = [];

beforeAll(async () => {
  pgDir = await mkdtemp(path.join(tmpdir(), "flowgate-pg-restart-"));
  // As root, PostgreSQL runs as a user of its own, which must reach the folder (mkdtemp makes it 0700).
  await chmod(pgDir, 0o755);
  server = await startEmbeddedPostgres({ dataDir: pgDir, database: "flowgate" });
  await migrateDatabase(server.connectionString);
  await migrateWorkerSchema(server.connectionString);
  flowgate = createDatabase(server.connectionString, { max: 3 });
  shop = await createTestDatabase();
  await createShopProductsTable(shop.pool);
  await createShopWriteLog(shop.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 13 });
  dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-pg-restart-data-"));
}, 60_000);

afterAll(async () => {
  killAll(children);
  await supplier?.close();
  await flowgate?.close().catch(() => {});
  await server?.stop();
  await shop?.dispose();
  for (const dir of [pgDir, dataDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

/** Stops the cluster's postmaster with SIGQUIT (PostgreSQL's immediate shutdown) and waits until its port is free. */
async function stopImmediately(dir: string, port: number): Promise<void> {
  const pid = Number((await readFile(path.join(dir, "data", "postmaster.pid"), "utf8")).split("\n")[0]);
  process.kill(pid, "SIGQUIT");
  await waitFor("PostgreSQL to stop", async () => ((await isPortFree(port)) ? true : undefined), 10_000);
}

describe("PostgreSQL restarts mid-run", () => {
  it("the run is retried from its checkpoint and succeeds, every key written once; the worker survives and takes the next job", async () => {
    const workspaceId = await createWorkspace(flowgate.db, "Restart");
    const shopConnectionId = await createPostgresConnection(flowgate.db, secrets, workspaceId, shop.connectionString);
    const flow = await createPublishedFlow(flowgate.db, workspaceId, supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, batchSize: PAGE }));
    const start = () => flowgate.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }));

    // 24 slow pages: the run is mid-way when PostgreSQL goes down.
    supplier.setFault({ kind: "latency", ms: 150 });
    const { runId } = await start();
    const worker = startWorkerProcess({ DATABASE_URL: server!.connectionString, FLOWGATE_SECRET: SECRET, FLOWGATE_DATA_DIR: dataDir, LOG_LEVEL: "info" });
    children.push(worker);
    await waitFor("three checkpointed batches", async () => ((await runRow(flowgate.db, runId)).batchIndex >= 2 ? true : undefined), 30_000, worker.output);

    // An immediate shutdown (SIGQUIT: no goodbye to the sessions, recovery at the next start), down
    // for a while (connections are refused), then up on the same port.
    const port = server!.port;
    await stopImmediately(pgDir, port);
    await new Promise((r) => setTimeout(r, 3_000));
    server = await startEmbeddedPostgres({ dataDir: pgDir, database: "flowgate", preferredPort: port });
    expect(server.port).toBe(port);
    // The retry waits for its backoff (seconds), so this is the checkpoint the failed attempt left.
    const checkpointed = (await runRow(flowgate.db, runId)).batchIndex;
    expect(checkpointed).toBeGreaterThanOrEqual(2);

    const run = await runFinished(flowgate.db, runId, 30_000, worker.output);
    expect(run.error, worker.output()).toBeNull();
    expect(run.status).toBe("succeeded");
    // The attempt that lost its database was retried, and the retry resumed from the checkpoint.
    expect(run.attempt).toBeGreaterThanOrEqual(2);
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    const writes = (await shop.pool.query("select sku, count(*)::int as n from shop.write_log group by sku")).rows as { sku: string; n: number }[];
    expect(writes).toHaveLength(PRODUCTS);
    expect(writes.filter((w) => w.n !== 1)).toEqual([]);
    // Resumed, not restarted: every page checkpointed before the restart was fetched once.
    const fetches = (page: number) => supplier.requests.log.filter((r) => r.path === "/products" && r.query.page === String(page)).length;
    const pages = Array.from({ length: checkpointed + 1 }, (_, i) => i + 1);
    expect(pages.map(fetches)).toEqual(pages.map(() => 1));

    // The same process is alive and still takes jobs.
    expect(worker.child.exitCode, worker.output()).toBeNull();
    supplier.setFault(null);
    const next = await start();
    expect((await runFinished(flowgate.db, next.runId, 15_000, worker.output)).status).toBe("succeeded");
    // Stopped here, so the next test's workers are the only ones.
    worker.child.kill("SIGTERM");
    await worker.exited();
  }, 90_000);
});

describe("decisions survive restarts of everything", () => {
  it("a change set decided in two parts, with the worker killed and PostgreSQL restarted in between, writes exactly the approved, once", async () => {
    const workspaceId = await createWorkspace(flowgate.db, "Approvals restart");
    const shopConnectionId = await createPostgresConnection(flowgate.db, secrets, workspaceId, shop.connectionString);
    await shop.pool.query("truncate shop.products, shop.write_log");
    const node = (id: string, kind: string, config: Record<string, unknown>, x: number) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
    const nodes = [
      node("start", "trigger.manual", {}, 0),
      node("read", "source.http", { url: `${supplier.url}/products`, recordsPath: "data", pagination: { mode: "page", pageSize: PAGE } }, 200),
      node("review", "approval.review", { keyField: "sku" }, 400),
      node("shop", "destination.postgres", { connectionId: shopConnectionId, table: "shop.products", keyColumns: ["sku"] }, 600),
    ];
    const flow = await createPublishedFlow(flowgate.db, workspaceId, {
      schemaVersion: 1,
      nodes,
      edges: [
        { id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" },
        { id: "e2", source: "read", sourcePort: "out", target: "review", targetPort: "in" },
        { id: "e3", source: "review", sourcePort: "approved", target: "shop", targetPort: "in" },
      ],
      settings: { batchSize: PAGE, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
    });
    supplier.setFault(null);
    const { runId } = await flowgate.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }));
    const env = { DATABASE_URL: server!.connectionString, FLOWGATE_SECRET: SECRET, FLOWGATE_DATA_DIR: dataDir, LOG_LEVEL: "info" };
    let worker = startWorkerProcess(env);
    children.push(worker);
    await waitFor("the run to wait for approval", async () => ((await runRow(flowgate.db, runId)).status === "awaiting_approval" ? true : undefined), 30_000, worker.output);
    const [set] = await flowgate.db.select().from(changeSets).where(eq(changeSets.runId, runId));
    const skus = supplier.products.map((p) => p.sku);
    const decide = (keys: string[], status: "approved" | "rejected") =>
      flowgate.db.transaction(async (tx) => {
        await tx
          .update(changeSetItems)
          .set({ status, decisionSource: "person", decidedAt: new Date() })
          .where(and(eq(changeSetItems.changeSetId, set!.id), inArray(changeSetItems.key, keys), eq(changeSetItems.status, "pending")));
        await enqueueResumeApproval(tx, set!.id);
      });

    // The first part is decided, and the worker dies (SIGKILL) and PostgreSQL stops at once while it may be applying it.
    const firstApproved = skus.slice(0, 600);
    await decide(firstApproved, "approved");
    await decide(skus.slice(600, 900), "rejected");
    worker.child.kill("SIGKILL");
    await worker.exited();
    const port = server!.port;
    await stopImmediately(pgDir, port);
    server = await startEmbeddedPostgres({ dataDir: pgDir, database: "flowgate", preferredPort: port });

    // The rest is decided after the restart; a new worker picks everything up.
    const restApproved = skus.slice(900, 1500);
    await waitFor("PostgreSQL to take connections", async () => (await flowgate.pool.query("select 1").then(() => true).catch(() => undefined)), 20_000);
    await decide(restApproved, "approved");
    await decide(skus.slice(1500), "rejected");
    // The crontab's every-minute sweep, its clock a minute on: a resume the dead worker held is given back.
    await sweepRuns(flowgate.db, { now: new Date(Date.now() + 60_000) });
    worker = startWorkerProcess(env);
    children.push(worker);
    const run = await runFinished(flowgate.db, runId, 60_000, worker.output);
    expect(run.status, worker.output()).toBe("succeeded");

    const approved = [...firstApproved, ...restApproved].sort();
    const written = (await shop.pool.query<{ sku: string; n: number }>("select sku, count(*)::int as n from shop.write_log group by sku order by sku")).rows;
    expect(written.map((w) => w.sku)).toEqual(approved);
    expect(written.filter((w) => w.n !== 1)).toEqual([]);
    const [{ n }] = (await shop.pool.query<{ n: number }>("select count(*)::int as n from shop.products")).rows as [{ n: number }];
    expect(n).toBe(approved.length);
    worker.child.kill("SIGTERM");
    await worker.exited();
  }, 120_000);
});
