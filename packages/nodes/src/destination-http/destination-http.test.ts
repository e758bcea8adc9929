import type { FlowRecord, LineageEntry } from "@flowgate/engine";
import type { Flow, FlowInput } from "@flowgate/flow";
import { startShopApi, startSupplierApi, type ShopApi, type SupplierApi } from "@flowgate/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configure, fixtureFlow, runFixture, type FixtureRunOptions } from "../testing/fixtures";
import { createTestServices, type TestServices } from "../testing/services";
import { HttpDestinationConfigSchema } from "./definition";
import changesToShop from "./fixtures/changes-to-shop.json";
import supplierToShop from "./fixtures/supplier-to-shop.json";

const COUNT = 120;
let supplier: SupplierApi;
let shop: ShopApi;
let services: TestServices | undefined;

beforeAll(async () => {
  supplier = await startSupplierApi({ count: COUNT });
  shop = await startShopApi();
});
afterEach(async () => {
  shop.reset();
  await services?.close();
  services = undefined;
});
afterAll(async () => {
  await Promise.all([supplier.close(), shop.close()]);
});

function connect(shopUrl = shop.url) {
  void services?.close();
  services = createTestServices();
  services.addConnection({ id: "supplier-api", kind: "http", name: "Supplier", settings: { baseUrl: supplier.url }, secret: null });
  services.addConnection({ id: "shop-api", kind: "http", name: "Shop", settings: { baseUrl: shopUrl }, secret: null });
}

const fixtures = { "supplier-to-shop": supplierToShop, "changes-to-shop": changesToShop };

function fixture(name: keyof typeof fixtures, shopConfig: Record<string, unknown> = {}, change?: (flow: FlowInput) => void) {
  return fixtureFlow(fixtures[name], (doc) => {
    configure(doc, "shop", shopConfig);
    change?.(doc);
  });
}

function withRecords(records: FlowRecord[]) {
  return (doc: FlowInput) => {
    doc.nodes.find((n) => n.id === "changes")!.config = { records };
  };
}

const run = (flow: Flow, options: FixtureRunOptions = {}) => runFixture(flow, { services, ...options });

