/**
 * JSONata 2.2.2 runtime semantics, ported line for line from `node_modules/jsonata/jsonata.js` for the
 * subset the fast path compiles. Keep these faithful to the original, quirks included (the differential
 * test holds them to it); the only liberty taken is a cheap happy path in front of the original logic.
 *
 * Errors are thrown the way JSONata throws them: plain objects `{ code, position?, token?, value? }`,
 * turned into an `ExpressionError` at the public boundary by the same code that handles JSONata's own.
 */

/** A JSONata-style error object, as thrown by JSONata and by the fast path. */
export interface RawExpressionError {
  code: string;
  position?: number;
  token?: unknown;
  value?: unknown;
  value2?: unknown;
  index?: number;
  message?: string;
}

/**
 * Thrown by the fast path when this particular evaluation needs JSONata's own evaluator (e.g. a binding
 * holds a function). `evaluate()` then runs JSONata; `evaluateSync()` reports it as an error.
 */
export class NeedsJsonata {
  constructor(readonly reason: string) {}
}

/** An array JSONata built as a result sequence (flattened, unwrapped when it holds 0 or 1 items). */
export type Sequence = unknown[] & { sequence?: boolean; outerWrapper?: boolean; cons?: boolean };

export function createSequence(...items: unknown[]): Sequence {
  // JSONata's createSequence: an array flagged with an enumerable `sequence` property.
  const sequence: Sequence = [];
  sequence.sequence = true;
  if (items.length === 1) sequence.push(items[0]);
  return sequence;
}

export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

/** What JSONata's `evaluate` does to every result: an empty sequence is nothing, a singleton its item. */
export function unwrapSequence(result: unknown): unknown {
  if (result && isSequence(result)) {
    if (result.length === 0) return undefined;
    if (result.length === 1) return result[0];
  }
  return result;
}

const hasOwn = Object.prototype.hasOwnProperty;

export function hasOwnProperty(object: object, key: string): boolean {
  return hasOwn.call(object, key);
}

export function isFunction(arg: unknown): boolean {
  if (typeof arg === "function") return true;
  if (arg && typeof arg === "object") {
    const candidate = arg as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
    return candidate._jsonata_function === true || candidate._jsonata_lambda === true;
  }
  return false;
}

export function isNumeric(n: unknown): n is number {
  if (typeof n !== "number") return false;
  const isNum = !Number.isNaN(n);
  if (isNum && !Number.isFinite(n)) {
    throw { code: "D1001", value: n } satisfies RawExpressionError;
  }
  return isNum;
}

export function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs === "object" && typeof rhs === "object" && lhs !== null && rhs !== null) {
    if (Array.isArray(lhs) && Array.isArray(rhs)) {
      if (lhs.length !== rhs.length) return false;
      for (let i = 0; i < lhs.length; i++) {
        if (!isDeepEqual(lhs[i], rhs[i])) return false;
      }
      return true;
    }
    const lkeys = Object.getOwnPropertyNames(lhs).sort();
    const rkeys = Object.getOwnPropertyNames(rhs).sort();
    if (lkeys.length !== rkeys.length) return false;
    for (let i = 0; i < lkeys.length; i++) {
      if (lkeys[i] !== rkeys[i]) return false;
    }
    for (const key of lkeys) {
      if (!isDeepEqual((lhs as Record<string, unknown>)[key], (rhs as Record<string, unknown>)[key])) return false;
    }
    return true;
  }
  return false;
}

function objectKeys(arg: unknown): string[] {
  return typeof arg === "object" && arg !== null ? Object.keys(arg) : [];
}

// ---------------------------------------------------------------------------------------------
// Paths of plain names (`a`, `a.b.c`, `` `g:price` ``)

/** JSONata's `fn.lookup`: a field of an object, or the flattened fields of an array's items. */
export function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const res = lookup(item, key);
      if (res !== undefined) {
        if (Array.isArray(res)) {
          for (const val of res) result.push(val);
        } else {
          result.push(res);
        }
      }
    }
    return result;
  }
  if (input !== null && typeof input === "object" && hasOwn.call(input, key) && !isFunction(input)) {
    return (input as Record<string, unknown>)[key];
  }
  return undefined;
}

/**
 * JSONata's `evaluatePath` + `evaluateStep` for a path whose steps are all plain names, including the
 * mapping over arrays, the flattening of one level, and the "last step yields one array" rule.
 * The returned value has already been through `unwrapSequence`.
 */
