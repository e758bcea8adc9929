import { describe, expect, it } from "vitest";
import { cellText, changedFields, columnsOf, errorPosition, jsonErrorMessage, parsePinnedInput, plannedColumns } from "./records";

describe("columnsOf", () => {
  it("takes the union of the keys in the order they first appear", () => {
    expect(columnsOf([{ sku: "A", price: 1 }, { sku: "B", stock: 3 }, { name: "C", price: 2 }])).toEqual(["sku", "price", "stock", "name"]);
  });

  it("looks only at the first records", () => {
    expect(columnsOf([{ a: 1 }, { b: 2 }, { c: 3 }], 2)).toEqual(["a", "b"]);
  });

  it("is empty for no records", () => {
    expect(columnsOf([])).toEqual([]);
  });
});

describe("cellText", () => {
  it("shows nested values as compact JSON and a missing field as empty", () => {
    expect(cellText({ gross: 12.5, tags: ["x"] })).toBe('{"gross":12.5,"tags":["x"]}');
    expect(cellText([1, 2])).toBe("[1,2]");
    expect(cellText(undefined)).toBe("");
    expect(cellText(null)).toBe("null");
    expect(cellText(false)).toBe("false");
    expect(cellText("Blue mug")).toBe("Blue mug");
  });
});

describe("changedFields", () => {
  it("names fields that differ, appear or disappear, comparing nested values by content", () => {
    const before = { sku: "A", price: 10, dims: { w: 1 }, old: true };
    const after = { sku: "A", price: 12, dims: { w: 1 }, added: 1 };
    expect([...changedFields(before, after)].sort()).toEqual(["added", "old", "price"]);
  });

  it("is empty for a create or a delete", () => {
    expect(changedFields(undefined, { a: 1 }).size).toBe(0);
    expect(changedFields({ a: 1 }, undefined).size).toBe(0);
  });
});

describe("plannedColumns", () => {
  it("puts changed fields first", () => {
    const items = [
      { before: { sku: "A", name: "Mug", price: 10 }, after: { sku: "A", name: "Mug", price: 12 } },
      { after: { sku: "B", name: "Cup", price: 3 } },
    ];
    expect(plannedColumns(items)).toEqual(["price", "sku", "name"]);
  });
});

describe("parsePinnedInput", () => {
  it("accepts an array of records or one record", () => {
    expect(parsePinnedInput('[{"sku":"A"},{"sku":"B"}]')).toEqual({ ok: true, records: [{ sku: "A" }, { sku: "B" }] });
    expect(parsePinnedInput('{"sku":"A"}')).toEqual({ ok: true, records: [{ sku: "A" }] });
  });

  it("names the line and column of a syntax error", () => {
    const result = parsePinnedInput('[\n  {"sku": "A",\n   "price" 12}\n]');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^Line 3, column 12: /);
  });

  it("places an early end at the end of the text", () => {
    const result = parsePinnedInput('[{"sku": "A"}');
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^Line 1, column 14: /) });
  });

  it("refuses values that are not records, saying which", () => {
    expect(parsePinnedInput('[{"a":1}, 2]')).toEqual({ ok: false, message: expect.stringContaining("Item 2 of the array is not a record") });
    expect(parsePinnedInput("[]")).toEqual({ ok: false, message: expect.stringContaining("empty") });
    expect(parsePinnedInput("  ")).toEqual({ ok: false, message: expect.stringContaining("Paste one record") });
  });
});

describe("errorPosition", () => {
  it("finds where a message without a position went wrong", () => {
    expect(errorPosition("[1,2,]")).toBe(5);
    expect(errorPosition('{"a":1}x')).toBe(7);
    expect(errorPosition('"abc')).toBe(4);
  });

  it("keeps the browser's reason and drops its quote of the text", () => {
    const text = "[1,2,]";
    let message = "";
    try {
      JSON.parse(text);
    } catch (error) {
      message = jsonErrorMessage(text, error);
    }
    expect(message).toMatch(/^Line 1, column 6: /);
    expect(message).not.toContain("is not valid JSON");
  });
});
