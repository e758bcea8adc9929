import jsonata from "jsonata";
import { ExpressionError, toExpressionError, type ExpressionLimits } from "./errors";
import { FieldFailure, generateExpression, generateMapper } from "./codegen";
import { compileFast, type FastProgram, type FastScope } from "./fast-compiler";
import { NeedsJsonata, createSequence, isSequence } from "./semantics";

export interface CompileOptions {
  /** Bound on one evaluation on JSONata's evaluator, in milliseconds (default 1000). */
  timeoutMs?: number;
  /** Bound on JSONata's evaluation depth, i.e. nested sub-expressions and calls (default 200). */
  maxDepth?: number;
}

export interface CompiledExpression {
  source: string;
  /** True when the expression runs as compiled closures rather than on JSONata's evaluator. */
  fast: boolean;
  /** Evaluates against one input (a record); rejects with an `ExpressionError`. */
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
  /**
   * Present only when `fast`: the same result, synchronously. Throws an `ExpressionError` for the
   * errors `evaluate` rejects with, and one with code `F0001` in the rare case the evaluation needs
   * JSONata's evaluator (a binding that holds a function or shadows a built-in function); `evaluate`
   * handles those.
   */
  evaluateSync?: (input: unknown, bindings?: Record<string, unknown>) => unknown;
}

export type ExpressionCheck = { ok: true; fast: boolean } | { ok: false; position?: number; message: string };

const DEFAULT_LIMITS: ExpressionLimits = { timeoutMs: 1000, maxDepth: 200 };

function limitsOf(options: CompileOptions | undefined): ExpressionLimits {
  return {
    timeoutMs: options?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    maxDepth: options?.maxDepth ?? DEFAULT_LIMITS.maxDepth,
  };
}

function parse(source: string, limits: ExpressionLimits): jsonata.Expression {
  try {
    // JSONata's own guardrails (2.2.1+): D1012 past `timeout` ms, D1011 past `stack` nested evaluations.
    // They are checked on every evaluation step, so recursion and loops over ranges stop in time; a single
    // built-in call over a huge value (e.g. `$string([1..10000000])`) cannot be interrupted.
    return jsonata(source, { timeout: limits.timeoutMs, stack: limits.maxDepth });
  } catch (err) {
    throw toExpressionError(err, source, limits);
  }
}

/** Compiles an expression once; evaluate it per record. Throws `ExpressionError` on a syntax error. */
export function compileExpression(source: string, options?: CompileOptions): CompiledExpression {
  return compileWithProgram(source, limitsOf(options)).compiled;
}

function compileWithProgram(
  source: string,
  limits: ExpressionLimits,
): { compiled: CompiledExpression; program: FastProgram | undefined } {
  const expression = parse(source, limits);
  const program = compileFast(expression.ast(), limits.maxDepth);

  const evaluateWithJsonata = async (input: unknown, bindings?: Record<string, unknown>) => {
    try {
      return await expression.evaluate(input, bindings);
    } catch (err) {
      throw toExpressionError(err, source, limits);
    }
  };

  if (!program) {
    return { compiled: { source, fast: false, evaluate: evaluateWithJsonata }, program };
  }

  // Generated JavaScript when the runtime allows it (it converts its own errors); the closures otherwise.
  const needsJsonata = new WeakSet<object>();
  const generated = generateExpression(program, (err) => {
    const error = syncError(err, source, limits);
    if (err instanceof NeedsJsonata) needsJsonata.add(error);
    return error;
  });
  let evaluateSync: (input: unknown, bindings?: Record<string, unknown>) => unknown;
  let evaluate: (input: unknown, bindings?: Record<string, unknown>) => Promise<unknown>;
  if (generated) {
    evaluateSync = generated;
    evaluate = async (input, bindings) => {
      try {
        return generated(input, bindings);
      } catch (err) {
        if (needsJsonata.has(err as object)) return evaluateWithJsonata(input, bindings);
        throw err;
      }
    };
  } else {
    const runFast = fastRunner(program);
    evaluateSync = (input, bindings) => {
      try {
        return runFast(input, bindings);
      } catch (err) {
        throw syncError(err, source, limits);
      }
    };
    evaluate = async (input, bindings) => {
      try {
        return runFast(input, bindings);
      } catch (err) {
        if (err instanceof NeedsJsonata) return evaluateWithJsonata(input, bindings);
        throw toExpressionError(err, source, limits);
      }
    };
  }
  const compiled: CompiledExpression = { source, fast: true, evaluate, evaluateSync };
  return { compiled, program };
}

/** What `evaluateSync` throws for what the fast path threw. */
function syncError(err: unknown, source: string, limits: ExpressionLimits): ExpressionError {
  if (err instanceof NeedsJsonata) {
    return new ExpressionError(
      `Expression error: ${err.reason}, which only the asynchronous evaluate() supports`,
      "F0001",
      undefined,
    );
  }
  return toExpressionError(err, source, limits);
}

