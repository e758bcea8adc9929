import { positioned, type FastProgram } from "./fast-compiler";
import {
  BUILTINS,
  NeedsJsonata,
  boolize,
  comparisonOperation,
  concatOperation,
  createSequence,
  evaluateNamePath,
  isDeepEqual,
  isFunction,
  isNumeric,
  isSequence,
  numericOperation,
  round,
  stringToArray,
  toBoolean,
  trim,
  unwrapSequence,
  type Builtin,
  type RawExpressionError,
} from "./semantics";

/**
 * Generates one JavaScript function per expression (or per list of mapped fields) from a syntax tree
 * that `compileFast` has already accepted, so the constructs are exactly the compiled subset. The
 * generated code does the common case inline, specialised on the types it meets (a field that is a
 * plain number, a string concatenated with a string, ...), and hands everything else to the same
 * semantics helpers the closures use, so results, errors and positions stay JSONata's.
 *
 * Shape of the generated code: every sub-expression's value goes into its own temporary (`t0`, `t1`,
 * ...), assigned once on the path that computes it; a sub-expression is thus a few statements plus the
 * name (or literal) holding its value. Operators that wrap their operands' errors with their own
 * position (`and`, `or`) do it with try/catch around the same statements the closures cover.
 */

export type GeneratedEvaluate = (input: unknown, bindings: Record<string, unknown> | undefined) => unknown;
export type GeneratedMapper = (
  input: unknown,
  bindings: Record<string, unknown> | undefined,
) => Record<string, unknown>;

