import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import type { Checkpoint } from "@flowgate/engine";
import { createShopProductsTable, generateProducts, seedShopProducts } from "@flowgate/testkit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configure, fixtureFlow, runFixture, type FixtureRunOptions } from "../testing/fixtures";
import { createTestServices, type TestServices } from "../testing/services";
import incrementalCopy from "./fixtures/incremental-copy.json";
import readTable from "./fixtures/read-table.json";

let database: TestDatabase;
let services: TestServices;
const products = generateProducts(25, 7);

beforeAll(async () => {
  database = await createTestDatabase();
  await createShopProductsTable(database.pool);
  await createShopProductsTable(database.pool, { schema: "reporting" });
});
afterAll(async () => {
  await database?.dispose();
});
beforeEach(async () => {
  await database.pool.query("truncate shop.products; truncate reporting.products");
  await seedShopProducts(database.pool, products);
  services = createTestServices();
  services.addConnection({ id: "shop-db", kind: "postgres", name: "Shop database", settings: { connectionString: database.connectionString }, secret: null });
});
afterEach(async () => {
  await services.close();
});

async function runRead(config: Record<string, unknown> = {}, options: FixtureRunOptions = {}) {
  const flow = fixtureFlow(readTable, (doc) => configure(doc, "read", config));
  return runFixture(flow, { services, ...options });
}

/** Moves `skus` forward in time (as the shop's application would on an edit) and changes their stock. */
async function touch(skus: string[]) {
  await database.pool.query("update shop.products set stock = stock + 1, updated_at = now() where sku = any($1)", [skus]);
}

async function table(name: string) {
  return (await database.pool.query(`select sku, name, price::text, stock, updated_at from ${name} order by sku`)).rows;
}

