import type { Fault } from "@flowgate/testkit";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema, startTestWorker, type TestWorker } from "@flowgate/runtime/testing";
import { startShopApi, startSupplierApi, type ShopApi, type SupplierApi } from "@flowgate/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

/**
 * Test 3 of the runs issue: destination faults through destination.http against the test kit's shop
 * API, retried as the step is configured; records that still fail become dead letters; once the fault
 * is gone, runs.retryFailed writes them, once.
 */

const PRODUCTS = 40;
const RETRIES = 2;

let api: Awaited<ReturnType<typeof createTestApi>>;
let supplier: SupplierApi;
let shop: ShopApi;
let worker: TestWorker;
let editor: TestUser;
let flowId: string;

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 13 });
  shop = await startShopApi();
  editor = await api.signUp("Dana");
  const { id: shopConnectionId } = await editor.caller.connections.create({ kind: "http", name: "Shop API", settings: { baseUrl: shop.url } });
  ({ id: flowId } = await editor.caller.flows.create({ name: "Supplier to shop API" }));
  const node = (id: string, kind: string, config: Record<string, unknown>, x: number) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
  const { problems } = await editor.caller.flows.saveDraft({
    flowId,
    baseRevision: 0,
    document: {
      schemaVersion: 1,
      nodes: [
        node("start", "trigger.manual", {}, 0),
        node("read", "source.http", { url: `${supplier.url}/products`, recordsPath: "data", pagination: { mode: "page", pageSize: 20 } }, 200),
        node("shop", "destination.http", { connectionId: shopConnectionId, method: "PUT", url: "/products/{sku}", keyField: "sku", retries: RETRIES, timeoutSeconds: 0.5 }, 400),
      ],
      edges: [
        { id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" },
        { id: "e2", source: "read", sourcePort: "out", target: "shop", targetPort: "in" },
      ],
      settings: { batchSize: 20, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "skip" },
    },
  });
  expect(problems).toEqual([]);
  await editor.caller.flows.publish({ flowId });
  worker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
});

afterAll(async () => {
  await worker?.stop();
  await shop?.close();
  await supplier?.close();
  await api?.dispose();
});

beforeEach(() => {
  shop.reset();
});

