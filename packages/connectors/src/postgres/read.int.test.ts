import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { generateProducts } from "@flowgate/testkit";
import { createShopProductsTable, seedShopProducts } from "@flowgate/testkit/shop-db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTable, type ReadTableOptions, type TableBatch, type TableCursor } from "./read";

let database: TestDatabase;
const products = generateProducts(1_050, 7);

beforeAll(async () => {
  database = await createTestDatabase();
  await createShopProductsTable(database.pool);
  await seedShopProducts(database.pool, products);
  // Same updated_at to the microsecond for several rows: the key must break the tie exactly.
  await database.pool.query("update shop.products set updated_at = '2020-03-01 12:00:00.123456+00' where sku <= 'SKU-000010'");
});
afterAll(async () => {
  await database?.dispose();
});

async function readAll(options: ReadTableOptions): Promise<TableBatch[]> {
  const batches: TableBatch[] = [];
  for await (const batch of readTable(database.pool, options)) batches.push(batch);
  return batches;
}

describe("readTable", () => {
  it("reads every row exactly once in key order, in batches", async () => {
    const batches = await readAll({ table: "shop.products", keyColumns: ["sku"], batchSize: 100 });
    expect(batches.map((b) => b.records.length)).toEqual([...Array(10).fill(100), 50]);
    const skus = batches.flatMap((b) => b.records.map((r) => r.sku));
    expect(skus).toEqual(products.map((p) => p.sku));
    expect(batches[0]!.cursor).toEqual({ key: ["SKU-000100"] });
  });

  it("reads incrementally by updated_at, exactly once, ties at the microsecond included", async () => {
    const batches = await readAll({ table: "shop.products", cursorColumn: "updated_at", keyColumns: ["sku"], batchSize: 3 });
    const skus = batches.flatMap((b) => b.records.map((r) => r.sku as string));
    expect(skus).toHaveLength(products.length);
    expect(new Set(skus).size).toBe(products.length);
    // The first rows are the ten tied ones; the cursor keeps their microseconds.
    expect(batches[0]!.cursor).toEqual({ cursor: "2020-03-01 12:00:00.123456+00", key: ["SKU-000003"] });
    expect(batches[0]!.records[0]!.updated_at).toBe("2020-03-01T12:00:00.123Z");
    expect(typeof batches[0]!.records[0]!.price).toBe("string");
  });

  it("resumes after a cursor and, next run, sees only rows changed since", async () => {
    const first = await readAll({ table: "shop.products", cursorColumn: "updated_at", keyColumns: ["sku"], batchSize: 500 });
    const resumeFrom = first[0]!.cursor;
    const rest = await readAll({ table: "shop.products", cursorColumn: "updated_at", keyColumns: ["sku"], batchSize: 500, after: resumeFrom });
    expect(rest.flatMap((b) => b.records)).toHaveLength(products.length - 500);

    const last: TableCursor = first.at(-1)!.cursor;
    await database.pool.query("update shop.products set stock = stock + 1, updated_at = '2030-01-01T00:00:00Z' where sku in ('SKU-000002', 'SKU-000500')");
    const changed = await readAll({ table: "shop.products", cursorColumn: "updated_at", keyColumns: ["sku"], after: last });
    expect(changed.flatMap((b) => b.records.map((r) => r.sku))).toEqual(["SKU-000002", "SKU-000500"]);
  });

  it("reads a query with keyset paging, and stops at a limit", async () => {
    const batches = await readAll({
      query: "select sku, price from shop.products where stock > 250;",
      keyColumns: ["sku"],
      batchSize: 64,
    });
    const expected = products.filter((p) => p.stock > 250).map((p) => p.sku);
    expect(batches.flatMap((b) => b.records.map((r) => r.sku))).toEqual(expected);
    expect(Object.keys(batches[0]!.records[0]!)).toEqual(["sku", "price"]);
    const limited = await readAll({ table: "shop.products", keyColumns: ["sku"], batchSize: 40, limit: 90 });
    expect(limited.map((b) => b.records.length)).toEqual([40, 40, 10]);
  });

  it("runs a query read-only: a write in it is refused and nothing changes", async () => {
    const before = (await database.pool.query("select count(*)::int as n from shop.products")).rows[0].n;
    await expect(
      readAll({ query: "with gone as (delete from shop.products returning *) select * from gone", keyColumns: ["sku"] }),
    ).rejects.toThrow(/tried to change data .*read-only/);
    await database.pool.query("create function shop.sneaky() returns text language sql as 'delete from shop.products returning sku'");
    await expect(readAll({ query: "select shop.sneaky() as sku", keyColumns: ["sku"] })).rejects.toThrow(
      /The query tried to change data \(cannot execute DELETE in a read-only transaction\)/,
    );
    expect((await database.pool.query("select count(*)::int as n from shop.products")).rows[0].n).toBe(before);
  });

  it("names a missing table, a missing key column, and a query that lacks the key column", async () => {
    await expect(readAll({ table: "shop.nope", keyColumns: ["sku"] })).rejects.toThrow(/“shop.nope” does not exist/);
    await expect(readAll({ table: "shop.products", keyColumns: ["id"] })).rejects.toThrow(/has no column “id”. Check the key and cursor columns/);
    await expect(readAll({ query: "select name from shop.products", keyColumns: ["sku"] })).rejects.toThrow(/Include the key and cursor columns \(sku\)/);
  });

  it("quotes identifiers, so a hostile name is only ever a name", async () => {
    await database.pool.query(`create table shop."we""ird; drop table shop.products; --" ("k;ey" int primary key)`);
    await database.pool.query(`insert into shop."we""ird; drop table shop.products; --" values (1), (2)`);
    const batches = await readAll({ table: `shop."we""ird; drop table shop.products; --"`, keyColumns: ["k;ey"], batchSize: 1 });
    expect(batches.flatMap((b) => b.records)).toEqual([{ "k;ey": 1 }, { "k;ey": 2 }]);
    expect((await database.pool.query("select count(*)::int as n from shop.products")).rows[0].n).toBe(products.length);
  });
});
