import { createSecretBox } from "@flowgate/db/crypto";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { enqueueRun } from "@flowgate/runtime";
import { supplierToShopFlow } from "@flowgate/runtime/testing";
import { createShopProductsTable, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { sql } from "drizzle-orm";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, migrateWorkerSchema, startWorker, type StartedWorker } from "./index";
import { createPostgresConnection, createPublishedFlow, createWorkspace, runFinished } from "./testing";

const SECRET = "metrics-test-secret-metrics-test-secret-0123";
const PRODUCTS = 250;
const PAGE = 50;

let database: TestDatabase;
let supplier: SupplierApi;
let dataDir: string;
let worker: StartedWorker;

beforeAll(async () => {
  database = await createTestDatabase();
  await migrateWorkerSchema(database.connectionString);
  await createShopProductsTable(database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 5 });
  dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-metrics-"));
  worker = await startWorker({
    connectionString: database.connectionString,
    secret: SECRET,
    dataDir,
    appUrl: "http://localhost:3000",
    allowLoopback: true,
    log: createLogger("silent"),
    metrics: { port: 0, host: "127.0.0.1" },
  });
});

afterAll(async () => {
  await worker?.stop();
  await supplier?.close();
  await database?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The samples of a Prometheus text page, by name and labels as written (`name{a="b"}`). */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(worker.metricsUrl!);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return parseMetrics(await response.text());
}

describe("/metrics", () => {
  it("after a run: runs by status, records by node kind, one batch duration per batch, and the waiting jobs with the oldest one's age", async () => {
    expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const workspaceId = await createWorkspace(database.db, "Metrics");
    const shopConnectionId = await createPostgresConnection(database.db, createSecretBox(SECRET), workspaceId, database.connectionString);
    const flow = await createPublishedFlow(database.db, workspaceId, supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, batchSize: PAGE }));

    const before = await scrape();
    expect(before.get('flowgate_runs{status="succeeded"}')).toBe(0);
    expect(before.get("flowgate_batch_duration_seconds_count")).toBe(0);

    const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }));
    expect((await runFinished(database.db, runId, 20_000)).status).toBe("succeeded");
    // A queued run that no worker takes (its job is parked an hour ahead).
    await database.db.transaction(async (tx) => {
      await enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual", jobKey: "parked" });
      await tx.execute(sql`update graphile_worker._private_jobs set run_at = now() + interval '1 hour' where key = 'parked'`);
    });
    // Two jobs no worker knows how to run, one due for 30 s, one not yet due.
    await database.pool.query("select graphile_worker.add_job('not-a-flowgate-task', '{}', run_at => now() - interval '30 seconds')");
    await database.pool.query("select graphile_worker.add_job('not-a-flowgate-task', '{}', run_at => now() + interval '1 hour')");

    const after = await scrape();
    expect(after.get('flowgate_runs{status="succeeded"}')).toBe(1);
    expect(after.get('flowgate_runs{status="queued"}')).toBe(1);
    expect(after.get('flowgate_runs{status="running"}')).toBe(0);
    expect(after.get('flowgate_runs{status="failed"}')).toBe(0);
    // Every node kind of the flow handled every product once (the trigger handles none).
    expect(after.get('flowgate_records_total{kind="source.http"}')).toBe(PRODUCTS);
    expect(after.get('flowgate_records_total{kind="transform.map"}')).toBe(PRODUCTS);
    expect(after.get('flowgate_records_total{kind="destination.postgres"}')).toBe(PRODUCTS);
    expect(after.has('flowgate_records_total{kind="trigger.manual"}')).toBe(false);
    // One observation per source batch, each well under the run's whole time.
    expect(after.get("flowgate_batch_duration_seconds_count")).toBe(PRODUCTS / PAGE);
    expect(after.get("flowgate_batch_duration_seconds_sum")).toBeGreaterThan(0);
    expect(after.get('flowgate_batch_duration_seconds_bucket{le="+Inf"}')).toBe(PRODUCTS / PAGE);
    expect(after.get("flowgate_jobs_waiting")).toBe(1);
    expect(after.get("flowgate_oldest_waiting_job_age_seconds")).toBeGreaterThanOrEqual(30);
    expect(after.get("flowgate_oldest_waiting_job_age_seconds")).toBeLessThan(60);
    // The process's own (prom-client's defaults).
    expect(after.get("process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("answers 404 elsewhere, saying where the metrics are", async () => {
    const response = await fetch(new URL("/", worker.metricsUrl!));
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("/metrics");
  });
});