describe("destination.http: writing", () => {
  it("sends one request per record, the record as the body, with an idempotency key", async () => {
    connect();
    const report = await run(fixture("supplier-to-shop"));
    expect(report.error).toBeUndefined();
    expect(report.status).toBe("succeeded");
    expect(shop.writes).toHaveLength(COUNT);
    expect(shop.writes.every((w) => w.method === "PUT" && !w.batch && w.idempotencyKey)).toBe(true);
    expect([...shop.state.values()]).toEqual(expect.arrayContaining(supplier.products));
    expect(shop.state.size).toBe(COUNT);
    expect(shop.idempotencyKeys.size).toBe(COUNT);
  });

  it("sending the same records again in the same run (resumed after a crash) changes nothing the second time", async () => {
    connect();
    const flow = fixture("supplier-to-shop");
    await run(flow);
    const second = await run(flow);
    expect(second.status).toBe("succeeded");
    expect(shop.writes).toHaveLength(COUNT);
    expect([...shop.idempotencyKeys.values()].every((count) => count === 2)).toBe(true);
  });

  it("a record refused in one run is written by another once the cause is gone: the refusal does not stick to its key", async () => {
    connect();
    const bad = supplier.products[3]!.sku;
    shop.failSku(bad, { status: 422, message: "Unknown category" });
    const flow = fixture("supplier-to-shop");
    expect((await run(flow, { run: { id: "run-1" } })).errors.map((e) => e.key)).toEqual([bad]);
    shop.clearFailures();
    const retry = await run(flow, { run: { id: "run-2" } });
    expect(retry.status).toBe("succeeded");
    expect(shop.writes.filter((w) => w.sku === bad)).toHaveLength(1);
    expect(shop.state.get(bad)).toEqual(supplier.products[3]);
  });

  it("reports what the API took as its writes, with the status it answered, for lineage", async () => {
    connect();
    const lineage: LineageEntry[] = [];
    const bad = supplier.products[1]!.sku;
    shop.failSku(bad, { status: 409, message: "Product is locked" });
    await run(fixture("supplier-to-shop"), { checkpoint: { save: async (c) => void lineage.push(...c.lineage) } });
    expect(lineage).toHaveLength(COUNT);
    expect(lineage[0]).toEqual({
      nodeId: "shop",
      key: bad,
      op: "error",
      outcome: "failed",
      record: supplier.products[1],
      detail: expect.stringContaining("answered 409"),
      batchIndex: 0,
    });
    expect(lineage[1]).toEqual({ nodeId: "shop", key: supplier.products[0]!.sku, op: "upsert", outcome: "written", record: supplier.products[0], detail: "HTTP 201", batchIndex: 0 });
    expect(lineage.filter((l) => l.outcome === "written")).toHaveLength(COUNT - 1);

    // Batched: each record the API took, by its 207 answer.
    lineage.length = 0;
    shop.reset();
    shop.failSku(bad, { status: 409, message: "Product is locked" });
    await run(fixture("supplier-to-shop", { method: "POST", url: "/products/batch", batchMode: { size: 25 } }), {
      checkpoint: { save: async (c) => void lineage.push(...c.lineage) },
    });
    const written = lineage.filter((l) => l.outcome === "written");
    expect(written).toHaveLength(COUNT - 1);
    expect(written.map((l) => l.key)).not.toContain(bad);
    expect(new Set(written.map((l) => l.detail))).toEqual(new Set(["HTTP 207", "HTTP 200"]));
  });

  it("sends arrays of N records to the batch URL", async () => {
    connect();
    const report = await run(fixture("supplier-to-shop", { method: "POST", url: "/products/batch", batchMode: { size: 25 } }));
    expect(report.error).toBeUndefined();
    expect(shop.writes).toHaveLength(COUNT);
    expect(shop.writes.every((w) => w.batch)).toBe(true);
    // Source batches of 50, 50 and 20 → requests of 25, 25, 25, 25 and 20.
    expect(shop.requests.countFor("/products/batch", "POST")).toBe(5);
    // A replayed batch changes nothing either.
    await run(fixture("supplier-to-shop", { method: "POST", url: "/products/batch", batchMode: { size: 25 } }));
    expect(shop.writes).toHaveLength(COUNT);
  });

  it("a refused record is an error with its key, the status and the answer, while the others are written", async () => {
    connect();
    const bad = supplier.products[7]!.sku;
    shop.failSku(bad, { status: 422, message: "Unknown category" });
    const report = await run(fixture("supplier-to-shop"));
    expect(report.status).toBe("succeeded_with_errors");
    expect(report.errors).toHaveLength(1);
    const error = report.errors[0]!;
    expect(error).toMatchObject({ nodeId: "shop", key: bad, index: 7, batchIndex: 0, handling: "skipped" });
    expect(error.message).toContain(`PUT ${shop.url}/products/${bad} answered 422`);
    expect(error.message).toContain("Unknown category");
    expect(shop.writes).toHaveLength(COUNT - 1);
  });

  it("a batch answered 207 fails only the refused items", async () => {
    connect();
    const bad = supplier.products[60]!.sku;
    shop.failSku(bad, { status: 409, code: "locked", message: "Product is locked" });
    const report = await run(fixture("supplier-to-shop", { method: "POST", url: "/products/batch", batchMode: { size: 25 } }));
    expect(report.status).toBe("succeeded_with_errors");
    expect(report.errors.map((e) => e.key)).toEqual([bad]);
    expect(report.errors[0]!.message).toMatch(/answered 207.*status 409.*Product is locked/);
    expect(shop.writes).toHaveLength(COUNT - 1);
  });

  it("a batch refused as a whole is an error for each of its records", async () => {
    connect();
    shop.setFault({ kind: "status", status: 400, body: { error: "batch too large" }, path: "/products/batch", times: 1 });
    const report = await run(fixture("supplier-to-shop", { method: "POST", url: "/products/batch", batchMode: { size: 25 } }));
    expect(report.errorCount).toBe(25);
    expect(report.errors[0]!.message).toMatch(/POST .*\/products\/batch answered 400.*batch too large.*a batch of 25 records/);
    expect(shop.writes).toHaveLength(COUNT - 25);
  });

  it("retries a 500 and writes the record once", async () => {
    connect();
    shop.setFault({ kind: "status", status: 500, times: 2 });
    const report = await run(fixture("supplier-to-shop"));
    expect(report.status).toBe("succeeded");
    expect(shop.writes).toHaveLength(COUNT);
  });

  it("an unreachable API fails the run instead of failing every record", async () => {
    const gone = await startShopApi();
    await gone.close();
    connect(gone.url);
    const report = await run(fixture("supplier-to-shop", { retries: 0 }));
    expect(report.status).toBe("failed");
    expect(report.error!.message).toMatch(/Update the shop.*Could not reach .*\/products\/SKU-000001.*refused/);
  });
});

