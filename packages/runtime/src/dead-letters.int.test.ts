import { lineage, newId, recordErrors, runBatches, runs } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import type { TestDatabase } from "@flowgate/db/testing";
import { canonicalJson, type Checkpoint } from "@flowgate/engine";
import type { SupplierApi } from "@flowgate/testkit";
import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeCheckpoint } from "./checkpoint";
import { enqueueRun } from "./enqueue";
import { createPublishedFlow, failCheckpointOnce, startSupplierToShopFixture, supplierToShopFlow, waitForRunEnd, type SupplierToShopFixture, type TestWorker } from "./testing";

const secrets = createSecretBox("runtime-test-secret-runtime-test-secret-0123");
const PRODUCTS = 200;

let database: TestDatabase;
let supplier: SupplierApi;
let worker: TestWorker;
let workspaceId: string;
let shopConnectionId: string;

let fixture: SupplierToShopFixture;

beforeAll(async () => {
  fixture = await startSupplierToShopFixture({ secrets, products: PRODUCTS, seed: 5, workspaceName: "Dead letters", heartbeatMs: 200 });
  ({ database, supplier, worker, workspaceId, shopConnectionId } = fixture);
});

afterAll(() => fixture?.dispose());

beforeEach(async () => {
  await database.pool.query("truncate shop.products, shop.write_log");
});

/** A published flow: supplier → map (price doubled) → shop table, skipping records the table refuses. */
async function publishedFlow(): Promise<{ flowId: string; versionId: string }> {
  const document = supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId });
  document.settings.errorPolicy = "skip";
  return createPublishedFlow(database.db, workspaceId, document, "Supplier to shop");
}

/**
 * Starts a run of the flow; with `retry`, a failed-records run that claims the dead letters it
 * retries, as runs.retryFailed does: these ids, or every open one with its record.
 */
function start(flow: { flowId: string; versionId: string }, retry?: { of: string; ids?: number[] }) {
  return database.db.transaction(async (tx) => {
    const queued = await enqueueRun(tx, {
      workspaceId,
      flowId: flow.flowId,
      flowVersionId: flow.versionId,
      trigger: "manual",
      ...(retry && { retryOf: retry.of, mode: "failed-records" as const }),
    });
    if (retry) {
      await tx
        .update(recordErrors)
        .set({ retriedBy: queued.runId })
        .where(and(eq(recordErrors.runId, retry.of), eq(recordErrors.status, "open"), isNotNull(recordErrors.record), retry.ids ? inArray(recordErrors.id, retry.ids) : undefined));
    }
    return queued;
  });
}

/** The shop table refuses these skus (a check constraint) until the returned function lifts it. */
async function refuse(skus: string[]): Promise<() => Promise<void>> {
  const list = skus.map((sku) => `'${sku}'`).join(", ");
  await database.pool.query(`alter table shop.products add constraint refused_skus check (sku not in (${list}))`);
  return async () => void (await database.pool.query("alter table shop.products drop constraint if exists refused_skus"));
}

const deadLettersOf = (runId: string) => database.db.select().from(recordErrors).where(eq(recordErrors.runId, runId)).orderBy(asc(recordErrors.id));
const writesPerSku = async () =>
  new Map(((await database.pool.query("select sku, count(*)::int as n from shop.write_log group by sku")).rows as { sku: string; n: number }[]).map((r) => [r.sku, r.n]));
const skuAt = (i: number) => supplier.products[i]!.sku;
const batchesOf = (runId: string) => database.db.select().from(runBatches).where(eq(runBatches.runId, runId)).orderBy(asc(runBatches.batchIndex));

