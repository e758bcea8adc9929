// The parser alone, not the format readers beside it: the inspector runs these predicates in the browser.
import { parseLocaleNumber } from "@flowgate/connectors/locale-number";
import type { Expressions, FlowRecord } from "@flowgate/engine";
import { ExpressionError } from "@flowgate/engine/expressions";
import type { Condition, Rule, RuleGroup } from "./definition";

/**
 * A condition compiled once per run into plain closures, so that the per-record test is a few
 * property reads and comparisons. Browser-safe: the inspector counts the sample records that pass with it.
 */
export interface CompiledCondition {
  /** What the condition is, for error messages: the expression, or "the rules". */
  readonly description: string;
  /** Present when the test never needs to wait (rules, or an expression on the fast path). */
  readonly sync: ((record: FlowRecord) => boolean) | undefined;
  /** The same test for any condition; rejects with an ExpressionError when an expression fails. */
  test(record: FlowRecord): Promise<boolean>;
}

type Test = (record: FlowRecord) => boolean;

export function compileCondition(condition: Condition, expressions: Expressions): CompiledCondition {
  if (condition.mode === "expression") {
    const compiled = expressions.compile(condition.expression);
    const evaluateSync = compiled.evaluateSync;
    return {
      description: `the condition “${condition.expression}”`,
      sync: evaluateSync ? (record) => jsonataBoolean(evaluateSync(record)) : undefined,
      test: async (record) => jsonataBoolean(await compiled.evaluate(record)),
    };
  }
  const parts: Test[] = [...condition.rules.map(compileRule), ...condition.groups.map(compileGroup)];
  const sync = combine(condition.match, parts);
  return { description: "the rules", sync, test: async (record) => sync(record) };
}

/**
 * What a failed evaluation means for the record. A runaway expression (past its time or depth bound)
 * would fail the same way on every record, each after its full bound: it fails the node instead,
 * by throwing. Anything else is the record's own problem.
 */
