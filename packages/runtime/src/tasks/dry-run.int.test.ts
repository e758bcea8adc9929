import { dryRuns, newId, syncState, type DryRunOptions } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobHelpers } from "graphile-worker";
import { addDryRunJob, enqueueRun } from "../enqueue";
import { silentLog } from "../log";
import { createPublishedFlow, startSupplierToShopFixture, supplierToShopFlow, waitFor, waitForRunEnd, type SupplierToShopFixture } from "../testing";
import { createPruneHistoryTask } from "./prune-history";

const secrets = createSecretBox("runtime-test-secret-runtime-test-secret-0123");
const PRODUCTS = 120;

let fixture: SupplierToShopFixture;

beforeAll(async () => {
  fixture = await startSupplierToShopFixture({ secrets, products: PRODUCTS, seed: 23, workspaceName: "Dry run tests" });
});

afterAll(() => fixture?.dispose());

beforeEach(async () => {
  fixture.supplier.setFault(null);
  await fixture.database.pool.query("truncate shop.products, shop.write_log");
});

type Document = ReturnType<typeof supplierToShopFlow>;

/** What the API's flows.dryRun does: the row and its job in one transaction. Waits for the worker to finish it. */
async function dryRun(flowId: string, document: unknown, options: DryRunOptions) {
  const id = newId();
  await fixture.database.db.transaction(async (tx) => {
    await tx.insert(dryRuns).values({ id, workspaceId: fixture.workspaceId, flowId, document: document as never, options });
    await addDryRunJob(tx, id);
  });
  return waitFor(`dry run ${id} to end`, async () => {
    const [row] = await fixture.database.db.select().from(dryRuns).where(eq(dryRuns.id, id));
    return row && (row.status === "succeeded" || row.status === "failed") ? row : undefined;
  });
}

async function flowOf(document: unknown) {
  return (await createPublishedFlow(fixture.database.db, fixture.workspaceId, document, "Dry run")).flowId;
}

function demoFlow(options: { errorPolicy?: "fail" | "skip" } = {}): Document {
  const document = supplierToShopFlow({ supplierUrl: fixture.supplier.url, shopConnectionId: fixture.shopConnectionId, changesOnly: true });
  if (options.errorPolicy) document.settings.errorPolicy = options.errorPolicy;
  return document;
}

async function shopRows() {
  return (await fixture.database.pool.query("select sku, price::float8 as price, stock from shop.products order by sku")).rows as { sku: string; price: number; stock: number }[];
}

async function stateOf(flowId: string) {
  return fixture.database.db.select({ key: syncState.key, value: syncState.value }).from(syncState).where(eq(syncState.flowId, flowId)).orderBy(asc(syncState.key));
}