describe("destination.http: records and changes", () => {
  const changes: FlowRecord[] = [
    { sku: "NEW-1", price: 10, _change: { op: "create", before: null, changedFields: [] } },
    { sku: "OLD-1", price: 12, _change: { op: "update", before: { sku: "OLD-1", price: 11 }, changedFields: ["price"] } },
    { sku: "GONE-1", _change: { op: "delete", before: { sku: "GONE-1", price: 5 } } },
  ];

  it("dry run: plans creates, updates and deletes with before and after, and sends nothing", async () => {
    connect();
    const report = await run(fixture("changes-to-shop", {}, withRecords([...changes, { sku: "PLAIN", price: 1 }])), { run: { mode: "dry-run" } });
    expect(report.status).toBe("succeeded");
    expect(report.planned!["shop"]).toEqual([
      { op: "create", key: "NEW-1", after: { sku: "NEW-1", price: 10 } },
      { op: "update", key: "OLD-1", before: { sku: "OLD-1", price: 11 }, after: { sku: "OLD-1", price: 12 } },
      { op: "delete", key: "GONE-1", before: { sku: "GONE-1", price: 5 } },
      { op: "update", key: "PLAIN", after: { sku: "PLAIN", price: 1 } },
    ]);
    expect(shop.requests.count).toBe(0);
    expect(shop.writes).toEqual([]);
  });

  it("a dry run of a whole supplier flow writes nothing at the shop", async () => {
    connect();
    const report = await run(fixture("supplier-to-shop"), { run: { mode: "dry-run" } });
    expect(report.planned!["shop"]).toHaveLength(100);
    expect(report.planned!["shop"]![0]).toEqual({ op: "update", key: supplier.products[0]!.sku, after: supplier.products[0] });
    expect(shop.requests.count).toBe(0);
  });

  it("sends deleted records as DELETE, and never sends Flowgate's _change field", async () => {
    // The shop starts with the products to update and delete.
    const seeded = await startShopApi({ initial: [{ sku: "OLD-1", price: 11 }, { sku: "GONE-1", price: 5 }] });
    try {
      connect(seeded.url);
      const lineage: LineageEntry[] = [];
      const report = await run(fixture("changes-to-shop", {}, withRecords(changes)), { checkpoint: { save: async (c) => void lineage.push(...c.lineage) } });
      expect(report.error).toBeUndefined();
      expect(lineage.map((l) => [l.key, l.op, l.detail])).toEqual([
        ["NEW-1", "create", "HTTP 201"],
        ["OLD-1", "update", "HTTP 200"],
        ["GONE-1", "delete", "HTTP 204"],
      ]);
      expect(seeded.writes.map((w) => `${w.method} ${w.sku}`).sort()).toEqual(["DELETE GONE-1", "PUT NEW-1", "PUT OLD-1"]);
      expect(Object.fromEntries(seeded.state)).toEqual({ "OLD-1": { sku: "OLD-1", price: 12 }, "NEW-1": { sku: "NEW-1", price: 10 } });
    } finally {
      await seeded.close();
    }
  });

  it("builds the body from a mapping and URL-encodes the key in the URL", async () => {
    connect();
    const flow = fixture(
      "changes-to-shop",
      { body: { mapping: [{ target: "price", expression: "$round(net * 1.23, 2)" }, { target: "name", expression: "$uppercase(title)" }] } },
      withRecords([{ sku: "A/B 1", net: 10, title: "chair" }]),
    );
    const report = await run(flow);
    expect(report.error).toBeUndefined();
    expect(shop.requests.log[0]!.path).toBe("/products/A%2FB%201");
    expect(shop.state.get("A/B 1")).toEqual({ sku: "A/B 1", price: 12.3, name: "CHAIR" });
  });

  it("a record without its key, or without a URL field, is an error of that record only", async () => {
    connect();
    const flow = fixture("changes-to-shop", { url: "/products/{code}" }, withRecords([{ sku: "K-1", code: "K-1" }, { code: "K-2" }, { sku: "K-3" }]));
    const report = await run(flow);
    expect(report.status).toBe("succeeded_with_errors");
    expect(report.errors.map((e) => [e.index, e.key])).toEqual([
      [1, undefined],
      [2, "K-3"],
    ]);
    expect(report.errors[0]!.message).toMatch(/has no “sku”/);
    expect(report.errors[1]!.message).toMatch(/URL needs the record's “code”/);
    expect(shop.writes.map((w) => w.sku)).toEqual(["K-1"]);
  });
});

describe("destination.http: settings", () => {
  it("refuses {field} placeholders in a batched URL, and unbalanced braces", () => {
    const batched = HttpDestinationConfigSchema.safeParse({ url: "/products/{sku}", keyField: "sku", batchMode: { size: 10 } });
    expect(batched.error!.issues[0]).toMatchObject({ path: ["url"], message: expect.stringMatching(/many records to one URL/) });
    const braces = HttpDestinationConfigSchema.safeParse({ url: "/products/{sku", keyField: "sku" });
    expect(braces.error!.issues[0]!.message).toMatch(/without its partner/);
  });

  it("refuses a mapping expression with a syntax error at save time", () => {
    const result = HttpDestinationConfigSchema.safeParse({ url: "/p/{sku}", keyField: "sku", body: { mapping: [{ target: "price", expression: "price *" }] } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(["body", "mapping", 0, "expression"]);
  });

  it("fills in defaults", () => {
    expect(HttpDestinationConfigSchema.parse({ url: "/p/{sku}", keyField: "sku" })).toMatchObject({
      method: "PUT",
      body: "record",
      batchMode: { size: 1 },
      retries: 3,
      timeoutSeconds: 30,
    });
  });
});
