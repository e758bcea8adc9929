import type { z } from "zod";

/**
 * Plain-language wording for zod's common issues, used as the per-parse error map. A message a kind's
 * author wrote into its config schema takes precedence over this one (zod's own precedence rules), and
 * anything not covered here falls back to zod's default.
 */
export const plainIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is missing";
      return `should be ${describeType(issue.expected)}`;
    case "too_small":
      return describeBound("at least", issue.origin, issue.minimum, issue.inclusive ?? true);
    case "too_big":
      return describeBound("at most", issue.origin, issue.maximum, issue.inclusive ?? true);
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${quote(issue.values[0])}`
        : `must be one of ${issue.values.map(quote).join(", ")}`;
    case "unrecognized_keys":
      return `has fields this version of Flowgate does not know: ${issue.keys.map(quote).join(", ")}`;
    default:
      return undefined;
  }
};

function describeType(expected: string): string {
  switch (expected) {
    case "string":
      return "text";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "object":
      return "a group of fields";
    case "array":
      return "a list";
    default:
      return `a value of type ${expected}`;
  }
}

function describeBound(word: "at least" | "at most", origin: string, bound: number | bigint, inclusive: boolean): string {
  const limit = String(bound);
  switch (origin) {
    case "string":
      if (word === "at least" && Number(bound) === 1) return "must not be empty";
      return `must be ${word} ${limit} characters long`;
    case "array":
    case "set":
      return `must have ${word} ${limit} items`;
    default:
      if (!inclusive) return `must be ${word === "at least" ? "greater" : "less"} than ${limit}`;
      return `must be ${word} ${limit}`;
  }
}

function quote(value: unknown): string {
  return typeof value === "string" ? `“${value}”` : String(value);
}

/** Joins a message fragment into a sentence: drops a trailing full stop so callers can add their own. */
export function clause(message: string): string {
  return message.trim().replace(/\.$/, "");
}
