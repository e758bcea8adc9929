import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { coerce } from "./coerce";
import { MapTransformConfigSchema, mapTransformDefinition, type MapTransformConfig } from "./definition";
import { mapTransform } from "./execute";
import { fixtureFlow, nodeContext, runFixture } from "../testing/fixtures";
import supplierPriceList from "./fixtures/supplier-price-list.json";

type MapInput = z.input<typeof MapTransformConfigSchema>;

async function map(config: MapInput, batch: Record<string, unknown>[]) {
  return mapTransform.execute!(nodeContext(mapTransformDefinition, config as MapTransformConfig), batch);
}

describe("transform.map", () => {
  it("fills each target from its expression, keeping the unmapped fields by default", async () => {
    const input = { sku: "A-1", name: " Chair ", price: 10, stock: 3 };
    const output = await map(
      {
        fields: [
          { target: "name", expression: "$trim(name)" },
          { target: "price", expression: "price * 2" },
          { target: "label", expression: "sku & ': ' & $trim(name)" },
        ],
      },
      [input],
    );
    expect(output).toEqual({ ports: { out: [{ sku: "A-1", name: "Chair", price: 20, stock: 3, label: "A-1: Chair" }] } });
    expect(input).toEqual({ sku: "A-1", name: " Chair ", price: 10, stock: 3 });
  });

  it("keeps only the mapped fields when told to, and each expression reads the incoming record", async () => {
    const output = await map(
      {
        keepUnmapped: false,
        fields: [
          { target: "price", expression: "price + 1" },
          { target: "old", expression: "price" },
        ],
      },
      [{ sku: "A-1", price: 10 }],
    );
    expect(output.ports["out"]).toEqual([{ price: 11, old: 10 }]);
  });

  it("builds nested objects from dot paths without touching the incoming record's objects", async () => {
    const input = { sku: "A-1", price: { net: 100, currency: "PLN" } };
    const output = await map(
      {
        fields: [
          { target: "price.gross", expression: "price.net * 1.23" },
          { target: "meta.source.name", expression: "'supplier'" },
        ],
      },
      [input],
    );
    expect(output.ports["out"]).toEqual([
      { sku: "A-1", price: { net: 100, currency: "PLN", gross: 123 }, meta: { source: { name: "supplier" } } },
    ]);
    expect(input.price).toEqual({ net: 100, currency: "PLN" });
  });

  it("leaves a field out when its expression gives nothing", async () => {
    const output = await map(
      {
        fields: [
          { target: "ean", expression: "missing" },
          { target: "name", expression: "title" },
          { target: "price.gross", expression: "nothing" },
        ],
      },
      [{ sku: "A-1", name: "old", price: { gross: 5 } }],
    );
    expect(output.ports["out"]).toEqual([{ sku: "A-1", price: {} }]);
    expect(Object.keys(output.ports["out"]![0]!)).not.toContain("name");
  });

  it("converts numbers written with a decimal comma and thousands separators", async () => {
    const output = await map(
      { fields: [{ target: "price", expression: "price", type: "number" }] },
      ["12,50", "1 234,56", "1.234,56", "1,234.56", 7, "  3  ", "", null].map((price) => ({ price })),
    );
    expect(output.ports["out"]!.map((r) => r["price"])).toEqual([12.5, 1234.56, 1234.56, 1234.56, 7, 3, null, null]);
  });

  it("reads integers, refusing a value with decimals", async () => {
    const output = await map({ keyField: "sku", fields: [{ target: "stock", expression: "stock", type: "integer" }] }, [
      { sku: "A", stock: "1 200" },
      { sku: "B", stock: "2,5" },
      { sku: "C", stock: 4 },
    ]);
    expect(output.ports["out"]!.map((r) => r["stock"])).toEqual([1200, 4]);
    expect(output.errors).toEqual([
      {
        index: 1,
        key: "B",
        message: expect.stringMatching(/^Field “stock” ← “stock”: the text "2,5" is not a whole number; choose the type “number”, or round it/),
      },
    ]);
  });

  it("reads yes/no values in English and Polish", async () => {
    const values = [true, false, "true", "FALSE", "yes", "No", "tak", "NIE", "1", "0", 1, 0, " ", null];
    const output = await map({ fields: [{ target: "active", expression: "v", type: "boolean" }] }, values.map((v) => ({ v })));
    expect(output.ports["out"]!.map((r) => r["active"])).toEqual([
      true, false, true, false, true, false, true, false, true, false, true, false, null, null,
    ]);
  });

  it("writes dates as ISO text from the common ways of writing them", () => {
    expect(coerce("2024-03-05", "date")).toBe("2024-03-05");
    expect(coerce("05.03.2024", "date")).toBe("2024-03-05");
    expect(coerce("5.3.2024", "date")).toBe("2024-03-05");
    expect(coerce("05.03.2024 9:05", "date")).toBe("2024-03-05T09:05:00");
    expect(coerce("2024-03-05 14:30", "date")).toBe("2024-03-05T14:30:00");
    expect(coerce("2024-03-05T14:30:15.5", "date")).toBe("2024-03-05T14:30:15.500");
    expect(coerce("2024-03-05T14:30:00Z", "date")).toBe("2024-03-05T14:30:00.000Z");
    expect(coerce("2024-03-05T14:30:00+02:00", "date")).toBe("2024-03-05T12:30:00.000Z");
    expect(coerce("2024-03-05 14:30:00+0100", "date")).toBe("2024-03-05T13:30:00.000Z");
    expect(coerce("", "date")).toBeNull();
    expect(() => coerce("31.02.2024", "date")).toThrow(/“?the text "31.02.2024" is not a day of the calendar/);
    expect(() => coerce("2024-03-05 25:00", "date")).toThrow(/not a time of day/);
    expect(() => coerce("March 5th", "date")).toThrow(/cannot read the text "March 5th" as a date \(it understands 2024-03-05, 05.03.2024/);
    expect(() => coerce(1709596800000, "date")).toThrow(/cannot read the number 1709596800000 as a date/);
  });

  it("writes text from numbers, yes/no values and lists", () => {
    expect(coerce(12.5, "string")).toBe("12.5");
    expect(coerce(true, "string")).toBe("true");
    expect(coerce(["a", 1], "string")).toBe('["a",1]');
    expect(coerce(null, "string")).toBeNull();
    expect(coerce(undefined, "number")).toBeUndefined();
  });

  it("gives JSONata's result lists to records as plain arrays", async () => {
    const output = await map({ keepUnmapped: false, fields: [{ target: "names", expression: "items.name" }] }, [
      { items: [{ name: "a" }, { name: "b" }] },
    ]);
    const names = output.ports["out"]![0]!["names"];
    expect(names).toEqual(["a", "b"]);
    expect(Object.keys(names as object)).toEqual(["0", "1"]);
  });

  it("reports each record it cannot convert by index and key, naming the field, expression and value, and goes on", async () => {
    const output = await map(
      {
        keyField: "sku",
        fields: [
          { target: "price", expression: "cena", type: "number" },
          { target: "active", expression: "active", type: "boolean" },
        ],
      },
      [
        { sku: "A", cena: "12,50", active: "tak" },
        { sku: "B", cena: "12 PLN", active: "tak" },
        { sku: "C", cena: "1", active: "maybe" },
        { cena: "x" },
      ],
    );
    expect(output.ports["out"]).toEqual([{ sku: "A", cena: "12,50", active: true, price: 12.5 }]);
    expect(output.errors).toEqual([
      { index: 1, key: "B", message: 'Field “price” ← “cena”: cannot read the text "12 PLN" as a number (e.g. 12.5, 12,50 or 1 234,56).' },
      {
        index: 2,
        key: "C",
        message: 'Field “active” ← “active”: cannot read the text "maybe" as yes or no (it understands true/false, yes/no, tak/nie, 1/0).',
      },
      { index: 3, message: expect.stringContaining('Field “price” ← “cena”: cannot read the text "x"') },
    ]);
  });

  it("reports an expression that fails on a record (on either evaluator) as that record's error", async () => {
    const output = await map(
      {
        fields: [
          { target: "total", expression: "price * qty" },
          { target: "tags", expression: "$join(tags, ', ')" },
        ],
      },
      [
        { price: 2, qty: 3, tags: ["a"] },
        { price: "2", qty: 3, tags: ["a"] },
        { price: 2, qty: 3, tags: [1] },
      ],
    );
    expect(output.ports["out"]).toEqual([{ price: 2, qty: 3, tags: "a", total: 6 }]);
    expect(output.errors).toEqual([
      { index: 1, message: expect.stringMatching(/^Field “total” ← “price \* qty”: Expression error at position \d+: the left side of “\*” must be a number, but it is the text "2"/) },
      { index: 2, message: expect.stringMatching(/^Field “tags” ← “\$join\(tags, ', '\)”: Expression error/) },
    ]);
  });

  it("fails the node, naming the field, when an expression runs away past its bound", async () => {
    const started = Date.now();
    await expect(
      map(
        { fields: [{ target: "n", expression: "($loop := function($n) { $loop($n + 1) }; $loop(0))" }] },
        [{ sku: "A" }, { sku: "B" }],
      ),
    ).rejects.toThrow(/Field “n” ← “\(\$loop := .*” was stopped: Expression error.*: the expression took longer than 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("refuses a JSONata syntax error at save time, with its position", () => {
    const result = MapTransformConfigSchema.safeParse({ fields: [{ target: "price", expression: "price * (1.23" }] });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path).toEqual(["fields", 0, "expression"]);
    expect(issue.message).toMatch(/^Expression error at position \d+: expected “\)” before the end of the expression/);
  });

  it("refuses bad targets at save time: empty names, reserved names, the same or overlapping targets", () => {
    const problems = (fields: { target: string; expression: string }[]) =>
      MapTransformConfigSchema.safeParse({ fields }).error?.issues.map((issue) => [issue.path.join("."), issue.message]);
    expect(problems([{ target: "price..gross", expression: "1" }])).toEqual([["fields.0.target", expect.stringContaining("empty name between dots")]]);
    expect(problems([{ target: "__proto__.x", expression: "1" }])).toEqual([["fields.0.target", expect.stringContaining("reserves")]]);
    expect(
      problems([
        { target: "price", expression: "1" },
        { target: "price", expression: "2" },
        { target: "price.gross", expression: "3" },
      ]),
    ).toEqual([
      ["fields.1.target", "“price” is filled by an earlier mapping too; keep one of them"],
      ["fields.2.target", expect.stringContaining("“price.gross” and “price” overlap")],
    ]);
    expect(MapTransformConfigSchema.safeParse({ fields: [{ target: "x", expression: "1", type: "money" }] }).success).toBe(false);
  });

  it("fixture: a Polish supplier's price list, mapped and converted, with its bad rows sent aside", async () => {
    const report = await runFixture(fixtureFlow(supplierPriceList));
    expect(report.status).toBe("succeeded_with_errors");
    expect(report.written.get("shop")).toEqual([
      {
        sku: "KR-01",
        name: "Krzesło dębowe",
        price: { net: 1234.56, gross: 1518.51 },
        stock: 12,
        active: true,
        deliveredOn: "2024-03-05",
        attributes: { colour: "dąb" },
      },
      {
        sku: "ST-02",
        name: "Stół",
        price: { net: 899, gross: 1105.77 },
        stock: 3,
        active: false,
        deliveredOn: "2024-03-07T14:30:00",
        attributes: { colour: "biały" },
      },
      {
        sku: "SZ-05",
        name: "Szafa",
        price: { net: 2499, gross: 3073.77 },
        stock: 0,
        active: true,
        deliveredOn: null,
        attributes: { colour: "biały" },
      },
    ]);
    expect(report.written.get("rejects")!.map((r) => [r["Indeks"], (r["_error"] as { message: string }).message])).toEqual([
      ["LA-03", expect.stringContaining('Field “price.net” ← “Cena”: cannot read the text "dwanaście" as a number')],
      ["PO-04", expect.stringContaining('Field “stock” ← “Ilosc”: the text "2,5" is not a whole number')],
    ]);
    expect(report.errors.map((e) => [e.batchIndex, e.index, e.key])).toEqual([
      [1, 0, "LA-03"],
      [1, 1, "PO-04"],
    ]);
  });
});