describe("dry-run", () => {
  it("runs supplier → changes → map → postgres on the first records: edge counts and planned creates, nothing written, no state kept", async () => {
    const document = demoFlow();
    const flowId = await flowOf(document);
    const row = await dryRun(flowId, document, { limit: 30 });

    expect(row.error).toBeNull();
    expect(row.status).toBe("succeeded");
    expect(row.startedAt).toBeInstanceOf(Date);
    expect(row.finishedAt).toBeInstanceOf(Date);
    const result = row.result!;
    expect(result).toMatchObject({ status: "succeeded", recordsRead: 30, truncated: true, errors: [], notPreviewable: {} });
    // start → read → changes → map → shop
    expect(result.edges).toEqual({ e1: 0, e2: 30, e3: 30, e4: 30 });
    expect(result.nodes.shop).toMatchObject({ in: 30, errors: 0 });
    expect(result.samples.map!.out).toHaveLength(30);

    const first = fixture.supplier.products[0]!;
    expect(result.planned.shop).toHaveLength(30);
    expect(result.planned.shop!.every((write) => write.op === "create" && write.before === undefined)).toBe(true);
    expect(result.planned.shop![0]).toMatchObject({ key: first.sku, after: { sku: first.sku, price: first.price * 2, stock: first.stock } });

    expect(await shopRows()).toEqual([]);
    expect(await stateOf(flowId)).toEqual([]);
  });

  it("after a real run and a supplier price change, plans exactly the updates, with the row before and after", async () => {
    const document = demoFlow();
    const { flowId, versionId } = await createPublishedFlow(fixture.database.db, fixture.workspaceId, document, "Synced");
    const { runId } = await fixture.database.db.transaction((tx) => enqueueRun(tx, { workspaceId: fixture.workspaceId, flowId, flowVersionId: versionId, trigger: "manual" }));
    expect((await waitForRunEnd(fixture.database.db, runId)).status).toBe("succeeded");
    const shopBefore = await shopRows();
    const stateBefore = await stateOf(flowId);
    expect(stateBefore).toHaveLength(PRODUCTS);

    const oldPrices = new Map(fixture.supplier.products.map((p) => [p.sku, p.price]));
    const changed = fixture.supplier.changePercent(5);
    const row = await dryRun(flowId, document, { limit: 1000 });

    expect(row.status).toBe("succeeded");
    const result = row.result!;
    expect(result).toMatchObject({ recordsRead: PRODUCTS, truncated: false });
    expect(result.edges.e3).toBe(changed.length);
    const planned = result.planned.shop!;
    expect(planned.map((w) => w.key).sort()).toEqual([...changed].sort());
    for (const write of planned) {
      const now = fixture.supplier.products.find((p) => p.sku === write.key)!;
      expect(write.op).toBe("update");
      expect(Number(write.before!.price)).toBe(oldPrices.get(write.key)! * 2);
      expect(Number(write.after!.price)).toBe(now.price * 2);
    }
    // Nothing was written, and change detection still remembers the old values: the real run will send them.
    expect(await shopRows()).toEqual(shopBefore);
    expect(await stateOf(flowId)).toEqual(stateBefore);
  });

  it("tests one node on pinned input: that node's output samples and per-record errors, with their records", async () => {
    const document = demoFlow({ errorPolicy: "skip" });
    const flowId = await flowOf(document);
    const input = [
      { sku: "PIN-1", price: 10, stock: 1 },
      { sku: "PIN-2", price: "ten", stock: 2 },
      { sku: "PIN-3", price: 2.5, stock: 3 },
    ];
    const row = await dryRun(flowId, document, { limit: 100, nodeId: "map", input });

    expect(row.status).toBe("succeeded");
    const result = row.result!;
    expect(result.status).toBe("succeeded_with_errors");
    expect(result.recordsRead).toBe(3);
    expect(result.truncated).toBe(false);
    // The source was not read: the records went straight into the map.
    expect(result.nodes.read).toMatchObject({ in: 0, out: {} });
    expect(result.nodes.map).toMatchObject({ in: 3, errors: 1, out: { out: 2 } });
    expect(result.samples.map!.out).toEqual([
      { sku: "PIN-1", price: 20, stock: 1 },
      { sku: "PIN-3", price: 5, stock: 3 },
    ]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ nodeId: "map", index: 1, record: input[1] });
    expect(result.errors[0]!.message).toMatch(/price/);
    expect(result.planned.shop!.map((w) => [w.op, w.key])).toEqual([
      ["create", "PIN-1"],
      ["create", "PIN-3"],
    ]);
    expect(await shopRows()).toEqual([]);
  });

  it("under the flow's “fail” policy, a node test stops at the failing record and shows it", async () => {
    const document = demoFlow();
    const flowId = await flowOf(document);
    const row = await dryRun(flowId, document, { limit: 100, nodeId: "map", input: [{ sku: "BAD-1", price: "ten" }] });
    expect(row.status).toBe("failed");
    expect(row.result!.error).toMatchObject({ nodeId: "map" });
    expect(row.result!.error!.message).toMatch(/“map” failed on record 1/);
    expect(row.result!.errors).toMatchObject([{ nodeId: "map", index: 0, record: { sku: "BAD-1", price: "ten" } }]);
  });

  it("fails a flow that does not validate, naming its problems, the node and the field", async () => {
    const document = demoFlow();
    document.nodes[3]!.config = { fields: [{ target: "price", expression: "price * " }], keyField: "sku" };
    const flowId = await flowOf(demoFlow());
    const row = await dryRun(flowId, document, { limit: 100 });

    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^The flow has 1 problem\(s\), so the dry run did not start:\n• .*map/);
    expect(row.result!.error).toMatchObject({ nodeId: "map", field: "fields.0.expression" });
    expect(row.result!.error!.message).toBe(row.error);
    expect(row.result!.recordsRead).toBe(0);
  });

  it("a webhook flow reads the pasted sample; without one it says that it needs one", async () => {
    const document = {
      schemaVersion: 1,
      nodes: [
        { id: "hook", kind: "trigger.webhook", kindVersion: 1, label: "Orders arrive", position: { x: 0, y: 0 }, config: {} },
        { id: "shop", kind: "destination.postgres", kindVersion: 1, label: "Shop", position: { x: 200, y: 0 }, config: { connectionId: fixture.shopConnectionId, table: "shop.products", keyColumns: ["sku"] } },
      ],
      edges: [{ id: "e1", source: "hook", sourcePort: "out", target: "shop", targetPort: "in" }],
      settings: { batchSize: 100, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
    };
    const flowId = await flowOf(document);

    const empty = await dryRun(flowId, document, { limit: 100 });
    expect(empty.status).toBe("failed");
    expect(empty.result!.error).toMatchObject({ nodeId: "hook" });
    expect(empty.error).toMatch(/^A webhook flow's dry run needs a sample body: select “Orders arrive”, choose Test node, and paste/);

    const sample = [
      { sku: "HOOK-1", name: "One", price: 1, stock: 1 },
      { sku: "HOOK-2", name: "Two", price: 2, stock: 2 },
      { sku: "HOOK-3", name: "Three", price: 3, stock: 3 },
    ];
    const pasted = await dryRun(flowId, document, { limit: 2, nodeId: "hook", input: sample });
    expect(pasted.status).toBe("succeeded");
    expect(pasted.result).toMatchObject({ recordsRead: 2, truncated: true, edges: { e1: 2 } });
    expect(pasted.result!.samples.hook!.out).toEqual(sample.slice(0, 2));
    expect(pasted.result!.planned.shop!.map((w) => w.key)).toEqual(["HOOK-1", "HOOK-2"]);
    expect(await shopRows()).toEqual([]);
  });

  it("says what a node test needs when it is missing", async () => {
    const document = demoFlow();
    const flowId = await flowOf(document);
    const noInput = await dryRun(flowId, document, { limit: 100, nodeId: "map" });
    expect(noInput.error).toMatch(/^Testing “map” needs records to send into it/);
    const intoSource = await dryRun(flowId, document, { limit: 100, nodeId: "read", input: [{ sku: "X" }] });
    expect(intoSource.error).toMatch(/^“read” reads its own records, so it takes no sample records/);
    // A source's test reads it, as the whole flow's dry run does.
    const source = await dryRun(flowId, document, { limit: 5, nodeId: "read" });
    expect(source.status).toBe("succeeded");
    expect(source.result!.samples.read!.out).toHaveLength(5);
  });

  it("keeps dry runs for a day: prune-history removes older ones", async () => {
    const flowId = await flowOf(demoFlow());
    const old = newId();
    const recent = newId();
    await fixture.database.db.insert(dryRuns).values([
      { id: old, workspaceId: fixture.workspaceId, flowId, document: demoFlow() as never, options: { limit: 1 }, createdAt: new Date(Date.now() - 25 * 3_600_000) },
      { id: recent, workspaceId: fixture.workspaceId, flowId, document: demoFlow() as never, options: { limit: 1 }, createdAt: new Date(Date.now() - 23 * 3_600_000) },
    ]);
    await createPruneHistoryTask({ db: fixture.database.db, log: silentLog })(null, {} as JobHelpers);
    const left = await fixture.database.db.select({ id: dryRuns.id }).from(dryRuns).where(eq(dryRuns.flowId, flowId));
    expect(left.map((r) => r.id)).toEqual([recent]);
  });
});
