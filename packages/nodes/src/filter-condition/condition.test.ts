import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fixtureFlow, nodeContext, runFixture } from "../testing/fixtures";
import { ConditionFilterConfigSchema, conditionFilterDefinition, type ConditionFilterConfig, type Rule } from "./definition";
import { conditionFilter } from "./execute";
import inStockOffers from "./fixtures/in-stock-offers.json";

type Config = z.input<typeof ConditionFilterConfigSchema>;
type RecordIn = Record<string, unknown>;

async function filter(config: Config, batch: RecordIn[]) {
  return conditionFilter.execute!(nodeContext(conditionFilterDefinition, config as ConditionFilterConfig), batch);
}

/** The values of `field` in the records one rule keeps. */
async function keptBy(rule: Omit<Rule, "value"> & { value?: unknown }, values: unknown[], field = rule.field) {
  const output = await filter({ mode: "rules", rules: [rule as Rule] }, values.map((value) => ({ [field]: value })));
  return output.ports["kept"]!.map((record) => record[field]);
}

describe("filter.condition", () => {
  it("compares numbers as numbers, decimal commas included, and texts as texts", async () => {
    expect(await keptBy({ field: "price", operator: "greater", value: 10 }, [9, 10, 10.5, "12,50", "1 234,56", "9,99", "abc", null])).toEqual([
      10.5,
      "12,50",
      "1 234,56",
      "abc", // not a number: compared as text, and "abc" sorts after "10"
    ]);
    expect(await keptBy({ field: "price", operator: "less_or_equal", value: "12,5" }, [12.5, 12.51, "12.50", "7", undefined])).toEqual([
      12.5,
      "12.50",
      "7",
    ]);
    expect(await keptBy({ field: "price", operator: "greater_or_equal", value: 3 }, [2, 3, "3,0"])).toEqual([3, "3,0"]);
    expect(await keptBy({ field: "day", operator: "less", value: "2024-03-01" }, ["2024-02-28", "2024-03-02", ""])).toEqual(["2024-02-28"]);
  });

  it("equals: numerically when both sides are numbers, exactly as text otherwise", async () => {
    expect(await keptBy({ field: "v", operator: "equals", value: "12,50" }, [12.5, "12.5", "12,50", 12, "abc"])).toEqual([12.5, "12.5", "12,50"]);
    expect(await keptBy({ field: "v", operator: "equals", value: "Chair" }, ["Chair", "chair", "Chair "])).toEqual(["Chair"]);
    expect(await keptBy({ field: "v", operator: "equals", value: true }, [true, "true", false, 1])).toEqual([true, "true"]);
    expect(await keptBy({ field: "v", operator: "not_equals", value: "A" }, ["A", "B", undefined])).toEqual(["B", undefined]);
  });

  it("texts: contains, does not contain, starts with, ends with; a list field contains its items", async () => {
    expect(await keptBy({ field: "name", operator: "contains", value: "oak" }, ["oak chair", "Oak chair", "pine", ["oak", "pine"], null])).toEqual([
      "oak chair",
      ["oak", "pine"],
    ]);
    expect(await keptBy({ field: "name", operator: "not_contains", value: "oak" }, ["oak chair", "pine", null])).toEqual(["pine", null]);
    expect(await keptBy({ field: "sku", operator: "starts_with", value: "PL-" }, ["PL-1", "DE-1", "pl-2", 12])).toEqual(["PL-1"]);
    expect(await keptBy({ field: "file", operator: "ends_with", value: ".jpg" }, ["a.jpg", "a.png", undefined])).toEqual(["a.jpg"]);
  });

  it("is empty: nothing, null, blank text, an empty list or object", async () => {
    const values = [undefined, null, "", "  ", [], {}, 0, false, "x", [1]];
    expect(await keptBy({ field: "ean", operator: "is_empty" }, values)).toEqual([undefined, null, "", "  ", [], {}]);
    expect(await keptBy({ field: "ean", operator: "is_not_empty" }, values)).toEqual([0, false, "x", [1]]);
  });

  it("in list: any of the values, numbers compared as numbers", async () => {
    expect(await keptBy({ field: "v", operator: "in_list", value: ["PL", "DE", 5] }, ["PL", "FR", 5, "5,0", "de"])).toEqual(["PL", 5, "5,0"]);
  });

  it("changed: the field is among the changes transform.changes found, nested fields by their top field", async () => {
    const output = await filter({ mode: "rules", rules: [{ field: "price.gross", operator: "changed" }] }, [
      { sku: "A", _change: { op: "update", before: {}, changedFields: ["price"] } },
      { sku: "B", _change: { op: "update", before: {}, changedFields: ["stock"] } },
      { sku: "C" },
    ]);
    expect(output.ports["kept"]!.map((r) => r["sku"])).toEqual(["A"]);
    expect(output.ports["discarded"]!.map((r) => r["sku"])).toEqual(["B", "C"]);
  });

  it("reads nested fields by their dot path", async () => {
    expect(await keptBy({ field: "price.gross", operator: "greater", value: 100 }, [{ gross: 150 }, { gross: 50 }, "150", null], "price")).toEqual([
      { gross: 150 },
    ]);
  });

  it("combines rules with all (AND) or any (OR), and groups one level deep", async () => {
    const records = [
      { sku: "A", stock: 5, price: 50, promo: false },
      { sku: "B", stock: 0, price: 50, promo: true },
      { sku: "C", stock: 5, price: 500, promo: true },
      { sku: "D", stock: 5, price: 500, promo: false },
    ];
    const all = await filter({ mode: "rules", match: "all", rules: [{ field: "stock", operator: "greater", value: 0 }, { field: "price", operator: "less", value: 100 }] }, records);
    expect(all.ports["kept"]!.map((r) => r["sku"])).toEqual(["A"]);
    const any = await filter({ mode: "rules", match: "any", rules: [{ field: "stock", operator: "equals", value: 0 }, { field: "price", operator: "less", value: 100 }] }, records);
    expect(any.ports["kept"]!.map((r) => r["sku"])).toEqual(["A", "B"]);
    const grouped = await filter(
      {
        mode: "rules",
        rules: [{ field: "stock", operator: "greater", value: 0 }],
        groups: [{ match: "any", rules: [{ field: "price", operator: "less", value: 100 }, { field: "promo", operator: "equals", value: true }] }],
      },
      records,
    );
    expect(grouped.ports["kept"]!.map((r) => r["sku"])).toEqual(["A", "C"]);
    expect(grouped.ports["discarded"]!.map((r) => r["sku"])).toEqual(["B", "D"]);
  });

  it("keeps what a JSONata predicate holds true for, on the fast path or JSONata's", async () => {
    const records = [
      { sku: "A", stock: 5, tags: ["new"] },
      { sku: "B", stock: 0, tags: [] },
      { sku: "C", stock: 2, tags: ["old", "new"] },
    ];
    const fast = await filter({ mode: "expression", expression: "stock > 0 and sku != 'C'" }, records);
    expect(fast.ports["kept"]!.map((r) => r["sku"])).toEqual(["A"]);
    // A predicate JSONata's own evaluator runs (filters are outside the fast subset).
    const slow = await filter({ mode: "expression", expression: "$count(tags[$ = 'new']) > 0" }, records);
    expect(slow.ports["kept"]!.map((r) => r["sku"])).toEqual(["A", "C"]);
    // A result that is not a boolean counts as JSONata's $boolean() counts it.
    const truthy = await filter({ mode: "expression", expression: "tags" }, records);
    expect(truthy.ports["kept"]!.map((r) => r["sku"])).toEqual(["A", "C"]);
  });

  it("reports a record whose predicate fails by its index, and goes on with the others", async () => {
    const output = await filter({ mode: "expression", expression: "price * 2 > 10" }, [{ price: 6 }, { price: "6" }, { price: 1 }]);
    expect(output.ports).toEqual({ kept: [{ price: 6 }], discarded: [{ price: 1 }] });
    expect(output.errors).toEqual([
      {
        index: 1,
        message: expect.stringMatching(/^The condition “price \* 2 > 10” could not be evaluated on this record: Expression error at position \d+: the left side of “\*” must be a number/),
      },
    ]);
  });

  it("fails the node when its predicate runs away past its depth bound", async () => {
    await expect(filter({ mode: "expression", expression: "($f := function($n) { $n + $f($n + 1) }; $f(0)) > 0" }, [{}])).rejects.toThrow(
      /^The condition “.*” was stopped: Expression error.*nested deeper than \d+ levels/,
    );
  });

  it("refuses at save time: a JSONata syntax error with its position, rules without values, no rules", () => {
    const syntax = ConditionFilterConfigSchema.safeParse({ mode: "expression", expression: "stock >" });
    expect(syntax.error!.issues).toEqual([
      expect.objectContaining({ path: ["expression"], message: expect.stringMatching(/^Expression error at position 7: expected a value after “>”/) }),
    ]);
    const issues = (config: unknown) => ConditionFilterConfigSchema.safeParse(config).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues({ mode: "rules", rules: [{ field: "price", operator: "greater" }] })).toEqual([
      ["rules.0.value", "“greater” needs one value to compare the field “price” with"],
    ]);
    expect(issues({ mode: "rules", rules: [{ field: "country", operator: "in_list", value: [] }] })).toEqual([
      ["rules.0.value", "“in list” needs a list of at least one value to look for"],
    ]);
    expect(issues({ mode: "rules", rules: [] })).toEqual([["rules", "needs at least one rule"]]);
    expect(issues({ mode: "rules", rules: [{ field: "a..b", operator: "is_empty" }] })?.[0]?.[0]).toBe("rules.0.field");
    expect(issues({ mode: "rules", rules: [{ field: "a", operator: "like", value: "x" }] })?.[0]?.[0]).toBe("rules.0.operator");
  });

  it("fixture: keeps the products in stock that are cheap or on promotion", async () => {
    const report = await runFixture(fixtureFlow(inStockOffers));
    expect(report.status).toBe("succeeded");
    expect(report.written.get("shop")!.map((r) => r["sku"])).toEqual(["A-1", "A-3", "A-5"]);
    expect(report.written.get("set-aside")!.map((r) => r["sku"])).toEqual(["A-2", "A-4", "A-6"]);
    expect(report.nodes["offers"]).toMatchObject({ in: 6, out: { kept: 3, discarded: 3 }, errors: 0 });
  });
});
