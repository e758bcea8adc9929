import type { NodeDefinition } from "@flowgate/engine";
import { expressionSchema } from "@flowgate/engine/expressions";
import { z } from "zod";

export const RULE_OPERATORS = [
  "equals",
  "not_equals",
  "greater",
  "greater_or_equal",
  "less",
  "less_or_equal",
  "contains",
  "not_contains",
  "starts_with",
  "ends_with",
  "is_empty",
  "is_not_empty",
  "in_list",
  "changed",
] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

/** Operators that look only at the field: any `value` they are given is ignored. */
export const VALUELESS_OPERATORS: readonly RuleOperator[] = ["is_empty", "is_not_empty", "changed"];

/** A field of the record, `.` between the names of nested fields: `sku`, `price.gross`, `_change.op`. */
export const FieldPathSchema = z
  .string()
  .trim()
  .min(1, "Enter the name of a field, e.g. “price” or “price.gross”")
  .refine((path) => path.split(".").every((name) => name !== ""), {
    message: "has an empty name between dots; write field names separated by single dots, e.g. “price.gross”",
  });

const ScalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const RuleSchema = z
  .object({
    field: FieldPathSchema,
    operator: z.enum(RULE_OPERATORS),
    /** What the field is compared with; a list for `in_list`; unused by `is_empty`, `is_not_empty` and `changed`. */
    value: z.union([ScalarSchema, z.array(ScalarSchema)]).optional(),
  })
  .superRefine((rule, ctx) => {
    if (VALUELESS_OPERATORS.includes(rule.operator)) return;
    if (rule.operator === "in_list") {
      if (!Array.isArray(rule.value) || rule.value.length === 0) {
        ctx.addIssue({ code: "custom", path: ["value"], message: "“in list” needs a list of at least one value to look for" });
      }
      return;
    }
    if (rule.value === undefined || Array.isArray(rule.value)) {
      ctx.addIssue({
        code: "custom",
        path: ["value"],
        message: `“${rule.operator.replace(/_/g, " ")}” needs one value to compare the field “${rule.field}” with`,
      });
    }
  });
export type Rule = z.infer<typeof RuleSchema>;

const MatchSchema = z.enum(["all", "any"]).default("all").describe("all: every rule must hold (AND); any: one is enough (OR)");

export const RuleGroupSchema = z.object({
  match: MatchSchema,
  rules: z.array(RuleSchema).min(1, "A group needs at least one rule"),
});
export type RuleGroup = z.infer<typeof RuleGroupSchema>;

export const RulesConditionSchema = z
  .object({
    mode: z.literal("rules"),
    /** How the rules and groups below combine. */
    match: MatchSchema,
    rules: z.array(RuleSchema).default([]),
    /** Groups of rules with their own all/any, one level deep: e.g. `stock > 0 AND (price < 10 OR on_sale)`. */
    groups: z.array(RuleGroupSchema).default([]),
  })
  .refine((condition) => condition.rules.length + condition.groups.length > 0, {
    message: "needs at least one rule",
    path: ["rules"],
  });

export const ExpressionConditionSchema = z.object({
  mode: z.literal("expression"),
  /** A JSONata predicate over the record, e.g. `stock > 0 and price < 100`; the record passes when it is true. */
  expression: expressionSchema({ description: "A JSONata condition, e.g. stock > 0 and price < 100" }),
});

/**
 * A condition on one record: rules built in the form, or a JSONata predicate. Shared with filter.route.
 * The widget hint gives it the inspector's condition builder wherever it appears.
 */
export const ConditionSchema = z
  .discriminatedUnion("mode", [RulesConditionSchema, ExpressionConditionSchema])
  .meta({ title: "Condition", widget: "condition" });
export type Condition = z.infer<typeof ConditionSchema>;

export const ConditionFilterConfigSchema = ConditionSchema;
export type ConditionFilterConfig = Condition;

export const conditionFilterDefinition = {
  id: "filter.condition",
  version: 1,
  label: "Filter",
  description: "Keeps the records that meet a condition and sets the others aside.",
  category: "filter",
  icon: "filter",
  configSchema: ConditionFilterConfigSchema,
  inputs: ["in"],
  outputs: ["kept", "discarded"],
} as const satisfies NodeDefinition;
