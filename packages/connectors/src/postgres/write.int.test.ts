import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { createShopProductsTable } from "@flowgate/testkit/shop-db";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { planWrites, TableWriter, upsertRecords, type WriteOptions } from "./write";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await createShopProductsTable(database.pool);
});
afterAll(async () => {
  await database?.dispose();
});
beforeEach(async () => {
  await database.pool.query("truncate shop.products");
});

const upsert: WriteOptions = { table: "shop.products", keyColumns: ["sku"], mode: "upsert" };
const product = (sku: string, price: number, stock = 1) => ({ sku, name: `Product ${sku}`, price, stock, updated_at: "2024-05-01T10:00:00.123456Z" });

async function rows() {
  return (await database.pool.query("select sku, name, price::float8 as price, stock from shop.products order by sku")).rows;
}

describe("upsertRecords", () => {
  it("creates, then updates only what changed; a re-run changes nothing", async () => {
    const first = await upsertRecords(database.pool, upsert, [product("A", 10), product("B", 20)]);
    expect(first.counts).toMatchObject({ created: 2, updated: 0, unchanged: 0, error: 0 });
    expect(first.results.map((r) => [r.key, r.outcome])).toEqual([["A", "created"], ["B", "created"]]);

    const second = await upsertRecords(database.pool, upsert, [product("A", 10), product("B", 25), product("C", 30)]);
    expect(second.results.map((r) => r.outcome)).toEqual(["unchanged", "updated", "created"]);

    const again = await upsertRecords(database.pool, upsert, [product("A", 10), product("B", 25), product("C", 30)]);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await rows()).toEqual([
      { sku: "A", name: "Product A", price: 10, stock: 1 },
      { sku: "B", name: "Product B", price: 25, stock: 1 },
      { sku: "C", name: "Product C", price: 30, stock: 1 },
    ]);
  });

  it("treats 12.5 and \"12.50\" as the same price (compared by PostgreSQL, not by JS)", async () => {
    await upsertRecords(database.pool, upsert, [product("A", 12.5)]);
    const again = await upsertRecords(database.pool, upsert, [{ ...product("A", 0), price: "12.50" }]);
    expect(again.results[0]!.outcome).toBe("unchanged");
  });

  it("maps columns from record fields", async () => {
    const options: WriteOptions = { ...upsert, columns: { sku: "code", name: "title", price: "cena" } };
    const result = await upsertRecords(database.pool, options, [{ code: "M", title: "Mapped", cena: 3, ignored: true }]);
    expect(result.counts.created).toBe(1);
    expect(await rows()).toEqual([{ sku: "M", name: "Mapped", price: 3, stock: 0 }]);
  });

  it("insert mode adds new rows and leaves existing ones alone", async () => {
    await upsertRecords(database.pool, upsert, [product("A", 10)]);
    const result = await upsertRecords(database.pool, { ...upsert, mode: "insert" }, [product("A", 99), product("B", 20)]);
    expect(result.results.map((r) => r.outcome)).toEqual(["unchanged", "created"]);
    expect((await rows()).map((r) => r.price)).toEqual([10, 20]);
  });

  it("delete mode deletes by key and reports keys it did not find", async () => {
    await upsertRecords(database.pool, upsert, [product("A", 10), product("B", 20)]);
    const result = await upsertRecords(database.pool, { ...upsert, mode: "delete" }, [{ sku: "A", _change: { op: "deleted" } }, { sku: "Z" }]);
    expect(result.results.map((r) => r.outcome)).toEqual(["deleted", "unchanged"]);
    expect((await rows()).map((r) => r.sku)).toEqual(["B"]);
  });

  it("names a missing table and lists the tables that exist", async () => {
    await expect(upsertRecords(database.pool, { ...upsert, table: "shop.prodcts" }, [product("A", 1)])).rejects.toThrow(
      /The table “shop.prodcts” does not exist. Tables there: shop.products/,
    );
  });

  it("names a missing column and lists the columns that exist", async () => {
    await expect(upsertRecords(database.pool, upsert, [{ sku: "A", prize: 1 }])).rejects.toThrow(
      "The table “shop.products” has no column “prize”. Map the field to a column or remove it from the records. Its columns are: sku, name, price, stock, updated_at.",
    );
    await expect(TableWriter.open(database.pool, { ...upsert, columns: { sku: "sku", prize: "price" } })).rejects.toThrow(
      /The table “shop.products” has no column “prize”. Check the column mapping./,
    );
  });

  it("refuses an upsert on columns without a unique key, saying how to fix it", async () => {
    await expect(TableWriter.open(database.pool, { ...upsert, keyColumns: ["name"] })).rejects.toThrow(
      /no primary key or unique index on \(name\).*Its unique keys are: \(sku\)/,
    );
  });

  it("writes the good records of a batch and reports each bad one with PostgreSQL's reason", async () => {
    const result = await upsertRecords(database.pool, upsert, [
      product("A", 1),
      { ...product("B", 1), price: "12,50" },
      { sku: "C", name: null, price: 3, stock: 1 },
      { name: "no key", price: 1, stock: 1 },
      product("D", 4),
    ]);
    expect(result.results.map((r) => r.outcome)).toEqual(["created", "error", "error", "error", "created"]);
    expect(result.results[1]!.error).toMatch(/invalid input syntax for type numeric: "12,50"/);
    expect(result.results[2]!.error).toMatch(/null value in column "name"/);
    expect(result.results[3]!.error).toMatch(/no value for the key column “sku”/);
    expect((await rows()).map((r) => r.sku)).toEqual(["A", "D"]);
  });

  it("writes a key twice in one batch in order, the later record winning", async () => {
    const result = await upsertRecords(database.pool, upsert, [product("A", 1), product("A", 2)]);
    expect(result.results.map((r) => r.outcome)).toEqual(["created", "updated"]);
    expect((await rows())[0]!.price).toBe(2);
  });

  it("splits a batch over 65,535 parameters into several statements", async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => product(`K${String(i).padStart(5, "0")}`, i % 100));
    const result = await upsertRecords(database.pool, upsert, many);
    expect(result.counts.created).toBe(20_000);
    const small = await upsertRecords(database.pool, { ...upsert, chunkSize: 7 }, many.slice(0, 50).map((p) => ({ ...p, stock: 9 })));
    expect(small.counts.updated).toBe(50);
  });
});

describe("planWrites", () => {
  it("plans creates, updates with before/after and changed columns, and unchanged rows, writing nothing", async () => {
    await upsertRecords(database.pool, upsert, [product("A", 10), product("B", 20)]);
    const plan = await planWrites(database.pool, upsert, [product("A", 10), product("B", 21, 5), product("C", 30)]);
    expect(plan.map((p) => [p.key, p.op])).toEqual([["A", "unchanged"], ["B", "update"], ["C", "create"]]);
    expect(plan[1]!.changedColumns).toEqual(["price", "stock"]);
    expect(plan[1]!.before).toMatchObject({ sku: "B", price: 20, stock: 1 });
    expect(plan[1]!.after).toMatchObject({ sku: "B", price: 21, stock: 5 });
    expect(plan[2]!.after).toMatchObject({ sku: "C", price: 30 });
    expect((await rows()).map((r) => r.price)).toEqual([10, 20]);

    const deletes = await planWrites(database.pool, { ...upsert, mode: "delete" }, [{ sku: "A" }, { sku: "Z" }]);
    expect(deletes.map((p) => p.op)).toEqual(["delete", "unchanged"]);
    expect(deletes[0]!.before).toMatchObject({ sku: "A", price: 10 });
    expect((await rows())).toHaveLength(2);
  });
});
