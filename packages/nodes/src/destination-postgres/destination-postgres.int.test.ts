import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import type { Checkpoint, LineageEntry } from "@flowgate/engine";
import { createShopProductsTable, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configure, fixtureFlow, runFixture } from "../testing/fixtures";
import { createTestServices, type TestServices } from "../testing/services";
import supplierToShop from "./fixtures/supplier-to-shop.json";
import uploadToTable from "./fixtures/upload-to-table.json";

let database: TestDatabase;
let supplier: SupplierApi;
let services: TestServices;

beforeAll(async () => {
  database = await createTestDatabase();
  await createShopProductsTable(database.pool);
  supplier = await startSupplierApi({ count: 60, seed: 3 });
});
afterAll(async () => {
  await supplier?.close();
  await database?.dispose();
});
beforeEach(async () => {
  await database.pool.query("truncate shop.products");
  services = createTestServices();
  services.addConnection({ id: "shop-db", kind: "postgres", name: "Shop database", settings: { connectionString: database.connectionString }, secret: null });
});
afterEach(async () => {
  await services.close();
});

async function rows() {
  return (await database.pool.query("select sku, name, price::float8 as price, stock, updated_at from shop.products order by sku")).rows.map((r) => ({
    ...r,
    updated_at: (r.updated_at as Date).toISOString(),
  }));
}

function summary(report: Awaited<ReturnType<typeof runFixture>>, nodeId: string) {
  return report.logs.find((l) => l.nodeId === nodeId && l.data?.table)?.data;
}

/** The upload fixture writing these records, with the destination's config changed. */
function writeFlow(records: Record<string, unknown>[], config: Record<string, unknown> = {}, errorPolicy: "skip" | "fail" = "skip") {
  const uploadId = services.addUpload(records.map((r) => JSON.stringify(r)).join("\n"));
  return fixtureFlow(uploadToTable, (doc) => {
    configure(doc, "records", { location: { type: "upload", uploadId, fileName: "records.ndjson" } });
    configure(doc, "write", config);
    doc.settings = { ...doc.settings, errorPolicy };
  });
}

const product = (sku: string, price: number, stock = 1) => ({ sku, name: `Product ${sku}`, price, stock, updated_at: "2024-05-01T10:00:00.000Z" });