async function waitForEnd(runId: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const run = await editor.caller.runs.get({ runId });
    if (["succeeded", "succeeded_with_errors", "failed", "cancelled"].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

const skuAt = (i: number) => supplier.products[i]!.sku;
const requestsFor = (sku: string) => shop.requests.log.filter((r) => r.path === `/products/${sku}` && r.method === "PUT");
const writesOf = (sku: string) => shop.writes.filter((w) => w.sku === sku);

describe("destination faults", () => {
  const transient: [string, (path: string) => Fault, number][] = [
    ["a request that hangs past the timeout", (path) => ({ kind: "hang", path, times: 1 }), 2],
    ["a connection reset", (path) => ({ kind: "reset", path, times: 1 }), 2],
    ["a 500 answer, twice,", (path) => ({ kind: "status", status: 500, path, times: 2 }), 3],
    ["a 429 with Retry-After", (path) => ({ kind: "retry-after", status: 429, retryAfter: 1, path, times: 1 }), 2],
  ];

  it.each(transient)("%s is retried as configured and the record written once", async (what, fault, attempts) => {
    const sku = skuAt(7);
    shop.setFault(fault(`/products/${sku}`));
    const run = await waitForEnd((await editor.caller.runs.start({ flowId })).runId);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    expect(requestsFor(sku)).toHaveLength(attempts);
    expect(writesOf(sku)).toHaveLength(1);
    expect(shop.state.size).toBe(PRODUCTS);
    const [faulted, retried] = requestsFor(sku);
    // Every attempt carries the same idempotency key.
    expect(retried!.headers["idempotency-key"]).toBe(faulted!.headers["idempotency-key"]);
    if (what.includes("Retry-After")) expect(retried!.at - faulted!.at).toBeGreaterThanOrEqual(950);
  });

  it("records that still fail become dead letters; after the fault is gone, retryFailed writes them once, and lineage shows both", async () => {
    const refused = skuAt(3);
    const broken = skuAt(25);
    shop.failSku(refused, { status: 422, message: "Unknown category" });
    shop.failSku(broken, { status: 500, message: "Database unavailable" });

    const { runId } = await editor.caller.runs.start({ flowId });
    const run = await waitForEnd(runId);
    expect(run.status).toBe("succeeded_with_errors");
    expect(run.counts).toEqual({ read: PRODUCTS, written: PRODUCTS - 2, errors: 2 });
    // A 500 is retried as configured, a 422 is not: the shop said no.
    expect(requestsFor(broken)).toHaveLength(RETRIES + 1);
    expect(requestsFor(refused)).toHaveLength(1);

    const letters = (await editor.caller.runs.errors({ runId })).items;
    expect(letters.map((l) => [l.key, l.nodeId, l.batchIndex, l.status, l.attempt])).toEqual([
      [refused, "shop", 0, "open", 1],
      [broken, "shop", 1, "open", 1],
    ]);
    expect(letters[0]!.record).toEqual(supplier.products[3]);
    expect(letters[0]!.message).toMatch(new RegExp(`PUT .*/products/${refused} answered 422.*Unknown category`));
    expect(letters[1]!.record).toEqual(supplier.products[25]);
    expect(letters[1]!.message).toMatch(/answered 500.*Database unavailable/);

    shop.clearFailures();
    const retry = await editor.caller.runs.retryFailed({ runId });
    expect(retry.records).toBe(2);
    const retried = await waitForEnd(retry.runId);
    expect(retried.error).toBeNull();
    expect(retried.status).toBe("succeeded");
    expect(retried.counts).toEqual({ read: 2, written: 2, errors: 0 });
    expect(retried.versionNumber).toBe(run.versionNumber);

    expect((await editor.caller.runs.errors({ runId })).items.map((l) => [l.key, l.status, l.retriedBy])).toEqual([
      [refused, "retried", retry.runId],
      [broken, "retried", retry.runId],
    ]);
    expect((await editor.caller.runs.errors({ runId: retry.runId })).items).toEqual([]);
    await expect(editor.caller.runs.retryFailed({ runId })).rejects.toThrow(/no failed records left/);

    // The shop applied every key once; the retry's idempotency key is not the refused attempt's,
    // whose 422 the shop remembers and would have answered again.
    expect(shop.writes).toHaveLength(PRODUCTS);
    expect(new Set(shop.writes.map((w) => w.sku)).size).toBe(PRODUCTS);
    expect(shop.state.get(refused)).toEqual(supplier.products[3]);
    const keysOfRefused = new Set(requestsFor(refused).map((r) => r.headers["idempotency-key"]));
    expect(keysOfRefused.size).toBe(2);
    expect(writesOf(refused)[0]!.idempotencyKey).toBe(requestsFor(refused).at(-1)!.headers["idempotency-key"]);

    // Lineage of the refused sku, newest first: the write of the retry, then the refusal (then the earlier tests' runs).
    const history = await editor.caller.lineage.search({ key: refused, limit: 2 });
    expect(history.items.map((l) => [l.runId, l.runStatus, l.flowName, l.nodeId, l.op, l.outcome])).toEqual([
      [retry.runId, "succeeded", "Supplier to shop API", "shop", "upsert", "written"],
      [runId, "succeeded_with_errors", "Supplier to shop API", "shop", "error", "failed"],
    ]);
    expect(history.items[0]!.detail).toBe("HTTP 201");
    expect(history.items[1]!.detail).toMatch(/answered 422/);
    expect(history.items[0]!.hash).toBe(history.items[1]!.hash);
  });

  it("retrying chosen failed records sends exactly those; the others stay open for a later retry", async () => {
    const skus = [skuAt(5), skuAt(15), skuAt(35)];
    for (const sku of skus) shop.failSku(sku, { status: 422, message: "Unknown category" });
    const { runId } = await editor.caller.runs.start({ flowId });
    expect((await waitForEnd(runId)).counts).toEqual({ read: PRODUCTS, written: PRODUCTS - 3, errors: 3 });
    const letters = (await editor.caller.runs.errors({ runId })).items;
    expect(letters.map((l) => l.key)).toEqual(skus);

    shop.clearFailures();
    const before = shop.writes.length;
    const chosen = [letters[0]!.id, letters[2]!.id];
    const retry = await editor.caller.runs.retryFailed({ runId, ids: chosen });
    expect(retry.records).toBe(2);
    const retried = await waitForEnd(retry.runId);
    expect(retried.status).toBe("succeeded");
    expect(retried.counts).toEqual({ read: 2, written: 2, errors: 0 });
    expect(shop.writes.slice(before).map((w) => w.sku).sort()).toEqual([skus[0], skus[2]].sort());
    expect((await editor.caller.runs.errors({ runId })).items.map((l) => [l.key, l.status, l.retriedBy])).toEqual([
      [skus[0], "retried", retry.runId],
      [skus[1], "open", null],
      [skus[2], "retried", retry.runId],
    ]);

    // The one left is retried on its own; the retried ones are not sent again.
    const rest = await editor.caller.runs.retryFailed({ runId });
    expect(rest.records).toBe(1);
    expect((await waitForEnd(rest.runId)).counts).toEqual({ read: 1, written: 1, errors: 0 });
    expect(shop.writes.slice(before).map((w) => w.sku).sort()).toEqual([...skus].sort());
    expect((await editor.caller.runs.errors({ runId })).items.map((l) => l.status)).toEqual(["retried", "retried", "retried"]);
  });
});
