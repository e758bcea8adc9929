import { runEvents, runNodes, runs, runSamples, syncState, type RunStatus } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import type { TestDatabase } from "@flowgate/db/testing";
import type { SupplierApi } from "@flowgate/testkit";
import { and, asc, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueRun } from "./enqueue";
import { createPublishedFlow, failCheckpointOnce, startSupplierToShopFixture, supplierToShopFlow, type SupplierToShopFixture, type TestWorker } from "./testing";

const secrets = createSecretBox("runtime-test-secret-runtime-test-secret-0123");
const PRODUCTS = 250;
const HEARTBEAT_MS = 200;

let database: TestDatabase;
let supplier: SupplierApi;
let worker: TestWorker;
let workspaceId: string;
let shopConnectionId: string;

let fixture: SupplierToShopFixture;

beforeAll(async () => {
  fixture = await startSupplierToShopFixture({ secrets, products: PRODUCTS, seed: 7, workspaceName: "Runtime tests", heartbeatMs: HEARTBEAT_MS });
  ({ database, supplier, worker, workspaceId, shopConnectionId } = fixture);
});

afterAll(() => fixture?.dispose());

beforeEach(async () => {
  supplier.setFault(null);
  await database.pool.query("truncate shop.products, shop.write_log");
});

/** A published flow (its version pinned by the runs); returns its ids. */
async function publishedFlow(document: unknown): Promise<{ flowId: string; versionId: string }> {
  return createPublishedFlow(database.db, workspaceId, document, "Supplier to shop");
}

function start(flow: { flowId: string; versionId: string }) {
  return database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }));
}

async function runRow(runId: string) {
  const [row] = await database.db.select().from(runs).where(eq(runs.id, runId));
  return row!;
}

const FINISHED: RunStatus[] = ["succeeded", "succeeded_with_errors", "failed", "cancelled"];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const finished = (runId: string, timeoutMs?: number) =>
  waitFor(`run ${runId} to finish`, async () => {
    const row = await runRow(runId);
    return FINISHED.includes(row.status) ? row : undefined;
  }, timeoutMs);

async function shopRows() {
  return (await database.pool.query("select sku, price::float8 as price, stock from shop.products order by sku")).rows as { sku: string; price: number; stock: number }[];
}

async function writesPerSku() {
  return (await database.pool.query("select sku, count(*)::int as n from shop.write_log group by sku")).rows as { sku: string; n: number }[];
}

const expectedShop = () => supplier.products.map((p) => ({ sku: p.sku, price: p.price * 2, stock: p.stock }));

