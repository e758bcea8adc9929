import { flows, flowVersions, newId, runs, workspaces, type RunStatus } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RUN_SLOT_RETRY_MS } from "./concurrency";
import { enqueueRun } from "./enqueue";
import { installWorkerSchema, startTestWorker, waitFor, type TestWorker } from "./testing";

const secrets = createSecretBox("concurrency-test-secret-concurrency-test-0123");
const PRODUCTS = 40;
const PAGE = 10;

let database: TestDatabase;
let supplier: SupplierApi;
const workers: TestWorker[] = [];
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 3 });
  // Each page takes a while, so runs overlap; 4 pages make a run last about half a second.
  supplier.setFault({ kind: "latency", ms: 120 });
  workspaceId = newId();
  await database.db.insert(workspaces).values({ id: workspaceId, name: "Concurrency tests", slug: `concurrency-${workspaceId}` });
  // Two runners of two jobs each: four runs could run at once if nothing held them back.
  for (let i = 0; i < 2; i++) workers.push(await startTestWorker({ db: database.db, pool: database.pool, secrets, pollInterval: 50 }));
});

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  await supplier?.close();
  await database?.dispose();
});

/** A published flow that reads the supplier's products page by page and maps them (no destination: nothing to contend on). */
async function publishedFlow(maxConcurrentRuns: number) {
  const node = (id: string, kind: string, config: Record<string, unknown>) => ({ id, kind, kindVersion: 1, label: id, position: { x: 0, y: 0 }, config });
  const document = {
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", {}),
      node("read", "source.http", { url: `${supplier.url}/products`, recordsPath: "data", pagination: { mode: "page", pageSize: PAGE } }),
      node("map", "transform.map", { fields: [{ target: "price", expression: "price * 2" }], keyField: "sku" }),
    ],
    edges: [
      { id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" },
      { id: "e2", source: "read", sourcePort: "out", target: "map", targetPort: "in" },
    ],
    settings: { batchSize: PAGE, maxConcurrentRuns, timezone: "UTC", errorPolicy: "fail" },
  };
  const flowId = newId();
  const versionId = newId();
  await database.db.insert(flows).values({ id: flowId, workspaceId, name: `At most ${maxConcurrentRuns}`, draft: document as never });
  await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
  await database.db.update(flows).set({ activeVersionId: versionId, enabled: true }).where(eq(flows.id, flowId));
  return { flowId, versionId };
}

const FINISHED: RunStatus[] = ["succeeded", "succeeded_with_errors", "failed", "cancelled"];

/**
 * Starts `count` runs of the flow in one go and samples how many of them run, every 15 ms, until
 * all are over. Answers the largest number seen running at once, the runs, and the queues their jobs went to.
 */
async function startAndObserve(flow: { flowId: string; versionId: string }, count: number) {
  const { runIds, queues } = await database.db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" })).runId);
    // Read before the commit, while no worker can have taken the jobs yet.
    const jobs = await tx.execute<{ queue_name: string | null }>(sql`select queue_name from graphile_worker.jobs where key in (select 'run:' || jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
    return { runIds: ids, queues: [...new Set(jobs.rows.map((j) => j.queue_name))] };
  });
  let most = 0;
  const deadline = Date.now() + 40_000;
  for (;;) {
    const rows = await database.db.select({ status: runs.status }).from(runs).where(inArray(runs.id, runIds));
    most = Math.max(most, rows.filter((r) => r.status === "running").length);
    if (rows.every((r) => FINISHED.includes(r.status))) break;
    if (Date.now() > deadline) throw new Error(`runs did not finish: ${JSON.stringify(rows.map((r) => r.status))}`);
    await new Promise((r) => setTimeout(r, 15));
  }
  const done = await database.db.select().from(runs).where(inArray(runs.id, runIds));
  return { most, runs: done, queues };
}

describe("maxConcurrentRuns", () => {
  it("1: several runs started at once run one at a time and all succeed (no named queue: the gate holds them)", async () => {
    const flow = await publishedFlow(1);
    const { most, runs: done, queues } = await startAndObserve(flow, 4);
    expect(queues).toEqual([null]);
    expect(most).toBe(1);
    expect(done.map((r) => [r.status, r.counts.read, r.attempt])).toEqual(done.map(() => ["succeeded", PRODUCTS, 1]));
    // Each run that waited was woken when the one before it ended (not left to its job's re-check,
    // 10 s or more later), oldest first (created_at, then id: these were created in one transaction).
    const byStart = [...done].sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime());
    const waited = byStart.slice(1);
    const byAge = [...waited].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(waited.map((r) => r.id)).toEqual(byAge.map((r) => r.id));
    for (let i = 1; i < byStart.length; i++) {
      expect(byStart[i]!.startedAt!.getTime() - byStart[i - 1]!.finishedAt!.getTime()).toBeLessThan(DEFAULT_RUN_SLOT_RETRY_MS / 2);
    }
  });

  it("2: runs beyond the limit wait (their jobs come back later, no attempt spent) and all succeed; never more than two run", async () => {
    const flow = await publishedFlow(2);
    const { most, runs: done, queues } = await startAndObserve(flow, 5);
    expect(queues).toEqual([null]);
    expect(most).toBe(2);
    expect(done.map((r) => [r.status, r.counts.read, r.attempt])).toEqual(done.map(() => ["succeeded", PRODUCTS, 1]));
    // Every waiting job was put back and then done: nothing is left in the queue. (A job is deleted
    // once its task returns, a moment after its run ended; a job put back for later would be due in 10 s or more.)
    const left = () => database.pool.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'run-flow'").then((r) => r.rows[0].n as number);
    await waitFor("the last job to be done", async () => ((await left()) === 0 ? true : undefined), 3_000);
  });

  it("counts only the flow's own runs: another flow's runs do not hold it back", async () => {
    const busy = await publishedFlow(1);
    const other = await publishedFlow(1);
    const [a, b] = await database.db.transaction(async (tx) => [
      await enqueueRun(tx, { workspaceId, flowId: busy.flowId, flowVersionId: busy.versionId, trigger: "manual" }),
      await enqueueRun(tx, { workspaceId, flowId: other.flowId, flowVersionId: other.versionId, trigger: "manual" }),
    ]);
    let both = false;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const running = await database.db
        .select({ id: runs.id })
        .from(runs)
        .where(and(inArray(runs.id, [a!.runId, b!.runId]), eq(runs.status, "running")));
      if (running.length === 2) {
        both = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(both).toBe(true);
  });
});