function fastRunner(program: FastProgram): (input: unknown, bindings?: Record<string, unknown>) => unknown {
  const { evaluate, usesNow, calledFunctions } = program;
  const scope: FastScope = { bindings: undefined, timestamp: 0 };
  return (input, bindings) => {
    if (bindings !== undefined && calledFunctions.length > 0) {
      for (const name of calledFunctions) {
        if (Object.prototype.propertyIsEnumerable.call(bindings, name)) {
          throw new NeedsJsonata(`the binding $${name} shadows the function $${name}()`);
        }
      }
    }
    let context = input;
    if (Array.isArray(input) && !isSequence(input)) {
      // As JSONata does: an array input is one value, wrapped so that paths map over it.
      const wrapper = createSequence(input);
      wrapper.outerWrapper = true;
      context = wrapper;
    }
    scope.bindings = bindings;
    // JSONata takes one timestamp when an evaluation starts; `$now()` returns it however often called.
    scope.timestamp = usesNow ? Date.now() : 0;
    return evaluate(context, scope);
  };
}

export interface MapperField {
  /** The output field. */
  target: string;
  /** The expression computing it. */
  source: string;
}

/**
 * Several fields computed from one record: `{ [target]: value, ... }` with every target present (its
 * value possibly undefined, JSONata's "nothing"), fields evaluated in order. Each value, and each error,
 * is what that field's `compileExpression(source)` gives; an error also names its field in `target`.
 */
export interface CompiledMapper {
  fields: readonly MapperField[];
  /** True when every field runs on the fast path (as one generated function). */
  fast: boolean;
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Present only when `fast`; throws as `CompiledExpression.evaluateSync` does (`target` set). */
  evaluateSync?: (input: unknown, bindings?: Record<string, unknown>) => Record<string, unknown>;
}

function withTarget(error: unknown, target: string): ExpressionError {
  const base = error instanceof ExpressionError ? error : toExpressionError(error, "", DEFAULT_LIMITS);
  const copy = new ExpressionError(base.message, base.code, base.position);
  copy.target = target;
  return copy;
}

/**
 * Compiles the fields of a mapping once; evaluate it per record. Throws the first field's
 * `ExpressionError` (with `target`) on a syntax error. One call per record instead of one per field,
 * and, on the fast path, one generated function for all of them.
 */
export function compileMapper(fields: readonly MapperField[], options?: CompileOptions): CompiledMapper {
  const limits = limitsOf(options);
  const list = fields.map(({ target, source }) => ({ target, source }));
  const compiled = list.map(({ target, source }) => {
    try {
      const { compiled: expression, program } = compileWithProgram(source, limits);
      return { target, source, expression, program };
    } catch (err) {
      throw withTarget(err, target);
    }
  });

  const evaluateEach = async (input: unknown, bindings?: Record<string, unknown>) => {
    const entries: [string, unknown][] = [];
    for (const field of compiled) {
      try {
        entries.push([field.target, await field.expression.evaluate(input, bindings)]);
      } catch (err) {
        throw withTarget(err, field.target);
      }
    }
    return Object.fromEntries(entries);
  };

  const programs = compiled.map(({ target, program }) => (program ? { target, program } : undefined));
  if (programs.some((p) => p === undefined)) {
    return { fields: list, fast: false, evaluate: evaluateEach };
  }
  const fastFields = programs as { target: string; program: FastProgram }[];
  const generated = generateMapper(fastFields);
  const run =
    generated ??
    ((input: unknown, bindings?: Record<string, unknown>) => {
      const entries: [string, unknown][] = [];
      compiled.forEach((field, index) => {
        try {
          entries.push([field.target, field.expression.evaluateSync?.(input, bindings)]);
        } catch (err) {
          throw new FieldFailure(index, err);
        }
      });
      return Object.fromEntries(entries);
    });

  const fail = (err: unknown): ExpressionError => {
    if (!(err instanceof FieldFailure)) return toExpressionError(err, "", limits);
    const field = compiled[err.index] as (typeof compiled)[number];
    return withTarget(syncError(err.error, field.source, limits), field.target);
  };
  return {
    fields: list,
    fast: true,
    evaluate: async (input, bindings) => {
      try {
        return run(input, bindings);
      } catch (err) {
        if (err instanceof FieldFailure && err.error instanceof NeedsJsonata) return evaluateEach(input, bindings);
        throw fail(err);
      }
    },
    evaluateSync: (input, bindings) => {
      try {
        return run(input, bindings);
      } catch (err) {
        throw fail(err);
      }
    },
  };
}

/** Save-time validation: does the expression parse, and will it run on the fast path? */
export function checkExpression(source: string): ExpressionCheck {
  try {
    const compiled = compileExpression(source);
    return { ok: true, fast: compiled.fast };
  } catch (err) {
    const error = err instanceof ExpressionError ? err : toExpressionError(err, source, DEFAULT_LIMITS);
    return error.position === undefined
      ? { ok: false, message: error.message }
      : { ok: false, position: error.position, message: error.message };
  }
}
