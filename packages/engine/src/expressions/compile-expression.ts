import jsonata from "jsonata";
import { ExpressionError, toExpressionError, type ExpressionLimits } from "./errors";
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
  const limits = limitsOf(options);
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
    return { source, fast: false, evaluate: evaluateWithJsonata };
  }

  const runFast = fastRunner(program);
  const evaluateSync = (input: unknown, bindings?: Record<string, unknown>): unknown => {
    try {
      return runFast(input, bindings);
    } catch (err) {
      if (err instanceof NeedsJsonata) {
        throw new ExpressionError(
          `Expression error: ${err.reason}, which only the asynchronous evaluate() supports`,
          "F0001",
          undefined,
        );
      }
      throw toExpressionError(err, source, limits);
    }
  };
  return {
    source,
    fast: true,
    evaluate: async (input, bindings) => {
      try {
        return runFast(input, bindings);
      } catch (err) {
        if (err instanceof NeedsJsonata) return evaluateWithJsonata(input, bindings);
        throw toExpressionError(err, source, limits);
      }
    },
    evaluateSync,
  };
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