export function evaluateNamePath(input: unknown, names: readonly string[]): unknown {
  let inputSequence: unknown[] = Array.isArray(input) ? input : createSequence(input);
  let resultSequence: Sequence = createSequence();
  for (let step = 0; step < names.length; step++) {
    const name = names[step] as string;
    const lastStep = step === names.length - 1;
    const result = createSequence();
    for (const item of inputSequence) {
      const res = unwrapSequence(lookup(item, name));
      if (res !== undefined) result.push(res);
    }
    if (lastStep && result.length === 1 && Array.isArray(result[0]) && !isSequence(result[0])) {
      resultSequence = result[0] as Sequence;
    } else {
      resultSequence = createSequence();
      for (const res of result) {
        if (!Array.isArray(res) || (res as Sequence).cons) {
          resultSequence.push(res);
        } else {
          for (const val of res) resultSequence.push(val);
        }
      }
    }
    if (resultSequence.length === 0) break;
    inputSequence = resultSequence;
  }
  return unwrapSequence(resultSequence);
}

// ---------------------------------------------------------------------------------------------
// Operators (evaluateNumericExpression, evaluateEqualityExpression, ...)

export function numericOperation(lhs: unknown, rhs: unknown, op: string): number | undefined {
  if (lhs !== undefined && !isNumeric(lhs)) throw { code: "T2001", value: lhs } satisfies RawExpressionError;
  if (rhs !== undefined && !isNumeric(rhs)) throw { code: "T2002", value: rhs } satisfies RawExpressionError;
  if (lhs === undefined || rhs === undefined) return undefined;
  switch (op) {
    case "+":
      return lhs + rhs;
    case "-":
      return lhs - rhs;
    case "*":
      return lhs * rhs;
    case "/":
      return lhs / rhs;
    default:
      return lhs % rhs;
  }
}

export function equalityOperation(lhs: unknown, rhs: unknown, op: "=" | "!="): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  return op === "=" ? isDeepEqual(lhs, rhs) : !isDeepEqual(lhs, rhs);
}

export function comparisonOperation(lhs: unknown, rhs: unknown, op: string): boolean | undefined {
  const ltype = typeof lhs;
  const rtype = typeof rhs;
  const lcomparable = ltype === "undefined" || ltype === "string" || ltype === "number";
  const rcomparable = rtype === "undefined" || rtype === "string" || rtype === "number";
  if (!lcomparable || !rcomparable) {
    throw {
      code: "T2010",
      value: !(ltype === "string" || ltype === "number") ? lhs : rhs,
    } satisfies RawExpressionError;
  }
  if (ltype === "undefined" || rtype === "undefined") return undefined;
  if (ltype !== rtype) throw { code: "T2009", value: lhs, value2: rhs } satisfies RawExpressionError;
  const l = lhs as string | number;
  const r = rhs as string | number;
  switch (op) {
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    default:
      return l >= r;
  }
}

export function concatOperation(lhs: unknown, rhs: unknown): string {
  const lstr = lhs === undefined ? "" : (toJsonataString(lhs) as string);
  const rstr = rhs === undefined ? "" : (toJsonataString(rhs) as string);
  return lstr.concat(rstr);
}

/** `boolize` in evaluateBooleanExpression: the effective boolean value, nothing counting as false. */
export function boolize(value: unknown): boolean {
  return toBoolean(value) ?? false;
}

// ---------------------------------------------------------------------------------------------
// Built-in functions (fn.string, fn.boolean, ...)

export function toJsonataString(arg: unknown, prettify: unknown = false): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === "string") return arg;
  if (isFunction(arg)) return "";
  if (typeof arg === "number" && !Number.isFinite(arg)) {
    throw { code: "D3001", value: arg } satisfies RawExpressionError;
  }
  const space = prettify ? 2 : 0;
  let value = arg;
  if (Array.isArray(value) && (value as Sequence).outerWrapper) value = value[0];
  return JSON.stringify(
    value,
    (_key, val: unknown) => {
      if (val !== undefined && val !== null && isNumeric(val)) {
        return !Number.isInteger(val) ? Number(val.toPrecision(15)) : val;
      }
      return val && isFunction(val) ? "" : val;
    },
    space,
  );
}

export function toBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  let result = false;
  if (Array.isArray(arg)) {
    if (arg.length === 1) {
      result = toBoolean(arg[0]) as boolean;
    } else if (arg.length > 1) {
      result = arg.filter((val) => toBoolean(val)).length > 0;
    }
  } else if (typeof arg === "string") {
    result = arg.length > 0;
  } else if (isNumeric(arg)) {
    result = arg !== 0;
  } else if (arg !== null && typeof arg === "object" && !isFunction(arg)) {
    result = objectKeys(arg).length > 0;
  } else if (typeof arg === "boolean" && arg === true) {
    result = true;
  }
  return result;
}

