import { describe, expect, it } from "vitest";
import { fieldExpression, sampleFieldPaths } from "./sample-fields";

describe("sampleFieldPaths", () => {
  it("lists the fields of the first records in order, nested objects as dotted paths, Flowgate's own last", () => {
    const records = [
      { _change: { op: "updated" }, sku: "A-1", price: { gross: 12.3, net: 10 }, tags: [{ name: "x" }] },
      { sku: "A-2", stock: 4, price: null },
    ];
    expect(sampleFieldPaths(records)).toEqual(["sku", "price", "price.gross", "price.net", "tags", "stock", "_change", "_change.op"]);
  });

  it("gives nothing before a dry run", () => {
    expect(sampleFieldPaths([])).toEqual([]);
  });
});

describe("fieldExpression", () => {
  it("reads plain names as they are and quotes the others with backticks", () => {
    expect(fieldExpression("price.gross")).toBe("price.gross");
    expect(fieldExpression("Cena brutto")).toBe("`Cena brutto`");
    expect(fieldExpression("product.ean-13")).toBe("product.`ean-13`");
    expect(fieldExpression("and")).toBe("`and`");
  });
});