describe("writeCheckpoint: dead letters and lineage", () => {
  it("stores the batch's dead letters with their record and attempt, and lineage with the record's hash, in the checkpoint's transaction", async () => {
    const { flowId, versionId } = await publishedFlow();
    const runId = newId();
    await database.db.insert(runs).values({ id: runId, workspaceId, flowId, flowVersionId: versionId, trigger: "manual", attempt: 3 });
    const record = { sku: "A-1", price: 5, tags: { b: 1, a: 2 } };
    const checkpoint: Checkpoint = {
      batchIndex: 0,
      cursor: 1,
      counts: { batches: 1, recordsRead: 2, errors: 1, nodes: {}, edges: {} },
      state: {},
      done: false,
      errors: [{ nodeId: "shop", label: "shop", batchIndex: 0, index: 1, key: "A-1", message: "refused", handling: "skipped", record }],
      lineage: [
        { nodeId: "shop", key: "A-1", op: "error", outcome: "failed", record, detail: "refused", batchIndex: 0 },
        { nodeId: "shop", key: "B-2", op: "create", outcome: "written", record: { sku: "B-2" }, batchIndex: 0 },
      ],
    };
    const target = { workspaceId, flowId, destinationIds: new Set(["shop"]), attempt: 3 };

    // A transaction that does not commit leaves none of it behind.
    await expect(
      database.db.transaction(async (tx) => {
        await writeCheckpoint(tx, runId, checkpoint, target);
        throw new Error("connection lost");
      }),
    ).rejects.toThrow("connection lost");
    expect(await deadLettersOf(runId)).toEqual([]);

    await database.db.transaction((tx) => writeCheckpoint(tx, runId, checkpoint, target));
    expect(await deadLettersOf(runId)).toEqual([
      expect.objectContaining({ nodeId: "shop", batchIndex: 0, index: 1, key: "A-1", message: "refused", record, status: "open", attempt: 3, retriedBy: null }),
    ]);
    const traced = await database.db.select().from(lineage).where(eq(lineage.runId, runId)).orderBy(asc(lineage.id));
    const hash = createHash("sha256").update('{"price":5,"sku":"A-1","tags":{"a":2,"b":1}}').digest("hex").slice(0, 32);
    expect(canonicalJson(record)).toBe('{"price":5,"sku":"A-1","tags":{"a":2,"b":1}}');
    expect(traced.map(({ workspaceId: w, flowId: f, nodeId, key, op, outcome, hash: h, record: r, detail, batchIndex }) => ({ w, f, nodeId, key, op, outcome, h, r, detail, batchIndex }))).toEqual([
      { w: workspaceId, f: flowId, nodeId: "shop", key: "A-1", op: "error", outcome: "failed", h: hash, r: record, detail: "refused", batchIndex: 0 },
      { w: workspaceId, f: flowId, nodeId: "shop", key: "B-2", op: "create", outcome: "written", h: expect.stringMatching(/^[0-9a-f]{32}$/), r: { sku: "B-2" }, detail: null, batchIndex: 0 },
    ]);
  });
});