export function stringToArray(str: string): string[] {
  const arr: string[] = [];
  for (const char of str) arr.push(char);
  return arr;
}

function substring(str: unknown, startArg: unknown, length: unknown): string | undefined {
  if (str === undefined) return undefined;
  const strArray = stringToArray(str as string);
  const strLength = strArray.length;
  let start = startArg as number;
  if (strLength + start < 0) start = 0;
  if (length !== undefined) {
    if ((length as number) <= 0) return "";
    const end = start >= 0 ? start + (length as number) : strLength + start + (length as number);
    return strArray.slice(start, end).join("");
  }
  return strArray.slice(start).join("");
}

export function trim(str: unknown): string | undefined {
  if (str === undefined) return undefined;
  const text = str as string;
  if (!needsWhitespaceNormalising(text)) {
    // No tab, newline, carriage return or double space: only a single leading/trailing space can go.
    const from = text.charCodeAt(0) === 32 ? 1 : 0;
    const to = text.length > from && text.charCodeAt(text.length - 1) === 32 ? text.length - 1 : text.length;
    return from === 0 && to === text.length ? text : text.slice(from, to);
  }
  let result = text.replace(/[ \t\n\r]+/gm, " ");
  if (result.charAt(0) === " ") result = result.substring(1);
  if (result.charAt(result.length - 1) === " ") result = result.substring(0, result.length - 1);
  return result;
}

function needsWhitespaceNormalising(text: string): boolean {
  let previousSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 9 || code === 10 || code === 13) return true;
    if (code === 32) {
      if (previousSpace) return true;
      previousSpace = true;
    } else {
      previousSpace = false;
    }
  }
  return false;
}

function toNumber(arg: unknown): number | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === "number") return arg;
  if (
    typeof arg === "string" &&
    /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/.test(arg) &&
    !Number.isNaN(parseFloat(arg)) &&
    isFinite(arg as unknown as number)
  ) {
    return parseFloat(arg);
  }
  if (typeof arg === "string" && /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/.test(arg)) {
    return Number(arg);
  }
  if (arg === true) return 1;
  if (arg === false) return 0;
  throw { code: "D3030", value: arg, index: 1 } satisfies RawExpressionError;
}

