import { connections, flows, flowVersions, newId, runs, workspaces, type RunStatus } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { enqueueRun, sweepRuns } from "@flowgate/runtime";
import { installWorkerSchema, postgresConnectionParts, supplierToShopFlow } from "@flowgate/runtime/testing";
import { createShopProductsTable, createShopWriteLog, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { eq } from "drizzle-orm";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET = "crash-test-secret-crash-test-secret-0123456";
const secrets = createSecretBox(SECRET);
const PRODUCTS = 20_000;
const PAGE = 1_000;
const mainTs = fileURLToPath(new URL("./main.ts", import.meta.url));

let database: TestDatabase;
let supplier: SupplierApi;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  await createShopProductsTable(database.pool);
  await createShopWriteLog(database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 11 });
  dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-crash-"));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await supplier?.close();
  await database?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A real worker process, as `npm start` runs it; its output is kept for a failing test's message. */
function startWorkerProcess(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", mainTs], {
    cwd: path.dirname(mainTs),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      DATABASE_URL: database.connectionString,
      FLOWGATE_SECRET: SECRET,
      FLOWGATE_DATA_DIR: dataDir,
      FLOWGATE_ALLOW_HOSTS: "127.0.0.1",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function runRow(runId: string) {
  const [row] = await database.db.select().from(runs).where(eq(runs.id, runId));
  return row!;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, output?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${output ? `\nworker output:\n${output()}` : ""}`);
}

const FINISHED: RunStatus[] = ["succeeded", "succeeded_with_errors", "failed", "cancelled"];

describe("crash recovery", () => {
  it("a worker killed with SIGKILL mid-run: the sweeper frees its job, a new worker resumes from the checkpoint, every key is written once", async () => {
    const workspaceId = newId();
    await database.db.insert(workspaces).values({ id: workspaceId, name: "Crash tests", slug: `crash-${workspaceId}` });
    const shopConnectionId = newId();
    const parts = postgresConnectionParts(database.connectionString);
    await database.db.insert(connections).values({
      id: shopConnectionId,
      workspaceId,
      kind: "postgres",
      name: "Shop database",
      settings: parts.settings,
      secretCiphertext: secrets.encryptJson(parts.secret),
    });
    const document = supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, batchSize: PAGE });
    const flowId = newId();
    const versionId = newId();
    await database.db.insert(flows).values({ id: flowId, workspaceId, name: "Supplier to shop", draft: document as never });
    await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
    await database.db.update(flows).set({ activeVersionId: versionId, enabled: true }).where(eq(flows.id, flowId));

    // Slow pages, so the kill lands mid-run: 20 batches take well over 10 s.
    supplier.setFault({ kind: "latency", ms: 500 });
    const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId, flowVersionId: versionId, trigger: "manual" }));

    const first = startWorkerProcess();
    await waitFor("five checkpointed batches", async () => ((await runRow(runId)).batchIndex >= 4 ? true : undefined), 40_000, first.output);
    // A live run is left alone: its heartbeat is fresh.
    expect(await sweepRuns(database.db)).toEqual([]);

    first.child.kill("SIGKILL");
    await new Promise<void>((resolve) => (first.child.exitCode !== null || first.child.signalCode !== null ? resolve() : first.child.once("exit", () => resolve())));
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
    const run = await waitFor(
      "the run to finish on the second worker",
      async () => {
        const row = await runRow(runId);
        return FINISHED.includes(row.status) ? row : undefined;
      },
      40_000,
      second.output,
    );
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