describe("source.postgres", () => {
  it("reads the whole table in key order, a batch per page, with the keyset position as cursor", async () => {
    const cursors: unknown[] = [];
    const report = await runRead({}, { checkpoint: { save: async (c: Checkpoint) => void cursors.push(c.cursor) } });
    expect(report.status).toBe("succeeded");
    expect(report.batches).toBe(3);
    expect(report.records.map((r) => r.sku)).toEqual(products.map((p) => p.sku).sort());
    expect(report.records[0]).toEqual({
      sku: products[0]!.sku,
      name: products[0]!.name,
      price: products[0]!.price.toFixed(2),
      stock: products[0]!.stock,
      updated_at: products[0]!.updated_at,
    });
    expect(cursors.slice(0, 3)).toEqual([{ key: ["SKU-000010"] }, { key: ["SKU-000020"] }, { key: ["SKU-000025"] }]);
    // A full read keeps no bookmark: the next run reads everything again.
    expect(report.state.committed("read")).toEqual({});
  });

  it("reads only the columns asked for", async () => {
    const report = await runRead({ columns: ["sku", "stock"] });
    expect(report.records[0]).toEqual({ sku: "SKU-000001", stock: products[0]!.stock });
  });

  it("resumes within a run after the cursor of the last checkpoint", async () => {
    const report = await runRead({}, { resumeFrom: { cursor: { key: ["SKU-000020"] }, batchIndex: 1, counts: { batches: 2, recordsRead: 20, errors: 0, nodes: {}, edges: {} } } });
    expect(report.records.map((r) => r.sku)).toEqual(["SKU-000021", "SKU-000022", "SKU-000023", "SKU-000024", "SKU-000025"]);
  });

  it("copies incrementally: the second run reads only the rows changed since the first (fixture flow)", async () => {
    const flow = fixtureFlow(incrementalCopy);
    const first = await runFixture(flow, { services });
    expect(first.status).toBe("succeeded");
    expect(first.nodes.changed!.out.out).toBe(25);
    expect(await table("reporting.products")).toEqual(await table("shop.products"));
    expect(first.state.committed("changed").cursor).toMatchObject({ cursorColumn: "updated_at", keyColumns: ["sku"] });

    await touch(["SKU-000003", "SKU-000011", "SKU-000024"]);
    const second = await runFixture(flow, { services, state: first.state });
    expect(second.status).toBe("succeeded");
    expect(second.nodes.changed!.out.out).toBe(3);
    expect(second.samples.changed!.out!.map((r) => r.sku).sort()).toEqual(["SKU-000003", "SKU-000011", "SKU-000024"]);
    expect(await table("reporting.products")).toEqual(await table("shop.products"));
    expect(second.logs).toContainEqual(expect.objectContaining({ nodeId: "copy", message: "reporting.products: 0 created, 3 updated, 0 unchanged, 0 deleted, 0 refused." }));

    const third = await runFixture(flow, { services, state: second.state });
    expect(third.nodes.changed!.out.out ?? 0).toBe(0);
  });

  it("keeps the bookmark where it was when a run fails, so the next run reads those rows again", async () => {
    const incremental = { cursorColumn: "updated_at" };
    const first = await runRead(incremental);
    expect(first.records).toHaveLength(25);
    const bookmark = first.state.committed("read");

    await touch(["SKU-000005", "SKU-000006"]);
    const broken = fixtureFlow(readTable, (doc) => {
      configure(doc, "read", incremental);
      configure(doc, "collect", { fail: true });
    });
    const failed = await runFixture(broken, { services, state: first.state });
    expect(failed.status).toBe("failed");
    expect(failed.state.committed("read")).toEqual(bookmark);

    const retried = await runRead(incremental, { state: first.state });
    expect(retried.records.map((r) => r.sku)).toEqual(["SKU-000005", "SKU-000006"]);
  });

  it("reads everything again when the cursor column changed since the last run", async () => {
    const first = await runRead({ cursorColumn: "updated_at" });
    const second = await runRead({ cursorColumn: "stock" }, { state: first.state });
    expect(second.records).toHaveLength(25);
    expect(second.logs).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("every row is read again") }));
  });

  it("does not move the bookmark in a dry run", async () => {
    const dry = await runRead({ cursorColumn: "updated_at" }, { run: { mode: "dry-run" }, dryRunLimit: 5 });
    expect(dry.recordsRead).toBe(5);
    expect(dry.state.committed("read")).toEqual({});
  });

  it("reads a query, in a read-only transaction", async () => {
    const report = await runRead({ table: undefined, query: "select sku, stock from shop.products where stock >= 250" });
    expect(report.status).toBe("succeeded");
    const expected = products.filter((p) => p.stock >= 250).map((p) => ({ sku: p.sku, stock: p.stock }));
    expect(report.records).toEqual(expected.sort((a, b) => a.sku.localeCompare(b.sku)));

    const writing = await runRead({ table: undefined, query: "with gone as (delete from shop.products returning *) select * from gone" });
    expect(writing.status).toBe("failed");
    expect(writing.error?.message).toMatch(/The query tried to change data .*Source queries run read-only: use a SELECT/);
    expect((await table("shop.products")).length).toBe(25);
  });

  it("names a missing table and a missing key column", async () => {
    const missing = await runRead({ table: "shop.prodcts" });
    expect(missing.status).toBe("failed");
    expect(missing.error?.message).toMatch(/The table “shop.prodcts” does not exist. Tables there: shop.products/);
    const column = await runRead({ keyColumns: ["code"] });
    expect(column.error?.message).toMatch(/has no column “code”/);
  });

  it("names a connection of the wrong kind", async () => {
    services.addConnection({ id: "api", kind: "http", name: "Supplier API", settings: {}, secret: null });
    const report = await runRead({ connectionId: "api" });
    expect(report.error?.message).toMatch(/“Supplier API” is an HTTP connection; this step needs a PostgreSQL connection/);
  });

  it("refuses a table and a query together, or a query that is not a SELECT, at save time", () => {
    expect(() => fixtureFlow(readTable, (doc) => configure(doc, "read", { query: "select 1 as sku" }))).toThrow(/either a table or a query/);
    expect(() => fixtureFlow(readTable, (doc) => configure(doc, "read", { table: undefined, query: "delete from shop.products" }))).toThrow(/must be a SELECT query/);
  });
});
