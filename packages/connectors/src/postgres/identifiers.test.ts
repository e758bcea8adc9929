import { describe, expect, it } from "vitest";
import { parseTableName, quoteIdent, quoteTable } from "./identifiers";

describe("identifiers", () => {
  it("quotes names, doubling quotes", () => {
    expect(quoteIdent("sku")).toBe('"sku"');
    expect(quoteIdent('a"b; drop')).toBe('"a""b; drop"');
    expect(() => quoteIdent("")).toThrow(/not a valid/);
  });

  it("parses table names with and without schema and quotes", () => {
    expect(parseTableName("shop.products")).toEqual({ schema: "shop", name: "products" });
    expect(parseTableName("Products")).toEqual({ name: "Products" });
    expect(parseTableName('"my.schema"."a""b"')).toEqual({ schema: "my.schema", name: 'a"b' });
    expect(quoteTable(parseTableName('"my.schema"."a""b"'))).toBe('"my.schema"."a""b"');
    expect(() => parseTableName("a.b.c")).toThrow(/table or schema.table/);
    expect(() => parseTableName('"open')).toThrow(/unclosed quote/);
  });
});
