import { RULE_OPERATORS, VALUELESS_OPERATORS, type RuleOperator } from "@flowgate/nodes/kinds/filter-condition";

/*
 * The condition builder's words and values: operators in plain language, and how what a person types
 * into a rule's value box is stored (a number when it reads as one, else the text).
 */

export const OPERATOR_LABELS: Record<RuleOperator, string> = {
  equals: "is",
  not_equals: "is not",
  greater: "is greater than",
  greater_or_equal: "is at least",
  less: "is less than",
  less_or_equal: "is at most",
  contains: "contains",
  not_contains: "does not contain",
  starts_with: "starts with",
  ends_with: "ends with",
  is_empty: "is empty",
  is_not_empty: "is not empty",
  in_list: "is one of",
  changed: "has changed",
};

export const OPERATOR_OPTIONS = RULE_OPERATORS.map((operator) => ({ value: operator, label: OPERATOR_LABELS[operator] }));

export type Scalar = string | number | boolean | null;

export interface RuleDraft {
  field?: string;
  operator?: string;
  value?: Scalar | Scalar[];
}

export interface GroupDraft {
  match?: string;
  rules?: RuleDraft[];
}

export interface RulesConditionDraft {
  mode: "rules";
  match?: string;
  rules?: RuleDraft[];
  groups?: GroupDraft[];
}

export function needsValue(operator: string | undefined): boolean {
  return !(VALUELESS_OPERATORS as readonly string[]).includes(operator ?? "");
}

const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** "0" → 0, "12.5" → 12.5; anything else (including "007" and "12,5", which are texts a person may mean) stays text. */
export function parseRuleValue(text: string): Scalar {
  const trimmed = text.trim();
  return PLAIN_NUMBER.test(trimmed) ? Number(trimmed) : text;
}

export function formatRuleValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.map(formatRuleValue).join(", ");
  return String(value);
}

/**
 * A rule after its operator changed: a list for "is one of" (keeping a single value as its first
 * item), one value for the comparing operators (the list's first item), none for the others.
 */
export function withOperator(rule: RuleDraft, operator: string): RuleDraft {
  const { value, ...rest } = rule;
  if (!needsValue(operator)) return { ...rest, operator };
  if (operator === "in_list") {
    const list = Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value];
    return { ...rest, operator, value: list };
  }
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined ? { ...rest, operator, value: "" } : { ...rest, operator, value: single };
}

export function newRule(field = ""): RuleDraft {
  return { field, operator: "equals", value: "" };
}

/** The condition a new filter starts with: one empty rule, every rule must hold. */
export function newRulesCondition(): RulesConditionDraft {
  return { mode: "rules", match: "all", rules: [newRule()], groups: [] };
}
