import { ConditionSchema } from "@flowgate/nodes/kinds/filter-condition";
import { describe, expect, it } from "vitest";
import { formatRuleValue, needsValue, newRulesCondition, OPERATOR_OPTIONS, parseRuleValue, withOperator } from "./condition-model";

describe("condition builder values", () => {
  it("stores what reads as a plain number as a number and everything else as typed", () => {
    expect(parseRuleValue("0")).toBe(0);
    expect(parseRuleValue(" 12.5 ")).toBe(12.5);
    expect(parseRuleValue("007")).toBe("007");
    expect(parseRuleValue("12,5")).toBe("12,5");
    expect(parseRuleValue("A-100")).toBe("A-100");
    expect(formatRuleValue(["a", 1])).toBe("a, 1");
  });

  it("reshapes the value when the operator changes", () => {
    expect(withOperator({ field: "sku", operator: "equals", value: "A" }, "in_list")).toEqual({ field: "sku", operator: "in_list", value: ["A"] });
    expect(withOperator({ field: "sku", operator: "in_list", value: ["A", "B"] }, "equals")).toEqual({ field: "sku", operator: "equals", value: "A" });
    expect(withOperator({ field: "sku", operator: "equals", value: "A" }, "is_empty")).toEqual({ field: "sku", operator: "is_empty" });
    expect(needsValue("changed")).toBe(false);
    expect(needsValue("greater")).toBe(true);
  });

  it("names every operator in plain words", () => {
    expect(OPERATOR_OPTIONS.find((o) => o.value === "greater")?.label).toBe("is greater than");
    expect(new Set(OPERATOR_OPTIONS.map((o) => o.label)).size).toBe(OPERATOR_OPTIONS.length);
  });

  it("builds the demo's filter, stock greater than 0, as a condition the node accepts", () => {
    const condition = newRulesCondition();
    condition.rules = [withOperator({ field: "stock", operator: "equals", value: parseRuleValue("0") }, "greater")];
    expect(ConditionSchema.parse(condition)).toEqual({ mode: "rules", match: "all", rules: [{ field: "stock", operator: "greater", value: 0 }], groups: [] });
  });
});