/** Thrown by a generated mapper: which field (by index) failed, and what it threw. */
export class FieldFailure {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

type StaticType = "number" | "string" | "boolean" | "null" | "any";

/** A generated sub-expression: the JavaScript that holds its value (a temporary or a literal). */
interface Value {
  js: string;
  /** What the value is known to be on every path (`any`: not known; it may be undefined). */
  type: StaticType;
  /** Known to be a finite number. */
  finite: boolean;
  /** A literal (not undefined, not an object): `===` against it is JSONata's `=`. */
  literal: boolean;
}

interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  [key: string]: unknown;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** What generated code calls, besides per-site constants. */
const HELPERS = {
  hasOwn,
  /** Not read yet (a shared field read in a mapper). */
  NONE: Symbol("none"),
  isSequence,
  isFunction,
  toBoolean,
  boolize,
  isDeepEqual,
  trim,
  round,
  stringToArray,
  positioned,
  path: evaluateNamePath,
  wrap(input: unknown[]): unknown[] {
    // As JSONata does: an array input is one value, wrapped so that paths map over it.
    const wrapper = createSequence(input);
    wrapper.outerWrapper = true;
    return wrapper;
  },
  shadow(bindings: Record<string, unknown>, names: readonly string[]): void {
    for (const name of names) {
      if (Object.prototype.propertyIsEnumerable.call(bindings, name)) {
        throw new NeedsJsonata(`the binding $${name} shadows the function $${name}()`);
      }
    }
  },
  variable(bindings: Record<string, unknown> | undefined, name: string): unknown {
    if (bindings === undefined || !Object.prototype.propertyIsEnumerable.call(bindings, name)) return undefined;
    const value = bindings[name];
    if (isFunction(value)) throw new NeedsJsonata(`the binding $${name} holds a function`);
    return unwrapSequence(value);
  },
  neg(value: unknown, position: number | undefined): unknown {
    if (value === undefined) return undefined;
    if (isNumeric(value)) return -value;
    throw { code: "D1002", position, token: "-", value } satisfies RawExpressionError;
  },
  num(l: unknown, r: unknown, op: string, position: number | undefined): unknown {
    try {
      return numericOperation(l, r, op);
    } catch (err) {
      throw positioned(err, position, op);
    }
  },
  cmp(l: unknown, r: unknown, op: string, position: number | undefined): unknown {
    try {
      return comparisonOperation(l, r, op);
    } catch (err) {
      throw positioned(err, position, op);
    }
  },
  cat(l: unknown, r: unknown, position: number | undefined): string {
    try {
      return concatOperation(l, r);
    } catch (err) {
      throw positioned(err, position, "&");
    }
  },
  failed(index: number, error: unknown): FieldFailure {
    return new FieldFailure(index, error);
  },
};

const HELPER_NAMES = Object.keys(HELPERS);

type Caller = (context: unknown, timestamp: number, a0: unknown, a1: unknown, a2: unknown) => unknown;

/** A built-in call as the closures make it: happy path, else JSONata's signature check; errors positioned. */
function makeCaller(name: string, fn: Builtin, position: number | undefined, arity: number): Caller {
  if (arity === 0) return (_context, timestamp) => fn.implementation(undefined, undefined, undefined, timestamp);
  const fail = (err: unknown): unknown => {
    if (err !== null && typeof err === "object" && !(err instanceof NeedsJsonata)) {
      const raw = err as RawExpressionError;
      raw.position = position;
      if (raw.token === undefined) raw.token = name;
    }
    return err;
  };
  return (context, timestamp, a0, a1, a2) => {
    try {
      if (fn.happy(a0, a1, a2, 0)) return fn.implementation(a0, a1, a2, timestamp);
      const values = arity === 1 ? [a0] : arity === 2 ? [a0, a1] : [a0, a1, a2];
      const [b0, b1, b2] = fn.validate(values, context);
      return fn.implementation(b0, b1, b2, timestamp);
    } catch (err) {
      throw fail(err);
    }
  };
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

class Generator {
  private readonly lines: string[] = [];
  private temps = 0;
  private labels = 0;
  readonly constants: unknown[] = [];
  /**
   * In a mapper, a top-level field read by several expressions is read once per record: `r0`... hold
   * the own value (or undefined) of a field of a plain input, `NONE` until first read.
   */
  private readonly shared: Map<string, string> | undefined;

  constructor(shareReads = false) {
    this.shared = shareReads ? new Map() : undefined;
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `K${this.constants.length - 1}`;
  }

  temp(): string {
    return `t${this.temps++}`;
  }

  emit(line: string): void {
    this.lines.push(line);
  }

  declarations(): string {
    const names = Array.from({ length: this.temps }, (_, i) => `t${i}`);
    for (const read of this.shared?.values() ?? []) names.push(`${read} = NONE`);
    return names.length === 0 ? "" : `let ${names.join(", ")};`;
  }

  /** The own value of a field of the plain input `ctx`, as code (emitting what reads it). */
  private ownField(name: string, into: string): void {
    const q = JSON.stringify(name);
    const read = `hasOwn.call(ctx, ${q}) ? ctx[${q}] : undefined`;
    if (!this.shared) {
      this.emit(`${into} = ${read};`);
      return;
    }
    let cached = this.shared.get(name);
    if (cached === undefined) {
      cached = `r${this.shared.size}`;
      this.shared.set(name, cached);
    }
    this.emit(`if (${cached} === NONE) ${cached} = ${read};`);
    this.emit(`${into} = ${cached};`);
  }

  body(): string {
    return this.lines.join("\n");
  }

  private value(js: string, type: StaticType = "any", finite = false, literal = false): Value {
    return { js, type, finite, literal };
  }

  /** `typeof v === type` as code, or `true`/`false` when the static type decides it. */
  private test(v: Value, type: "number" | "string" | "boolean"): string {
    if (v.type === type) return "true";
    if (v.type !== "any") return "false";
    return `typeof ${v.js} === "${type}"`;
  }

  /** A finite number, as code (`true` when known). */
  private finiteNumber(v: Value): string {
    if (v.type === "number" && v.finite) return "true";
    if (v.type === "number") return `${v.js} - ${v.js} === 0`;
    if (v.type !== "any") return "false";
    return `(typeof ${v.js} === "number" && ${v.js} - ${v.js} === 0)`;
  }

  private and(...conditions: string[]): string {
    if (conditions.includes("false")) return "false";
    const rest = conditions.filter((c) => c !== "true");
    return rest.length === 0 ? "true" : rest.join(" && ");
  }

  generate(node: unknown): Value {
    const n = node as AstNode;
    switch (n.type) {
      case "string":
        return this.value(JSON.stringify(n.value as string), "string", false, true);
      case "number": {
        const v = n.value as number;
        if (Number.isFinite(v) && v >= 0 && !Object.is(v, -0)) return this.value(String(v), "number", true, true);
        return this.value(this.constant(v), "number", Number.isFinite(v), true);
      }
      case "value": {
        const v = n.value;
        if (v === true || v === false) return this.value(String(v), "boolean", false, true);
        if (v === null) return this.value("null", "null", false, true);
        return this.value(this.constant(v));
      }
      case "path":
        return this.path(n);
      case "variable": {
        const t = this.temp();
        this.emit(`${t} = variable(bindings, ${JSON.stringify(n.value)});`);
        return this.value(t);
      }
      case "unary":
        return this.unary(n);
      case "binary":
        return this.binary(n);
      case "condition":
        return this.condition(n);
      case "block": {
        const expressions = n.expressions as unknown[];
        let last: Value = this.value("undefined");
        for (const e of expressions) last = this.generate(e);
        return last;
      }
      case "function":
        return this.call(n);
      default:
        throw new Error(`unexpected node ${n.type}`);
    }
  }

  private path(node: AstNode): Value {
    const names = (node.steps as AstNode[]).map((step) => step.value as string);
    const all = this.constant(names);
    const t = this.temp();
    const label = `P${this.labels++}`;
    const quoted = names.map((name) => JSON.stringify(name));
    // A plain object walked directly; arrays (and anything else) take JSONata's full path rules.
    this.emit(`${label}: if (plain) {`);
    this.ownField(names[0] as string, t);
    for (let step = 1; step < quoted.length; step++) {
      const q = quoted[step] as string;
      this.emit(`if (${t} === null || typeof ${t} !== "object") { ${t} = undefined; break ${label}; }`);
      this.emit(`if (Array.isArray(${t}) || isFunction(${t})) { ${t} = path(ctx, ${all}); break ${label}; }`);
      this.emit(`${t} = hasOwn.call(${t}, ${q}) ? ${t}[${q}] : undefined;`);
    }
    this.emit(`if (typeof ${t} === "object" && ${t} !== null && Array.isArray(${t})) ${t} = path(ctx, ${all});`);
    this.emit(`} else ${t} = path(ctx, ${all});`);
    return this.value(t);
  }

  private unary(node: AstNode): Value {
    const operand = this.generate(node.expression);
    const t = this.temp();
    const check = this.finiteNumber(operand);
    const slow = `${t} = neg(${operand.js}, ${String(node.position)});`;
    if (check === "true") {
      this.emit(`${t} = -${operand.js};`);
      return this.value(t, "number", true);
    }
    if (check === "false") this.emit(slow);
    else this.emit(`if (${check}) ${t} = -${operand.js}; else ${slow}`);
    return this.value(t);
  }

  private binary(node: AstNode): Value {
    const op = node.value as string;
    const position = String(node.position);
    if (op === "and" || op === "or") return this.logical(node, op);
    const l = this.generate(node.lhs);
    const r = this.generate(node.rhs);
    const t = this.temp();
    switch (op) {
      case "+":
      case "-":
      case "*":
      case "/":
      case "%": {
        const check = this.and(this.finiteNumber(l), this.finiteNumber(r));
        const fast = `${t} = ${l.js} ${op} ${r.js};`;
        const slow = `${t} = num(${l.js}, ${r.js}, "${op}", ${position});`;
        if (check === "true") {
          this.emit(fast);
          return this.value(t, "number");
        }
        this.emit(check === "false" ? slow : `if (${check}) ${fast} else ${slow}`);
        return this.value(t);
      }
      case "=":
      case "!=": {
        const equal = op === "=";
        if (r.literal || l.literal) {
          const [other, lit] = r.literal ? [l, r] : [r, l];
          // A literal is neither undefined nor an object (null aside), so JSONata's deep equality is `===`.
          this.emit(
            equal
              ? `${t} = ${other.js} === ${lit.js};`
              : `${t} = ${other.js} !== undefined && ${other.js} !== ${lit.js};`,
          );
        } else {
          const same =
            `(${l.js} === ${r.js} || (typeof ${l.js} === "object" && typeof ${r.js} === "object" && ` +
            `${l.js} !== null && ${r.js} !== null && isDeepEqual(${l.js}, ${r.js})))`;
          this.emit(`${t} = ${l.js} !== undefined && ${r.js} !== undefined && ${equal ? "" : "!"}${same};`);
        }
        return this.value(t, "boolean");
      }
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const numbers = this.and(this.test(l, "number"), this.test(r, "number"));
        const strings = this.and(this.test(l, "string"), this.test(r, "string"));
        const fast = `${t} = ${l.js} ${op} ${r.js};`;
        if (numbers === "true" || strings === "true") {
          this.emit(fast);
          return this.value(t, "boolean");
        }
        const checks = [numbers, strings].filter((c) => c !== "false");
        const slow = `${t} = cmp(${l.js}, ${r.js}, "${op}", ${position});`;
        this.emit(checks.length === 0 ? slow : `if (${checks.map((c) => `(${c})`).join(" || ")}) ${fast} else ${slow}`);
        return this.value(t);
      }
      case "&": {
        const check = this.and(this.test(l, "string"), this.test(r, "string"));
        const fast = `${t} = ${l.js} + ${r.js};`;
        const slow = `${t} = cat(${l.js}, ${r.js}, ${position});`;
        this.emit(check === "true" ? fast : check === "false" ? slow : `if (${check}) ${fast} else ${slow}`);
        return this.value(t, "string");
      }
      default:
        throw new Error(`unexpected operator ${op}`);
    }
  }

  private boolized(v: Value): string {
    if (v.type === "boolean") return v.js;
    return `(typeof ${v.js} === "boolean" ? ${v.js} : boolize(${v.js}))`;
  }

  private logical(node: AstNode, op: "and" | "or"): Value {
    const l = this.generate(node.lhs);
    const t = this.temp();
    // JSONata evaluates the right side inside the operator's try, so its errors take this position too.
    this.emit("try {");
    this.emit(op === "and" ? `if (${this.boolized(l)}) {` : `if (${this.boolized(l)}) ${t} = true; else {`);
    const r = this.generate(node.rhs);
    this.emit(`${t} = ${this.boolized(r)};`);
    this.emit(op === "and" ? `} else ${t} = false;` : "}");
    this.emit(`} catch (e) { throw positioned(e, ${String(node.position)}, "${op}"); }`);
    return this.value(t, "boolean");
  }

  private condition(node: AstNode): Value {
    const c = this.generate(node.condition);
    const t = this.temp();
    const truthy = c.type === "boolean" ? c.js : `(${c.js} === true || (${c.js} !== false && toBoolean(${c.js})))`;
    this.emit(`if (${truthy}) {`);
    const then = this.generate(node.then);
    this.emit(`${t} = ${then.js};`);
    this.emit("} else {");
    let type: StaticType = "any";
    let finite = false;
    if (node.else === undefined) {
      this.emit(`${t} = undefined;`);
    } else {
      const otherwise = this.generate(node.else);
      this.emit(`${t} = ${otherwise.js};`);
      if (then.type === otherwise.type) {
        type = then.type;
        finite = then.finite && otherwise.finite;
      }
    }
    this.emit("}");
    return this.value(t, type, finite);
  }

  private call(node: AstNode): Value {
    const name = (node.procedure as AstNode).value as string;
    const fn = BUILTINS[name] as Builtin;
    const args = (node.arguments as unknown[]).map((arg) => this.generate(arg));
    const caller = this.constant(makeCaller(name, fn, node.position, args.length));
    const t = this.temp();
    const [a0, a1] = args;
    const slow = `${t} = ${caller}(ctx, ts, ${[0, 1, 2].map((i) => args[i]?.js ?? "undefined").join(", ")});`;
    const special = (check: string, fast: string, type: StaticType, finite = false): Value => {
      if (check === "true") {
        this.emit(`${t} = ${fast};`);
        return this.value(t, type, finite);
      }
      this.emit(check === "false" ? slow : `if (${check}) ${t} = ${fast}; else ${slow}`);
      return this.value(t);
    };
    // Inline only what equals the happy path and cannot throw; the rest goes through the caller.
    if (args.length === 1 && a0) {
      const a = a0.js;
      switch (name) {
        case "uppercase":
          return special(this.test(a0, "string"), `${a}.toUpperCase()`, "string");
        case "lowercase":
          return special(this.test(a0, "string"), `${a}.toLowerCase()`, "string");
        case "trim":
          return special(this.test(a0, "string"), `trim(${a})`, "string");
        case "length":
          return special(this.test(a0, "string"), `stringToArray(${a}).length`, "number", true);
        case "string":
          return special(this.test(a0, "string"), a, "string");
        case "number":
          return special(this.test(a0, "number"), a, "number", a0.finite);
        case "floor":
        case "ceil":
        case "abs":
          return special(this.test(a0, "number"), `Math.${name}(${a})`, "number", a0.finite);
        case "round":
          return special(this.test(a0, "number"), `round(${a}, undefined)`, "number", a0.finite);
        case "exists":
          this.emit(`${t} = ${a} !== undefined;`);
          return this.value(t, "boolean");
      }
    }
    if (name === "round" && args.length === 2 && a0 && a1) {
      const p = Number(a1.js);
      const check = this.test(a0, "number");
      if (a1.literal && a1.type === "number" && Number.isInteger(p) && p >= 1 && p <= 15 && check !== "false") {
        // `roundQuickly` inlined for a literal precision, exact ties included (see semantics.ts); the full
        // `round` only a few ulps from a tie.
        const scale = String(POWERS_OF_TEN[p]);
        const s = this.temp();
        const m = this.temp();
        const k = this.temp();
        const f = this.temp();
        const a = a0.js;
        this.emit(`if (${check === "true" ? "true" : check}) {`);
        this.emit(`${s} = ${a} * ${scale}; ${m} = ${s} < 0 ? -${s} : ${s}; ${k} = Math.floor(${m}); ${f} = ${m} - ${k} - 0.5;`);
        this.emit(`if (${m} < 1099511627776 && (${f} < 0 ? -${f} : ${f}) > ${m} * 1e-12 + 1e-9) {`);
        this.emit(`${t} = Math.round(${s}) / ${scale}; if (${t} === 0) ${t} = 0;`);
        this.emit(`} else if (${m} < 1099511627776 && (${a} < 0 ? -${a} : ${a}) === (${k} + 0.5) / ${scale}) {`);
        this.emit(`${k} = ${k} % 2 === 0 ? ${k} : ${k} + 1; ${t} = (${a} < 0 ? -${k} : ${k}) / ${scale}; if (${t} === 0) ${t} = 0;`);
        this.emit(`} else ${t} = round(${a}, ${a1.js});`);
        this.emit(`} else ${slow}`);
        return check === "true" ? this.value(t, "number", a0.finite) : this.value(t);
      }
      return special(this.and(this.test(a0, "number"), this.test(a1, "number")), `round(${a0.js}, ${a1.js})`, "number");
    }
    this.emit(slow);
    return this.value(t);
  }
}

const PROLOGUE = [
  "let ctx = input, plain = false;",
  "if (typeof input === \"object\" && input !== null) {",
  "  if (!Array.isArray(input)) plain = !isFunction(input);",
  "  else if (!isSequence(input)) ctx = wrap(input);",
  "}",
];

function build<F>(constants: unknown[], body: string): F {
  const source = [
    '"use strict";',
    `const { ${HELPER_NAMES.join(", ")} } = H;`,
    ...constants.map((_, i) => `const K${i} = K[${i}];`),
    body,
  ].join("\n");
  // The generated source holds only literals it quoted itself (JSON.stringify) and its own names.
  return new Function("H", "K", source)(HELPERS, constants) as F;
}

/**
 * One function for one expression; undefined when code cannot be generated here (e.g. the runtime
 * forbids `new Function`), and the closures run instead.
 */
export function generateExpression(
  program: FastProgram,
  /** What to throw for what the evaluation threw (the generated function catches it itself). */
  failure: (err: unknown) => unknown,
): GeneratedEvaluate | undefined {
  try {
    const generator = new Generator();
    const result = generator.generate(program.ast);
    const called = program.calledFunctions.length > 0 ? generator.constant(program.calledFunctions) : undefined;
    const fail = generator.constant(failure);
    const body = [
      "return function fastExpression(input, bindings) {",
      "try {",
      called ? `if (bindings !== undefined) shadow(bindings, ${called});` : "",
      ...PROLOGUE,
      // JSONata takes one timestamp when an evaluation starts; `$now()` returns it however often called.
      `const ts = ${program.usesNow ? "Date.now()" : "0"};`,
      generator.declarations(),
      generator.body(),
      `return ${result.js};`,
      `} catch (e) { throw ${fail}(e); }`,
      "};",
    ].join("\n");
    return build<GeneratedEvaluate>(generator.constants, body);
  } catch {
    return undefined;
  }
}

/**
 * One function for several fields: `(input, bindings) => ({ [target]: value, ... })`, the fields
 * evaluated in order. A failing field throws a `FieldFailure` with its index.
 */
export function generateMapper(
  fields: readonly { target: string; program: FastProgram }[],
): GeneratedMapper | undefined {
  try {
    const generator = new Generator(true);
    const results = fields.map(({ program }, index) => {
      const called = program.calledFunctions.length > 0 ? generator.constant(program.calledFunctions) : undefined;
      generator.emit("try {");
      if (called) generator.emit(`if (bindings !== undefined) shadow(bindings, ${called});`);
      const result = generator.generate(program.ast);
      const r = generator.temp();
      generator.emit(`${r} = ${result.js};`);
      generator.emit(`} catch (e) { throw failed(${index}, e); }`);
      return r;
    });
    const entries = fields.map(({ target }, i) =>
      target === "__proto__" ? `["__proto__"]: ${results[i]}` : `${JSON.stringify(target)}: ${results[i]}`,
    );
    const usesNow = fields.some((f) => f.program.usesNow);
    const body = [
      "return function fastMapper(input, bindings) {",
      ...PROLOGUE,
      // One timestamp per record, shared by the fields.
      `const ts = ${usesNow ? "Date.now()" : "0"};`,
      generator.declarations(),
      generator.body(),
      `return { ${entries.join(", ")} };`,
      "};",
    ].join("\n");
    return build<GeneratedMapper>(generator.constants, body);
  } catch {
    return undefined;
  }
}