describe("destination.postgres", () => {
  it("upserts the supplier's dump: creates, then updates only what changed, and a re-run changes nothing (fixture flow)", async () => {
    const flow = fixtureFlow(supplierToShop, (doc) => configure(doc, "download", { location: { type: "url", url: `${supplier.url}/products.csv` } }));
    const first = await runFixture(flow, { services });
    expect(first.status).toBe("succeeded");
    expect(summary(first, "shop")).toMatchObject({ created: 60, updated: 0, unchanged: 0, error: 0 });
    const expected = () => supplier.products.map((p) => ({ ...p }));
    expect(await rows()).toEqual(expected());

    const changed = supplier.changePercent(10);
    const second = await runFixture(flow, { services });
    expect(summary(second, "shop")).toMatchObject({ created: 0, updated: changed.length, unchanged: 60 - changed.length });
    expect(await rows()).toEqual(expected());

    const again = await runFixture(flow, { services });
    expect(summary(again, "shop")).toMatchObject({ created: 0, updated: 0, unchanged: 60 });
    expect(await rows()).toEqual(expected());
  });

  it("reports a record PostgreSQL refuses with its index and key, and writes the others", async () => {
    const report = await runFixture(writeFlow([product("A", 1), { ...product("B", 2), stock: "many" }, product("C", 3)]), { services });
    expect(report.status).toBe("succeeded_with_errors");
    expect(report.errors).toEqual([
      expect.objectContaining({ nodeId: "write", index: 1, key: "B", handling: "skipped", message: expect.stringMatching(/^The table “shop\.products” refused this record: invalid input syntax for type integer: "many"\. Check its values/) }),
    ]);
    expect((await rows()).map((r) => r.sku)).toEqual(["A", "C"]);
  });

  it("reports a record without a key value", async () => {
    const report = await runFixture(writeFlow([product("A", 1), { name: "No code" }]), { services });
    expect(report.errors).toEqual([
      expect.objectContaining({ index: 1, message: "The record has no value for the key column “sku” (field “sku”)." }),
    ]);
    expect((await rows()).map((r) => r.sku)).toEqual(["A"]);
  });

  it("fails the run on a refused record under the fail policy, naming its key", async () => {
    const report = await runFixture(writeFlow([product("A", 1), { ...product("B", 2), stock: "many" }], {}, "fail"), { services });
    expect(report.status).toBe("failed");
    expect(report.error?.message).toMatch(/failed on record 2 of batch 1 \(key “B”\)/);
  });

  it("fails the node naming a missing column, not record by record", async () => {
    const report = await runFixture(writeFlow([product("A", 1), { sku: "B", prize: 3 }]), { services });
    expect(report.status).toBe("failed");
    expect(report.error?.nodeId).toBe("write");
    expect(report.error?.message).toContain("The table “shop.products” has no column “prize”.");
    expect(report.errorCount).toBe(0);
    expect(await rows()).toEqual([]);
  });

  it("fails naming a missing table or a mapped column that does not exist", async () => {
    const table = await runFixture(writeFlow([product("A", 1)], { table: "shop.prodcts" }), { services });
    expect(table.error?.message).toMatch(/The table “shop.prodcts” does not exist. Tables there: shop.products/);
    const mapped = await runFixture(writeFlow([product("A", 1)], { columns: [{ column: "sku", field: "sku" }, { column: "cena", field: "price" }] }), { services });
    expect(mapped.error?.message).toContain("has no column “cena”");
  });

  it("maps record fields to columns", async () => {
    const report = await runFixture(
      writeFlow([{ code: "M-1", title: "Mapped", cena: 3.5, ignored: true }], {
        columns: [
          { column: "sku", field: "code" },
          { column: "name", field: "title" },
          { column: "price", field: "cena" },
        ],
      }),
      { services },
    );
    expect(report.status).toBe("succeeded");
    expect((await rows()).map(({ updated_at: _, ...r }) => r)).toEqual([{ sku: "M-1", name: "Mapped", price: 3.5, stock: 0 }]);
  });

  it("insert mode adds new rows and leaves existing ones alone", async () => {
    await runFixture(writeFlow([product("A", 1)]), { services });
    const report = await runFixture(writeFlow([product("A", 99), product("B", 2)], { mode: "insert" }), { services });
    expect(summary(report, "write")).toMatchObject({ created: 1, unchanged: 1 });
    expect((await rows()).map((r) => [r.sku, r.price])).toEqual([["A", 1], ["B", 2]]);
  });

  it("deletes the rows of deleted records when asked, and leaves them otherwise", async () => {
    await runFixture(writeFlow([product("A", 1), product("B", 2), product("C", 3)]), { services });
    const batch = [{ ...product("A", 1), _change: { op: "delete" } }, { ...product("B", 5), _change: { op: "update" } }];

    const kept = await runFixture(writeFlow(batch), { services });
    expect(kept.status).toBe("succeeded");
    expect((await rows()).map((r) => [r.sku, r.price])).toEqual([["A", 1], ["B", 5], ["C", 3]]);
    expect(kept.logs).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/^1 deleted record was left alone/) }));

    const deleted = await runFixture(writeFlow(batch, { deleteOnDelete: true }), { services });
    expect(summary(deleted, "write")).toMatchObject({ deleted: 1, unchanged: 1 });
    expect((await rows()).map((r) => r.sku)).toEqual(["B", "C"]);
  });

  it("reports its writes for lineage (created, updated, deleted; not what it left unchanged), and the refused record as failed", async () => {
    await runFixture(writeFlow([product("A", 1), product("B", 2), product("C", 3)]), { services });
    const lineage: LineageEntry[] = [];
    const checkpoint = { save: async (c: Checkpoint) => void lineage.push(...c.lineage) };
    const batch = [{ ...product("A", 1), _change: { op: "delete" } }, product("B", 2), product("C", 7), product("D", 4), { ...product("E", 5), stock: "many" }];
    await runFixture(writeFlow(batch, { deleteOnDelete: true }), { services, checkpoint });
    expect(lineage.map(({ nodeId, key, op, outcome, record }) => [nodeId, key, op, outcome, record?.["price"]])).toEqual([
      ["write", "E", "error", "failed", 5],
      ["write", "A", "delete", "written", 1],
      ["write", "C", "update", "written", 7],
      ["write", "D", "create", "written", 4],
    ]);
  });

  it("plans creates, updates and deletes with the rows as they are, and writes nothing in a dry run", async () => {
    await runFixture(writeFlow([product("A", 1), product("B", 2), product("C", 3)]), { services });
    const before = await rows();
    const flow = writeFlow(
      [product("A", 1), product("B", 20), product("D", 4), { sku: "C", _change: { op: "deleted" } }],
      { deleteOnDelete: true },
    );
    const report = await runFixture(flow, { services, run: { mode: "dry-run" } });
    expect(report.status).toBe("succeeded");
    const planned = report.planned!.write!;
    expect(planned.map((p) => [p.op, p.key])).toEqual([
      ["update", "B"],
      ["create", "D"],
      ["delete", "C"],
    ]);
    expect(planned[0]).toMatchObject({ before: { sku: "B", price: 2 }, after: { sku: "B", price: 20 } });
    expect(planned[2]).toMatchObject({ before: { sku: "C", price: 3 } });
    expect(await rows()).toEqual(before);
    expect((await database.pool.query("select count(*)::int as n from shop.products")).rows[0].n).toBe(3);
  });

  it("refuses a mapping without the key column at save time", () => {
    expect(() => writeFlow([], { columns: [{ column: "name", field: "title" }] })).toThrow(/no field for the key column “sku”/);
  });
});