describe("run-flow", () => {
  it("runs a published flow end to end: supplier API → map → shop table, with counts, node stats and samples", async () => {
    const flow = await publishedFlow(supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId }));
    const { runId } = await start(flow);
    expect((await runRow(runId)).status).toBe("queued");

    const run = await finished(runId);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    expect(run.attempt).toBe(1);
    expect(run.batchIndex).toBe(PRODUCTS / 50 - 1);
    expect(run.startedAt).toBeInstanceOf(Date);
    expect(run.finishedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
    expect(await shopRows()).toEqual(expectedShop());

    const stats = await database.db.select().from(runNodes).where(eq(runNodes.runId, runId));
    const stat = (nodeId: string, port: string) => stats.find((s) => s.nodeId === nodeId && s.port === port);
    expect(stat("read", "out")?.recordsOut).toBe(PRODUCTS);
    expect(stat("map", "in")?.recordsIn).toBe(PRODUCTS);
    expect(stat("shop", "in")).toMatchObject({ recordsIn: PRODUCTS, errors: 0 });
    const samples = await database.db.select().from(runSamples).where(and(eq(runSamples.runId, runId), eq(runSamples.nodeId, "map")));
    expect(samples[0]?.records).toHaveLength(20);
    expect(samples[0]?.records[0]).toMatchObject({ sku: supplier.products[0]!.sku });
  });

  it("with change detection, a second run writes only what changed, from state kept in sync_state", async () => {
    const flow = await publishedFlow(supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, changesOnly: true }));
    const first = await finished((await start(flow)).runId);
    expect(first.status).toBe("succeeded");
    expect(first.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    const [kept] = await database.db.select({ n: count() }).from(syncState).where(and(eq(syncState.flowId, flow.flowId), eq(syncState.nodeId, "changes")));
    expect(kept?.n).toBe(PRODUCTS);

    const changed = supplier.changePercent(4);
    await database.pool.query("truncate shop.write_log");
    const second = await finished((await start(flow)).runId);
    expect(second.status).toBe("succeeded");
    expect(second.counts).toEqual({ read: PRODUCTS, written: changed.length, errors: 0 });
    expect((await writesPerSku()).map((w) => w.sku).sort()).toEqual([...changed].sort());
    expect(await shopRows()).toEqual(expectedShop());
  });

  it("stops a cancelled run at the next batch boundary and writes nothing after it", async () => {
    const flow = await publishedFlow(supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId }));
    supplier.setFault({ kind: "latency", ms: 300 });
    const { runId } = await start(flow);
    await waitFor("the first checkpoint", async () => ((await runRow(runId)).batchIndex >= 0 ? true : undefined));
    await database.db.update(runs).set({ cancelRequested: true }).where(eq(runs.id, runId));

    const run = await finished(runId);
    expect(run.status).toBe("cancelled");
    expect(run.batchIndex).toBeLessThan(PRODUCTS / 50 - 1);
    // The run's log: when the worker noticed the cancel, and where the run stopped.
    const events = await database.db.select().from(runEvents).where(eq(runEvents.runId, runId)).orderBy(asc(runEvents.id));
    const done = run.batchIndex + 1;
    expect(events.map((e) => e.message)).toEqual([
      "Run started.",
      `Cancel noticed: the run stops after batch ${done}; nothing after it is read or written.`,
      `Cancelled after ${done * 50} records read, ${done * 50} written.`,
    ]);
    const rows = await shopRows();
    expect(rows).toHaveLength((run.batchIndex + 1) * 50);
    // The shop saw exactly the checkpointed batches, each key once, and nothing after the cancel.
    const writes = await writesPerSku();
    expect(writes).toHaveLength(rows.length);
    expect(writes.every((w) => w.n === 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(await shopRows()).toHaveLength(rows.length);
    expect(await writesPerSku()).toHaveLength(rows.length);
  });

  it("beats while a batch is in flight and stops beating when the run ends", async () => {
    const flow = await publishedFlow(supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId }));
    // One slow page: no checkpoint refreshes the heartbeat meanwhile, only the timer.
    supplier.setFault({ kind: "latency", ms: 1_500 });
    const { runId } = await start(flow);
    const firstBeat = await waitFor("the run to start", async () => {
      const row = await runRow(runId);
      return row.status === "running" && row.heartbeatAt ? row.heartbeatAt : undefined;
    });
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 4));
    const later = await runRow(runId);
    expect(later.batchIndex).toBe(-1);
    expect(later.heartbeatAt!.getTime() - firstBeat.getTime()).toBeGreaterThanOrEqual(HEARTBEAT_MS * 2);

    await database.db.update(runs).set({ cancelRequested: true }).where(eq(runs.id, runId));
    supplier.setFault(null);
    const run = await finished(runId);
    expect(run.status).toBe("cancelled");
    expect(run.heartbeatAt).toBeNull();
    await new Promise((r) => setTimeout(r, HEARTBEAT_MS * 3));
    expect((await runRow(runId)).heartbeatAt).toBeNull();
  });

  it("a run whose checkpoint fails resumes on the job's retry from its last checkpoint, writing no key twice", async () => {
    const flow = await publishedFlow(supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, changesOnly: true }));
    // The database refuses the third batch's checkpoint, once (a sequence is not rolled back with it).
    const undo = await failCheckpointOnce(database.pool, 2);
    try {
      supplier.requests.clear();
      const { runId } = await start(flow);
      const run = await finished(runId, 45_000);
      // Resumed, not restarted: the pages before the failed checkpoint were fetched once, the third one twice.
      const fetches = (page: number) => supplier.requests.log.filter((r) => r.path === "/products" && r.query.page === String(page)).length;
      expect([1, 2, 3, 4, 5].map(fetches)).toEqual([1, 1, 2, 1, 1]);
      expect(run.error).toBeNull();
      expect(run.status).toBe("succeeded");
      expect(run.attempt).toBe(2);
      expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
      const writes = await writesPerSku();
      expect(writes).toHaveLength(PRODUCTS);
      expect(writes.filter((w) => w.n !== 1)).toEqual([]);
      expect(await shopRows()).toEqual(expectedShop());
      const [kept] = await database.db.select({ n: count() }).from(syncState).where(and(eq(syncState.flowId, flow.flowId), eq(syncState.nodeId, "changes")));
      expect(kept?.n).toBe(PRODUCTS);
    } finally {
      await undo();
    }
  });

  it("a transient failure (the supplier answers 503 past the node's retries) retries the run from its checkpoint; a lasting one fails it", async () => {
    const document = supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId });
    (document.nodes[1]!.config as { retries: number }).retries = 1;
    const flow = await publishedFlow(document);
    // Two pages go through, then the next request and its one retry get 503.
    supplier.requests.clear();
    supplier.setFault({ kind: "status", status: 503, after: 2, times: 2, path: "/products" });
    const { runId } = await start(flow);
    const waiting = await waitFor("the run to wait for its next attempt", async () => {
      const row = await runRow(runId);
      return row.status === "queued" && row.error ? row : undefined;
    });
    expect(waiting.error?.message).toMatch(/^Attempt 1 of 5 stopped: Node “read” failed: .*503.* The run goes on from its last checkpoint in about 3 s\.$/);
    expect(waiting.batchIndex).toBe(1);
    const run = await finished(runId, 20_000);
    expect(run.status).toBe("succeeded");
    expect(run.error).toBeNull();
    expect(run.attempt).toBe(2);
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    const fetches = (page: number) => supplier.requests.log.filter((r) => r.path === "/products" && r.query.page === String(page)).length;
    // Pages 1 and 2 were checkpointed before the failure: fetched once. Page 3: twice refused, then read.
    expect([1, 2, 3, 4, 5].map(fetches)).toEqual([1, 1, 3, 1, 1]);
    expect((await writesPerSku()).filter((w) => w.n !== 1)).toEqual([]);
    expect(await shopRows()).toEqual(expectedShop());

    // A 404 will not pass by itself: failed at once, no retry.
    supplier.setFault({ kind: "status", status: 404, path: "/products" });
    const lasting = await finished((await start(flow)).runId);
    expect(lasting.status).toBe("failed");
    expect(lasting.attempt).toBe(1);
    expect(lasting.error?.message).toMatch(/404/);
  });

  it("fails a run whose pinned document does not validate, listing its problems", async () => {
    const document = supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId });
    document.nodes[1]!.kind = "source.nowhere";
    const flow = await publishedFlow(document);
    const run = await finished((await start(flow)).runId);
    expect(run.status).toBe("failed");
    expect(run.error?.problems).toEqual([expect.objectContaining({ code: "unknown_kind", nodeId: "read" })]);
    expect(run.error?.message).toMatch(/problem/);
    expect(await shopRows()).toEqual([]);
  });
});