export function recordFailure(error: unknown, description: string): string {
  if (error instanceof ExpressionError && (error.code === "D1011" || error.code === "D1012")) {
    throw new Error(`${capitalize(description)} was stopped: ${error.message}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${capitalize(description)} could not be evaluated on this record: ${message}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** JSONata's `$boolean()`: how an expression's result counts as true or false. */
export function jsonataBoolean(value: unknown): boolean {
  if (value === true) return true;
  if (value === false || value === null || value === undefined) return false;
  switch (typeof value) {
    case "string":
      return value.length > 0;
    case "number":
      return value !== 0 && !Number.isNaN(value);
    case "object":
      if (Array.isArray(value)) {
        for (const item of value) if (jsonataBoolean(item)) return true;
        return false;
      }
      for (const _ in value) return true;
      return false;
    default:
      return false;
  }
}

function combine(match: "all" | "any", parts: Test[]): Test {
  if (parts.length === 1) return parts[0]!;
  if (match === "all") {
    return (record) => {
      for (let i = 0; i < parts.length; i++) if (!parts[i]!(record)) return false;
      return true;
    };
  }
  return (record) => {
    for (let i = 0; i < parts.length; i++) if (parts[i]!(record)) return true;
    return false;
  };
}

function compileGroup(group: RuleGroup): Test {
  return combine(group.match, group.rules.map(compileRule));
}

/** Reads a field by its dot path; undefined when a step on the way is missing or not an object. */
export function fieldReader(path: string): (record: FlowRecord) => unknown {
  const names = path.split(".");
  if (names.length === 1) {
    const name = names[0]!;
    return (record) => record[name];
  }
  return (record) => {
    let value: unknown = record;
    for (let i = 0; i < names.length; i++) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[names[i]!];
    }
    return value;
  };
}

/** A number, from a number or a text a person wrote (`12,50`, `1 234,56`); undefined otherwise. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string") return parseLocaleNumber(value);
  return undefined;
}

/** The text a value compares as: empty for nothing, JSON for lists and objects. */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") {
    for (const _ in value) return false;
    return true;
  }
  return false;
}

/**
 * `equals` and friends compare as numbers when both sides read as numbers (decimal commas included),
 * and as texts otherwise; texts compare exactly (case and spaces count). A missing field is empty.
 */
export function compileRule(rule: Rule): Test {
  const read = fieldReader(rule.field);
  const value = rule.value;

  switch (rule.operator) {
    case "is_empty":
      return (record) => isEmpty(read(record));
    case "is_not_empty":
      return (record) => !isEmpty(read(record));
    case "changed": {
      const top = rule.field.split(".")[0]!;
      return (record) => {
        const change = record["_change"] as { changedFields?: unknown } | undefined;
        const fields = change?.changedFields;
        return Array.isArray(fields) && (fields.includes(rule.field) || fields.includes(top));
      };
    }
    case "in_list": {
      const items = Array.isArray(value) ? value : [value];
      const numbers = new Set<number>();
      const texts = new Set<string>();
      for (const item of items) {
        const n = numberOf(item);
        if (n !== undefined) numbers.add(n);
        texts.add(textOf(item));
      }
      return (record) => {
        const field = read(record);
        if (numbers.size > 0) {
          const n = numberOf(field);
          if (n !== undefined && numbers.has(n)) return true;
        }
        return texts.has(textOf(field));
      };
    }
    case "equals":
      return equalsTest(read, value);
    case "not_equals": {
      const equals = equalsTest(read, value);
      return (record) => !equals(record);
    }
    case "greater":
      return orderTest(read, value, (order) => order > 0);
    case "greater_or_equal":
      return orderTest(read, value, (order) => order >= 0);
    case "less":
      return orderTest(read, value, (order) => order < 0);
    case "less_or_equal":
      return orderTest(read, value, (order) => order <= 0);
    case "contains": {
      const contains = containsTest(read, textOf(value));
      return contains;
    }
    case "not_contains": {
      const contains = containsTest(read, textOf(value));
      return (record) => !contains(record);
    }
    case "starts_with": {
      const text = textOf(value);
      return (record) => {
        const field = read(record);
        return !isEmpty(field) && textOf(field).startsWith(text);
      };
    }
    case "ends_with": {
      const text = textOf(value);
      return (record) => {
        const field = read(record);
        return !isEmpty(field) && textOf(field).endsWith(text);
      };
    }
  }
}

function equalsTest(read: (record: FlowRecord) => unknown, value: unknown): Test {
  const number = numberOf(value);
  const text = textOf(value);
  if (number === undefined) return (record) => textOf(read(record)) === text;
  return (record) => {
    const field = read(record);
    if (typeof field === "number") return field === number;
    const n = numberOf(field);
    return n !== undefined ? n === number : textOf(field) === text;
  };
}

/** Ordering: numbers when both sides are numbers, texts otherwise; an empty field is never greater or less. */
function orderTest(read: (record: FlowRecord) => unknown, value: unknown, holds: (order: number) => boolean): Test {
  const number = numberOf(value);
  const text = textOf(value);
  return (record) => {
    const field = read(record);
    if (number !== undefined) {
      // The common case (a number against a number) first, without reading text.
      if (typeof field === "number") return holds(field - number);
      const n = numberOf(field);
      if (n !== undefined) return holds(n - number);
    }
    if (isEmpty(field)) return false;
    const fieldText = textOf(field);
    return holds(fieldText < text ? -1 : fieldText > text ? 1 : 0);
  };
}

/** A text field containing the text, or a list field holding an item equal to it. */
function containsTest(read: (record: FlowRecord) => unknown, text: string): Test {
  return (record) => {
    const field = read(record);
    if (typeof field === "string") return field.includes(text);
    if (Array.isArray(field)) {
      for (const item of field) if (textOf(item) === text) return true;
      return false;
    }
    if (isEmpty(field)) return false;
    return textOf(field).includes(text);
  };
}
