import { changeSets, runBatches, runEvents } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import type { TestDatabase } from "@flowgate/db/testing";
import type { SupplierApi } from "@flowgate/testkit";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueRun } from "./enqueue";
import {
  createPublishedFlow,
  decideItems,
  runRow,
  startSupplierToShopFixture,
  supplierToShopFlow,
  supplierToShopWithApprovalFlow,
  waitFor,
  waitForRunEnd,
  type SupplierToShopFixture,
} from "./testing";

const secrets = createSecretBox("runtime-test-secret-runtime-test-secret-0123");
const PRODUCTS = 120;
const BATCH = 50;

let fixture: SupplierToShopFixture;
let database: TestDatabase;
let supplier: SupplierApi;

beforeAll(async () => {
  fixture = await startSupplierToShopFixture({ secrets, products: PRODUCTS, seed: 17, workspaceName: "History", heartbeatMs: 200 });
  ({ database, supplier } = fixture);
});

afterAll(() => fixture?.dispose());

beforeEach(async () => {
  supplier.setFault(null);
  await database.pool.query("truncate shop.products, shop.write_log");
});

async function start(document: unknown): Promise<string> {
  const flow = await createPublishedFlow(database.db, fixture.workspaceId, document, "Supplier to shop");
  const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId: fixture.workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }));
  return runId;
}

const batchesOf = (runId: string) => database.db.select().from(runBatches).where(eq(runBatches.runId, runId)).orderBy(asc(runBatches.batchIndex));
const eventsOf = async (runId: string) =>
  (await database.db.select().from(runEvents).where(eq(runEvents.runId, runId)).orderBy(asc(runEvents.id))).map((e) => ({ level: e.level, message: e.message, details: e.details }));

describe("a run's history: its timeline (run_batches) and its log (run_events)", () => {
  it("a run keeps one row per batch (records, errors, time) and says in its log that it started and how it ended", async () => {
    // Each page takes at least 80 ms to come: the batch's time is measured, not made up.
    supplier.setFault({ kind: "latency", ms: 80 });
    const runId = await start(supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId: fixture.shopConnectionId, batchSize: BATCH }));
    const run = await waitForRunEnd(database.db, runId);
    expect(run.status).toBe("succeeded");

    const batches = await batchesOf(runId);
    expect(batches.map((b) => [b.batchIndex, b.records, b.errors])).toEqual([
      [0, 50, 0],
      [1, 50, 0],
      [2, 20, 0],
    ]);
    expect(batches.every((b) => b.ms >= 80 && b.ms < 10_000)).toBe(true);
    expect(batches.map((b) => b.finishedAt.getTime())).toEqual(batches.map((b) => b.finishedAt.getTime()).sort());

    expect(await eventsOf(runId)).toEqual([
      { level: "info", message: "Run started.", details: { attempt: 1, trigger: "manual" } },
      { level: "info", message: `Succeeded: ${PRODUCTS} records read, ${PRODUCTS} written.`, details: { status: "succeeded", counts: { read: PRODUCTS, written: PRODUCTS, errors: 0 } } },
    ]);
  });

  it("a run stopped by a transient failure logs the stop and the next attempt, and its timeline has each batch once", async () => {
    const document = supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId: fixture.shopConnectionId, batchSize: BATCH });
    (document.nodes[1]!.config as { retries: number }).retries = 1;
    // Two pages go through, then the third and its one retry get 503: attempt 2 goes on from there.
    supplier.setFault({ kind: "status", status: 503, after: 2, times: 2, path: "/products" });
    const runId = await start(document);
    const run = await waitForRunEnd(database.db, runId, 20_000);
    expect(run).toMatchObject({ status: "succeeded", attempt: 2 });

    expect((await batchesOf(runId)).map((b) => [b.batchIndex, b.records])).toEqual([
      [0, 50],
      [1, 50],
      [2, 20],
    ]);
    const events = await eventsOf(runId);
    expect(events.map((e) => e.level)).toEqual(["info", "warn", "info", "info"]);
    expect(events[0]!.message).toBe("Run started.");
    expect(events[1]!.message).toMatch(/^Attempt 1 of 5 stopped: Node “read” failed: .*503.* The run goes on from its last checkpoint in about 3 s\.$/);
    expect(events[1]!.details).toEqual({ attempt: 1, maxAttempts: 5, retryInSeconds: 3, nodeId: "read" });
    expect(events[2]).toEqual({
      level: "info",
      message: "Attempt 2 started: it goes on from its last checkpoint (2 batches done, 100 records read).",
      details: { attempt: 2, trigger: "manual", batchIndex: 1 },
    });
    expect(events[3]!.message).toBe(`Succeeded: ${PRODUCTS} records read, ${PRODUCTS} written.`);
  });

  it("a run that waits for approval logs the wait and the resume; the resume's batches continue its timeline", async () => {
    const runId = await start(supplierToShopWithApprovalFlow({ supplierUrl: supplier.url, shopConnectionId: fixture.shopConnectionId, batchSize: BATCH, review: {} }));
    await waitFor("the run to wait for approval", async () => ((await runRow(database.db, runId)).status === "awaiting_approval" ? true : undefined));
    const [set] = await database.db.select().from(changeSets).where(eq(changeSets.runId, runId));
    expect((await eventsOf(runId)).map((e) => e.message)).toEqual([
      "Run started.",
      `Waiting for approval: ${PRODUCTS} changes at “Price review”. The run sends the approved changes on once they are decided.`,
    ]);

    await decideItems(database.db, set!.id, supplier.products.map((p) => p.sku), "approved");
    const run = await waitForRunEnd(database.db, runId);
    expect(run.status).toBe("succeeded");
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });

    // The first pass read three pages (batches 0–2); the resume sent the decided changes on in batches of the flow's size, as batches 3–5.
    expect((await batchesOf(runId)).map((b) => [b.batchIndex, b.records, b.errors])).toEqual([
      [0, 50, 0],
      [1, 50, 0],
      [2, 20, 0],
      [3, 50, 0],
      [4, 50, 0],
      [5, 20, 0],
    ]);
    expect((await eventsOf(runId)).map((e) => e.message)).toEqual([
      "Run started.",
      expect.stringMatching(/^Waiting for approval/),
      `Resumed to send the decided changes of “Price review” on: ${PRODUCTS} approved, 0 rejected.`,
      `Succeeded: ${PRODUCTS} records read, ${PRODUCTS} written.`,
    ]);
  });
});
