import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema, postgresConnectionParts, startTestWorker, supplierToShopFlow, type TestWorker } from "@flowgate/runtime/testing";
import { createShopProductsTable, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

const PRODUCTS = 180;

let api: Awaited<ReturnType<typeof createTestApi>>;
let supplier: SupplierApi;
let worker: TestWorker;
let editor: TestUser;
let shopConnectionId: string;

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  await createShopProductsTable(api.database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 11 });
  editor = await api.signUp("Rita");
  // The shop table lives in this test's own database, reached through a stored (encrypted) connection.
  const parts = postgresConnectionParts(api.database.connectionString);
  ({ id: shopConnectionId } = await editor.caller.connections.create({ kind: "postgres", name: "Shop", settings: parts.settings, secret: parts.secret }));
  worker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
});

afterAll(async () => {
  await worker?.stop();
  await supplier?.close();
  await api?.dispose();
});

async function publishedFlow(name: string, options: { changesOnly?: boolean; batchSize?: number } = {}) {
  const { id: flowId } = await editor.caller.flows.create({ name });
  const { problems } = await editor.caller.flows.saveDraft({ flowId, baseRevision: 0, document: supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, ...options }) });
  expect(problems).toEqual([]);
  await editor.caller.flows.publish({ flowId });
  return flowId;
}

async function waitForEnd(runId: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const run = await editor.caller.runs.get({ runId });
    if (["succeeded", "succeeded_with_errors", "failed", "cancelled"].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

describe("runs", () => {
  it("start runs the published flow on the worker: the shop table is filled and the counts add up", async () => {
    const flowId = await publishedFlow("Supplier to shop");
    const { runId } = await editor.caller.runs.start({ flowId });
    const run = await waitForEnd(runId);
    expect(run).toMatchObject({ status: "succeeded", trigger: "manual", versionNumber: 1, flowName: "Supplier to shop", error: null });
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    expect(run.nodes.find((n) => n.nodeId === "read")?.out).toEqual({ out: PRODUCTS });
    expect(run.nodes.find((n) => n.nodeId === "shop")).toMatchObject({ in: PRODUCTS, errors: 0 });
    const shop = await api.database.pool.query("select sku, price::float8 as price from shop.products order by sku");
    expect(shop.rows).toEqual(supplier.products.map((p) => ({ sku: p.sku, price: p.price * 2 })));

    const listed = await editor.caller.runs.list({ flowId });
    expect(listed.items.map((r) => [r.id, r.status])).toEqual([[runId, "succeeded"]]);
    await expect(editor.caller.runs.cancel({ runId })).rejects.toThrow(/already ended/);
  });

  it("a second run with change detection writes only what changed", async () => {
    const flowId = await publishedFlow("Only changes", { changesOnly: true });
    const first = await waitForEnd((await editor.caller.runs.start({ flowId })).runId);
    expect(first.counts.written).toBe(PRODUCTS);
    const changed = supplier.changePercent(5);
    const second = await waitForEnd((await editor.caller.runs.start({ flowId })).runId);
    expect(second.status).toBe("succeeded");
    expect(second.counts).toEqual({ read: PRODUCTS, written: changed.length, errors: 0 });
  });

  it("refuses to start a flow that was never published", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Draft only" });
    await expect(editor.caller.runs.start({ flowId })).rejects.toThrow(/Publish the flow first/);
  });

  it("cancel of a queued run cancels it at once; a running one stops at the next batch", async () => {
    const flowId = await publishedFlow("Slow supplier");
    supplier.setFault({ kind: "latency", ms: 250 });
    try {
      const { runId } = await editor.caller.runs.start({ flowId });
      const deadline = Date.now() + 20_000;
      while ((await editor.caller.runs.get({ runId })).batchIndex < 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await editor.caller.runs.cancel({ runId })).status).toBe("running");
      const run = await waitForEnd(runId);
      expect(run.status).toBe("cancelled");
      expect(run.counts.read).toBeLessThan(PRODUCTS);
    } finally {
      supplier.setFault(null);
    }

    // A run no worker has picked up yet: stop the worker, queue one, cancel it.
    await worker.stop();
    try {
      const { runId } = await editor.caller.runs.start({ flowId });
      expect(await editor.caller.runs.cancel({ runId })).toEqual({ runId, status: "cancelled" });
      expect((await editor.caller.runs.get({ runId })).finishedAt).not.toBeNull();
    } finally {
      worker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
    }
  });

  it("lists runs newest first, page by page, without gaps or repeats", async () => {
    const flowId = await publishedFlow("Paged");
    await worker.stop();
    const started: string[] = [];
    try {
      for (let i = 0; i < 7; i++) started.push((await editor.caller.runs.start({ flowId })).runId);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await editor.caller.runs.list({ flowId, limit: 3, ...(cursor && { cursor }) });
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual([...started].reverse());
      expect((await editor.caller.runs.list({ flowId, status: "queued" })).items).toHaveLength(7);
      expect((await editor.caller.runs.list({ flowId, status: "succeeded" })).items).toHaveLength(0);
      expect((await editor.caller.runs.list({ flowId, trigger: "manual" })).items).toHaveLength(7);
      expect((await editor.caller.runs.list({ flowId, trigger: "webhook" })).items).toHaveLength(0);
      // A time range: from the fourth run on (inclusive), before the sixth (exclusive).
      const times = await Promise.all(started.map(async (runId) => (await editor.caller.runs.get({ runId })).createdAt));
      const ranged = await editor.caller.runs.list({ flowId, from: times[3]!, to: times[5]! });
      expect(ranged.items.map((r) => r.id)).toEqual([started[4], started[3]]);
      await expect(editor.caller.runs.list({ flowId, from: "yesterday" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      for (const runId of started) await editor.caller.runs.cancel({ runId });
    } finally {
      worker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
    }
  });
});