/** `$round`: half to even, shifting the decimal point through the string form as JSONata does. */
export function round(argValue: unknown, precision: unknown): number | undefined {
  if (argValue === undefined) return undefined;
  const quick = roundQuickly(argValue as number, precision as number);
  return quick === undefined ? roundAsJsonata(argValue as number, precision as number) : quick;
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The same result without strings, for the common case: an integer precision 1–15 and a value whose
 * shifted form is nowhere near a tie. JSONata shifts the shortest decimal form of `arg` (the nearest double
 * to D×10^p); `arg * 10^p` is within a few ulps of it, so away from k+0.5 both round to the same integer n,
 * and n / 10^p (exact operands, one correctly rounded division) equals parsing "ne-p". Undefined otherwise.
 */
function roundQuickly(arg: number, p: number): number | undefined {
  if (!p) return undefined;
  if (p < 1 || p > 15 || !Number.isInteger(p)) return undefined;
  const scale = POWERS_OF_TEN[p] as number;
  const shifted = arg * scale;
  const magnitude = Math.abs(shifted);
  if (!(magnitude < 2 ** 40)) return undefined;
  const whole = Math.floor(magnitude);
  const fraction = magnitude - whole;
  if (Math.abs(fraction - 0.5) <= magnitude * 1e-12 + 1e-9) {
    // Near a tie c = whole + 0.5 (at most 14 significant digits, as c < 2^40 + 1). If `arg` is the double
    // nearest to c / 10^p, its shortest decimal form is exactly c / 10^p (decimals of up to 15 significant
    // digits map to distinct doubles), so JSONata shifts it to exactly c: a tie, rounded half to even.
    // A few ulps off that double, it is not a tie but may still look like one after the shift: JSONata's way.
    if (Math.abs(arg) !== (whole + 0.5) / scale) return undefined;
    const even = whole % 2 === 0 ? whole : whole + 1;
    const tie = (arg < 0 ? -even : even) / scale;
    return Object.is(tie, -0) ? 0 : tie;
  }
  const result = Math.round(shifted) / scale;
  return Object.is(result, -0) ? 0 : result;
}

function roundAsJsonata(argValue: number, p: number): number {
  let arg = argValue;
  if (p) {
    const value = arg.toString().split("e");
    arg = +(value[0] + "e" + (value[1] ? +value[1] + p : p));
  }
  let result = Math.round(arg);
  const diff = result - arg;
  if (Math.abs(diff) === 0.5 && Math.abs(result % 2) === 1) result = result - 1;
  if (p) {
    const value = result.toString().split("e");
    result = +(value[0] + "e" + (value[1] ? +value[1] - p : -p));
  }
  if (Object.is(result, -0)) result = 0;
  return result;
}

function contains(str: unknown, token: unknown): boolean | undefined {
  if (str === undefined || token === undefined) return undefined;
  if (typeof token === "string") return (str as string).indexOf(token) !== -1;
  // A matcher function (a regex or a bound function) is evaluated asynchronously by JSONata.
  throw new NeedsJsonata("$contains was given a function");
}

// ---------------------------------------------------------------------------------------------
// Function signatures (signature.js), used only when an argument is not of the expected type: the
// happy path skips them, the rest must fail (or substitute the context) exactly as JSONata does.

type Param = { regex: string; type: string; context?: boolean; contextRegex?: RegExp };

function typeSymbol(value: unknown): string {
  if (isFunction(value)) return "f";
  switch (typeof value) {
    case "string":
      return "s";
    case "number":
      return "n";
    case "boolean":
      return "b";
    case "object":
      if (value === null) return "l";
      return Array.isArray(value) ? "a" : "o";
    default:
      return "m";
  }
}

/** Parses the signatures of the whitelisted functions (no array subtypes among them). */
function parseSignature(signature: string): (args: unknown[], context: unknown) => unknown[] {
  const params: Param[] = [];
  let param = Object.create(null) as Param;
  let prevParam = param;
  const next = () => {
    params.push(param);
    prevParam = param;
    param = Object.create(null) as Param;
  };
  for (let position = 1; position < signature.length; position++) {
    const symbol = signature.charAt(position);
    if (symbol === ":") break;
    switch (symbol) {
      case "s":
      case "n":
      case "b":
      case "l":
      case "o":
        param.regex = "[" + symbol + "m]";
        param.type = symbol;
        next();
        break;
      case "x":
        param.regex = "[asnblfom]";
        param.type = symbol;
        next();
        break;
      case "-":
        prevParam.context = true;
        prevParam.contextRegex = new RegExp(prevParam.regex);
        prevParam.regex += "?";
        break;
      case "?":
      case "+":
        prevParam.regex += symbol;
        break;
      case "(": {
        const endParen = signature.indexOf(")", position);
        const choice = signature.substring(position + 1, endParen);
        param.regex = "[" + choice + "m]";
        param.type = "(" + choice + ")";
        position = endParen;
        next();
        break;
      }
      default:
        throw new Error(`Unsupported signature symbol ${symbol} in ${signature}`);
    }
  }
  const regex = new RegExp("^" + params.map((p) => "(" + p.regex + ")").join("") + "$");

  const throwValidationError = (badArgs: unknown[], badSig: string): never => {
    let partialPattern = "^";
    let goodTo = 0;
    for (const p of params) {
      partialPattern += p.regex;
      const match = badSig.match(partialPattern);
      if (match === null) throw { code: "T0410", value: badArgs[goodTo], index: goodTo + 1 } satisfies RawExpressionError;
      goodTo = match[0].length;
    }
    throw { code: "T0410", value: badArgs[goodTo], index: goodTo + 1 } satisfies RawExpressionError;
  };

  return (args, context) => {
    const suppliedSig = args.map(typeSymbol).join("");
    const isValid = regex.exec(suppliedSig);
    if (!isValid) return throwValidationError(args, suppliedSig);
    const validatedArgs: unknown[] = [];
    let argIndex = 0;
    params.forEach((p, index) => {
      const match = isValid[index + 1];
      if (match === "") {
        if (p.context && p.contextRegex) {
          if (p.contextRegex.test(typeSymbol(context))) {
            validatedArgs.push(context);
          } else {
            throw { code: "T0411", value: context, index: argIndex + 1 } satisfies RawExpressionError;
          }
        } else {
          validatedArgs.push(args[argIndex]);
          argIndex++;
        }
      } else {
        for (let i = 0; i < (match as string).length; i++) {
          validatedArgs.push(args[argIndex]);
          argIndex++;
        }
      }
    });
    return validatedArgs;
  };
}

/** Arguments are positional (a missing one is undefined) so the happy path allocates nothing. */
type Positional<R> = (a0: unknown, a1: unknown, a2: unknown, timestamp: number) => R;

export interface Builtin {
  minArgs: number;
  maxArgs: number;
  /** True when the arguments are of the expected types, so the signature check can be skipped. */
  happy: Positional<boolean>;
  validate: (args: unknown[], context: unknown) => unknown[];
  implementation: Positional<unknown>;
}

const isStringOrNothing = (v: unknown) => v === undefined || typeof v === "string";
const isNumberOrNothing = (v: unknown) => v === undefined || typeof v === "number";
const any = () => true;

function builtin(
  signature: string,
  minArgs: number,
  maxArgs: number,
  happy: Positional<boolean>,
  implementation: Positional<unknown>,
): Builtin {
  return { minArgs, maxArgs, happy, validate: parseSignature(signature), implementation };
}

/**
 * The whitelisted functions, with the arities the fast path compiles. Calls with fewer arguments
 * (which take the context value) or more (an error) are left to JSONata.
 */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  string: builtin(
    "<x-b?:s>",
    1,
    2,
    (_a, b) => b === undefined || typeof b === "boolean",
    (a, b) => toJsonataString(a, b),
  ),
  number: builtin(
    "<(nsb)-:n>",
    1,
    1,
    (a) => a === undefined || typeof a === "number" || typeof a === "string" || typeof a === "boolean",
    (a) => toNumber(a),
  ),
  round: builtin("<n-n?:n>", 1, 2, (a, p) => isNumberOrNothing(a) && isNumberOrNothing(p), (a, p) => round(a, p)),
  floor: builtin("<n-:n>", 1, 1, isNumberOrNothing, (a) => (a === undefined ? undefined : Math.floor(a as number))),
  ceil: builtin("<n-:n>", 1, 1, isNumberOrNothing, (a) => (a === undefined ? undefined : Math.ceil(a as number))),
  abs: builtin("<n-:n>", 1, 1, isNumberOrNothing, (a) => (a === undefined ? undefined : Math.abs(a as number))),
  uppercase: builtin("<s-:s>", 1, 1, isStringOrNothing, (a) => (a === undefined ? undefined : (a as string).toUpperCase())),
  lowercase: builtin("<s-:s>", 1, 1, isStringOrNothing, (a) => (a === undefined ? undefined : (a as string).toLowerCase())),
  trim: builtin("<s-:s>", 1, 1, isStringOrNothing, (a) => trim(a)),
  length: builtin("<s-:n>", 1, 1, isStringOrNothing, (a) => (a === undefined ? undefined : stringToArray(a as string).length)),
  substring: builtin(
    "<s-nn?:s>",
    2,
    3,
    (s, start, length) => isStringOrNothing(s) && isNumberOrNothing(start) && isNumberOrNothing(length),
    (s, start, length) => substring(s, start, length),
  ),
  contains: builtin(
    "<s-(sf):b>",
    2,
    2,
    (s, token) => isStringOrNothing(s) && isStringOrNothing(token),
    (s, token) => contains(s, token),
  ),
  exists: builtin("<x:b>", 1, 1, any, (a) => a !== undefined),
  boolean: builtin("<x-:b>", 1, 1, any, (a) => toBoolean(a)),
  not: builtin("<x-:b>", 1, 1, any, (a) => (a === undefined ? undefined : !toBoolean(a))),
  // `$now()` formats the evaluation's timestamp with the picture [Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z,
  // which for years 0–9999 is exactly `Date.prototype.toISOString`.
  now: builtin("<s?s?:s>", 0, 0, any, (_a, _b, _c, timestamp) => new Date(timestamp).toISOString()),
};

/**
 * Names JSONata resolves to built-in functions (its static frame, plus `now` and `millis`). A `$name`
 * variable with one of these names is a function, not a binding, so the fast path leaves it alone.
 */
export const JSONATA_FUNCTION_NAMES: ReadonlySet<string> = new Set(
  (
    "sum count max min average string substring substringBefore substringAfter lowercase uppercase length " +
    "trim pad match contains replace split join formatNumber formatBase formatInteger parseInteger number " +
    "floor ceil round abs sqrt power random boolean not map zip filter single reduce sift keys lookup append " +
    "exists spread merge reverse each error assert type sort shuffle distinct base64encode base64decode " +
    "encodeUrlComponent encodeUrl decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis"
  ).split(" "),
);
