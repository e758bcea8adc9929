import type { RawExpressionError } from "./semantics";

/**
 * An expression that cannot be compiled or failed to evaluate. `code` is JSONata's error code
 * (S0xxx syntax, T/Dxxxx runtime, D1011/D1012 for the depth and time bounds); `position` is the
 * character offset JSONata reports, i.e. just after the offending token.
 */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
  /** Set by a mapper (`compileMapper`): the target field whose expression failed. */
  declare target?: string;
  constructor(
    message: string,
    readonly code: string,
    readonly position: number | undefined,
  ) {
    super(message);
  }
}

export interface ExpressionLimits {
  timeoutMs: number;
  maxDepth: number;
}

const OPERATOR_AT_END = /(:=|!=|<=|>=|\band\b|\bor\b|[-+*/%&=<>?:,(\[{;.~|])\s*$/;

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the text ${JSON.stringify(shown)}`;
  }
  if (typeof value === "number") return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "function") return "a function";
  return "an object";
}

function tokenText(token: unknown): string {
  return typeof token === "string" || typeof token === "number" ? String(token) : "";
}

/** The plain-language part of the message, or undefined to keep JSONata's own wording. */
function explain(error: RawExpressionError, source: string, limits: ExpressionLimits): string | undefined {
  const token = tokenText(error.token);
  const fn = `$${token}()`;
  switch (error.code) {
    case "S0101":
      return "a text in quotes is not closed; add the matching quote";
    case "S0105":
      return "a field name in backticks is not closed; add the closing backtick (`)";
    case "S0106":
      return "a comment is not closed; add */";
    case "S0201":
      return `unexpected “${token}”; is an operator (such as + or &) or a comma missing before it?`;
    case "S0202":
      return `expected “${tokenText(error.value)}” but found “${token}”`;
    case "S0203":
      return `expected “${tokenText(error.value)}” before the end of the expression`;
    case "S0207": {
      const before = source.slice(0, error.position ?? source.length).match(OPERATOR_AT_END);
      if (before?.[1]) return `expected a value after “${before[1]}”`;
      return source.trim() === "" ? "the expression is empty" : "the expression ends too early";
    }
    case "S0211":
      return `“${token}” cannot start a value here`;
    case "T2001":
      return `the left side of “${token}” must be a number, but it is ${describe(error.value)}`;
    case "T2002":
      return `the right side of “${token}” must be a number, but it is ${describe(error.value)}`;
    case "T2009":
      return (
        `“${token}” compares ${describe(error.value)} with ${describe(error.value2)}; ` +
        "convert one side with $number() or $string() so both have the same type"
      );
    case "T2010":
      return `“${token}” can only compare numbers or texts, not ${describe(error.value)}`;
    case "T0410":
      return `argument ${error.index ?? "?"} of ${fn} cannot be ${describe(error.value)}`;
    case "T0411":
      return `${fn} needs argument ${error.index ?? "?"}, and the current value cannot stand in for it`;
    case "D1001":
      return `a calculation produced ${describe(error.value)}, which is not a usable number (a division by zero?)`;
    case "D1002":
      return `“-” needs a number, but it got ${describe(error.value)}`;
    case "D3001":
      return `$string() cannot write ${describe(error.value)} (a division by zero?)`;
    case "D3030":
      return `$number() cannot read ${describe(error.value)} as a number (it expects e.g. 12.5, with a dot)`;
    case "D1011":
      return (
        `the expression nested deeper than ${limits.maxDepth} levels (a function calling itself without end?); ` +
        "simplify it or split it into steps"
      );
    case "D1012":
      return `the expression took longer than ${limits.timeoutMs} ms; simplify it or split it into steps`;
    default:
      return undefined;
  }
}

/** Turns whatever JSONata (or the fast path) threw into an `ExpressionError`. */
export function toExpressionError(thrown: unknown, source: string, limits: ExpressionLimits): ExpressionError {
  if (thrown instanceof ExpressionError) return thrown;
  if (thrown !== null && typeof thrown === "object" && typeof (thrown as RawExpressionError).code === "string") {
    const raw = thrown as RawExpressionError;
    const text = explain(raw, source, limits) ?? raw.message ?? raw.code;
    const where = typeof raw.position === "number" ? ` at position ${raw.position}` : "";
    return new ExpressionError(`Expression error${where}: ${text}`, raw.code, raw.position);
  }
  if (thrown instanceof RangeError) {
    // The JavaScript stack ran out before JSONata's own depth bound did.
    return toExpressionError({ code: "D1011" }, source, limits);
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new ExpressionError(`Expression error: ${message}`, "E0000", undefined);
}