describe("dead letters on a real worker", () => {
  it("dead letters of an earlier attempt survive a retried attempt, and none is stored twice", async () => {
    const flow = await publishedFlow();
    // One refused record in the first batch (stored by the first attempt), one in the third, whose
    // checkpoint fails once: the second attempt meets that one again and stores it then.
    const lift = await refuse([skuAt(10), skuAt(110)]);
    const undo = await failCheckpointOnce(database.pool, 2);
    try {
      const { runId } = await start(flow);
      const run = await waitForRunEnd(database.db, runId, 45_000);
      expect(run.error).toBeNull();
      expect(run.status).toBe("succeeded_with_errors");
      expect(run.attempt).toBe(2);
      expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS - 2, errors: 2 });
      const letters = await deadLettersOf(runId);
      expect(letters.map((l) => [l.key, l.batchIndex, l.index, l.attempt, l.status])).toEqual([
        [skuAt(10), 0, 10, 1, "open"],
        [skuAt(110), 2, 10, 2, "open"],
      ]);
      // The record as the shop's node received it (after the map), and the table's words.
      expect(letters[0]!.record).toMatchObject({ sku: skuAt(10), price: supplier.products[10]!.price * 2 });
      expect(letters[0]!.message).toMatch(/The table “shop\.products” refused this record: .*refused_skus/);

      // Lineage: nothing from the attempt that was rolled back, no key twice. The third batch's rows
      // were written by that attempt (its checkpoint failed after the shop's transaction committed), so
      // the second attempt found them unchanged: no lineage for them, as for any unchanged record.
      const traced = await database.db.select().from(lineage).where(eq(lineage.runId, runId));
      expect(new Set(traced.map((l) => l.key)).size).toBe(traced.length);
      expect(traced.filter((l) => l.outcome === "failed").map((l) => l.key).sort()).toEqual([skuAt(10), skuAt(110)].sort());
      const written = traced.filter((l) => l.outcome === "written");
      const thirdBatch = new Set(supplier.products.slice(100, 150).map((p) => p.sku));
      expect(written.map((l) => l.key).sort()).toEqual(supplier.products.map((p) => p.sku).filter((sku) => sku !== skuAt(10) && !thirdBatch.has(sku)).sort());
      expect(written.every((l) => l.op === "create" && l.nodeId === "shop")).toBe(true);
    } finally {
      await undo();
      await lift();
    }
  });

  it("a failed-records run replays the open dead letters into their node, in batches, and marks them retried by it", async () => {
    const flow = await publishedFlow();
    // 60 refused records: more than one replay batch of 50.
    const refused = Array.from({ length: 60 }, (_, i) => skuAt(i * 3));
    const lift = await refuse(refused);
    const first = await waitForRunEnd(database.db, (await start(flow)).runId);
    expect(first.counts).toEqual({ read: PRODUCTS, written: PRODUCTS - 60, errors: 60 });
    // The timeline counts each batch's dead letters: every third record of pages of 50.
    expect((await batchesOf(first.id)).map((b) => [b.batchIndex, b.records, b.errors])).toEqual([
      [0, 50, 17],
      [1, 50, 17],
      [2, 50, 16],
      [3, 50, 10],
    ]);
    await lift();
    // One the person dismissed: it stays as it is and is not sent again.
    const letters = await deadLettersOf(first.id);
    const dismissed = letters[5]!;
    await database.db.update(recordErrors).set({ status: "dismissed" }).where(eq(recordErrors.id, dismissed.id));
    await database.pool.query("truncate shop.write_log");

    const retry = await waitForRunEnd(database.db, (await start(flow, { of: first.id })).runId);
    expect(retry.error).toBeNull();
    expect(retry.status).toBe("succeeded");
    expect(retry.counts).toEqual({ read: 59, written: 59, errors: 0 });
    // Two replay batches (50 + 9), each checkpointed.
    expect(retry.batchIndex).toBe(1);
    expect((await batchesOf(retry.id)).map((b) => [b.batchIndex, b.records, b.errors])).toEqual([
      [0, 50, 0],
      [1, 9, 0],
    ]);
    const after = await deadLettersOf(first.id);
    expect(after.filter((l) => l.status === "retried").map((l) => l.retriedBy)).toEqual(Array(59).fill(retry.id));
    expect(after.find((l) => l.id === dismissed.id)?.status).toBe("dismissed");
    // Each replayed record written once; nothing else was read or written.
    const writes = await writesPerSku();
    expect(writes.size).toBe(59);
    expect([...writes.values()].every((n) => n === 1)).toBe(true);
    expect(writes.has(dismissed.key!)).toBe(false);
    const traced = await database.db.select().from(lineage).where(and(eq(lineage.runId, retry.id), eq(lineage.outcome, "written")));
    expect(traced).toHaveLength(59);
  });

  it("a failed-records run sends only the dead letters claimed for it (retry selected); the others stay open, unclaimed", async () => {
    const flow = await publishedFlow();
    const refused = [skuAt(2), skuAt(60), skuAt(61), skuAt(120), skuAt(199)];
    const lift = await refuse(refused);
    const first = await waitForRunEnd(database.db, (await start(flow)).runId);
    expect(first.counts.errors).toBe(5);
    await lift();
    await database.pool.query("truncate shop.write_log");
    const letters = await deadLettersOf(first.id);
    // The second and the fourth: a later unclaimed one (the fifth) and one between them (the third) stay as they are.
    const chosen = [letters[1]!, letters[3]!];

    const retry = await waitForRunEnd(database.db, (await start(flow, { of: first.id, ids: chosen.map((l) => l.id) })).runId);
    expect(retry.status).toBe("succeeded");
    expect(retry.counts).toEqual({ read: 2, written: 2, errors: 0 });
    expect([...(await writesPerSku()).keys()].sort()).toEqual(chosen.map((l) => l.key).sort());
    const after = await deadLettersOf(first.id);
    expect(after.map((l) => [l.key, l.status, l.retriedBy])).toEqual(
      letters.map((l) => (chosen.some((c) => c.id === l.id) ? [l.key, "retried", retry.id] : [l.key, "open", null])),
    );
  });
});
