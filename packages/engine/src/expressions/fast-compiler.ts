import {
  BUILTINS,
  JSONATA_FUNCTION_NAMES,
  NeedsJsonata,
  boolize,
  comparisonOperation,
  concatOperation,
  equalityOperation,
  evaluateNamePath,
  hasOwnProperty,
  isFunction,
  isNumeric,
  numericOperation,
  toBoolean,
  unwrapSequence,
  type RawExpressionError,
} from "./semantics";

/**
 * Compiles JSONata's syntax tree (`jsonata(source).ast()`) into plain closures for the common subset:
 * name paths, literals, arithmetic, comparison, `and`/`or`, `&`, conditionals, blocks, unary minus,
 * `$binding` variables and the functions in BUILTINS. Returns undefined for anything else, which then
 * runs on JSONata's evaluator. The closures reproduce JSONata's results and errors (see semantics.ts).
 */

/** Per-evaluation state. One object per compiled expression, reused: evaluations are synchronous. */
export interface FastScope {
  bindings: Record<string, unknown> | undefined;
  /** Milliseconds since the epoch, taken once when the evaluation starts (as JSONata does). */
  timestamp: number;
}

export type FastEvaluate = (input: unknown, scope: FastScope) => unknown;

export interface FastProgram {
  evaluate: FastEvaluate;
  usesNow: boolean;
  /** Functions called, which a binding of the same name would shadow in JSONata. */
  calledFunctions: string[];
  /** The syntax tree the closures were compiled from (known to be within the compiled subset). */
  ast: unknown;
}

interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  [key: string]: unknown;
}

const ALLOWED_KEYS: Record<string, readonly string[]> = {
  path: ["type", "steps"],
  name: ["type", "value", "position"],
  string: ["type", "value", "position"],
  number: ["type", "value", "position"],
  value: ["type", "value", "position"],
  variable: ["type", "value", "position"],
  binary: ["type", "value", "position", "lhs", "rhs"],
  unary: ["type", "value", "position", "expression"],
  condition: ["type", "position", "condition", "then", "else"],
  block: ["type", "position", "expressions"],
  function: ["type", "value", "position", "arguments", "procedure"],
};

/** The node has only the keys we know about: no predicates, stages, grouping, focus or tuple flags. */
function isPlain(node: unknown): node is AstNode {
  if (node === null || typeof node !== "object") return false;
  const allowed = ALLOWED_KEYS[(node as AstNode).type];
  if (!allowed) return false;
  return Object.entries(node).every(([key, value]) => allowed.includes(key) || value === undefined);
}

class Decline extends Error {}

/** Adds JSONata's error position and token to an error thrown by an operator. */
export function positioned(err: unknown, position: number | undefined, token: string): unknown {
  if (err !== null && typeof err === "object" && !(err instanceof NeedsJsonata)) {
    (err as RawExpressionError).position = position;
    (err as RawExpressionError).token = token;
  }
  return err;
}

export function compileFast(ast: unknown, maxDepth: number): FastProgram | undefined {
  let usesNow = false;
  const calledFunctions = new Set<string>();

  // `depth` mirrors JSONata's evaluation depth (one per nested `evaluate` call), so an expression
  // JSONata would reject for its depth is declined here and fails there.
  const compile = (node: unknown, depth: number): FastEvaluate => {
    if (maxDepth > 0 && depth > maxDepth) throw new Decline();
    if (!isPlain(node)) throw new Decline();
    switch (node.type) {
      case "string":
      case "number":
      case "value": {
        const value = node.value;
        return () => value;
      }
      case "path":
        return compilePath(node, depth);
      case "variable":
        return compileVariable(node);
      case "unary":
        return compileUnary(node, depth);
      case "binary":
        return compileBinary(node, depth);
      case "condition":
        return compileCondition(node, depth);
      case "block": {
        const expressions = node.expressions;
        if (!Array.isArray(expressions)) throw new Decline();
        const parts = expressions.map((e) => compile(e, depth + 1));
        if (parts.length === 0) return () => undefined;
        if (parts.length === 1) return parts[0] as FastEvaluate;
        return (input, scope) => {
          let result: unknown;
          for (const part of parts) result = part(input, scope);
          return result;
        };
      }
      case "function":
        return compileFunction(node, depth);
      default:
        throw new Decline();
    }
  };

  const compilePath = (node: AstNode, depth: number): FastEvaluate => {
    const steps = node.steps;
    if (!Array.isArray(steps) || steps.length === 0) throw new Decline();
    const names = steps.map((step) => {
      if (!isPlain(step) || step.type !== "name" || typeof step.value !== "string") throw new Decline();
      return step.value;
    });
    if (maxDepth > 0 && depth + 1 > maxDepth) throw new Decline();

    if (names.length === 1) {
      const name = names[0] as string;
      return (input) => {
        if (input !== null && typeof input === "object" && !Array.isArray(input)) {
          if (!hasOwnProperty(input, name) || isFunction(input)) return undefined;
          const value = (input as Record<string, unknown>)[name];
          // Arrays take JSONata's full path rules (mapping, flattening, singleton unwrapping).
          return Array.isArray(value) ? evaluateNamePath(input, names) : value;
        }
        return evaluateNamePath(input, names);
      };
    }
    return (input) => {
      // Walk plain objects directly; the moment an array shows up, redo it by JSONata's path rules.
      let current = input;
      for (const name of names) {
        if (current === null || typeof current !== "object") return undefined;
        if (Array.isArray(current) || isFunction(current)) return evaluateNamePath(input, names);
        if (!hasOwnProperty(current, name)) return undefined;
        current = (current as Record<string, unknown>)[name];
      }
      return Array.isArray(current) ? evaluateNamePath(input, names) : current;
    };
  };

  const compileVariable = (node: AstNode): FastEvaluate => {
    const name = node.value;
    // `$` (context), `$$` (root) and function names are not bindings.
    if (typeof name !== "string" || name === "" || name === "$" || JSONATA_FUNCTION_NAMES.has(name)) {
      throw new Decline();
    }
    return (_input, scope) => {
      const bindings = scope.bindings;
      if (bindings === undefined || !Object.prototype.propertyIsEnumerable.call(bindings, name)) return undefined;
      const value = bindings[name];
      if (isFunction(value)) throw new NeedsJsonata(`the binding $${name} holds a function`);
      return unwrapSequence(value);
    };
  };

  const compileUnary = (node: AstNode, depth: number): FastEvaluate => {
    if (node.value !== "-") throw new Decline();
    const operand = compile(node.expression, depth + 1);
    const position = node.position;
    return (input, scope) => {
      const value = operand(input, scope);
      if (value === undefined) return undefined;
      if (isNumeric(value)) return -value;
      throw { code: "D1002", position, token: "-", value } satisfies RawExpressionError;
    };
  };

  const compileBinary = (node: AstNode, depth: number): FastEvaluate => {
    const op = node.value;
    const position = node.position;
    const lhs = compile(node.lhs, depth + 1);
    const rhs = compile(node.rhs, depth + 1);
    switch (op) {
      case "and":
        return (input, scope) => {
          const l = lhs(input, scope);
          try {
            // JSONata evaluates the right side inside this try, so its errors take this position too.
            return boolize(l) && boolize(rhs(input, scope));
          } catch (err) {
            throw positioned(err, position, op);
          }
        };
      case "or":
        return (input, scope) => {
          const l = lhs(input, scope);
          try {
            return boolize(l) || boolize(rhs(input, scope));
          } catch (err) {
            throw positioned(err, position, op);
          }
        };
      case "+":
      case "-":
      case "*":
      case "/":
      case "%": {
        const slow = (l: unknown, r: unknown) => {
          try {
            return numericOperation(l, r, op);
          } catch (err) {
            throw positioned(err, position, op);
          }
        };
        const arithmetic: (l: number, r: number) => number =
          op === "+"
            ? (l, r) => l + r
            : op === "-"
              ? (l, r) => l - r
              : op === "*"
                ? (l, r) => l * r
                : op === "/"
                  ? (l, r) => l / r
                  : (l, r) => l % r;
        return (input, scope) => {
          const l = lhs(input, scope);
          const r = rhs(input, scope);
          return typeof l === "number" && typeof r === "number" && Number.isFinite(l) && Number.isFinite(r)
            ? arithmetic(l, r)
            : slow(l, r);
        };
      }
      case "=":
      case "!=":
        return (input, scope) => {
          const l = lhs(input, scope);
          const r = rhs(input, scope);
          try {
            return equalityOperation(l, r, op);
          } catch (err) {
            throw positioned(err, position, op);
          }
        };
      case "<":
      case "<=":
      case ">":
      case ">=":
        return (input, scope) => {
          const l = lhs(input, scope);
          const r = rhs(input, scope);
          try {
            return comparisonOperation(l, r, op);
          } catch (err) {
            throw positioned(err, position, op);
          }
        };
      case "&":
        return (input, scope) => {
          const l = lhs(input, scope);
          const r = rhs(input, scope);
          if (typeof l === "string" && typeof r === "string") return l + r;
          try {
            return concatOperation(l, r);
          } catch (err) {
            throw positioned(err, position, op);
          }
        };
      default:
        // `in`, `..`, `??`, `?:` and anything newer stay with JSONata.
        throw new Decline();
    }
  };

  const compileCondition = (node: AstNode, depth: number): FastEvaluate => {
    const condition = compile(node.condition, depth + 1);
    const then = compile(node.then, depth + 1);
    const otherwise = node.else === undefined ? undefined : compile(node.else, depth + 1);
    return (input, scope) => {
      if (toBoolean(condition(input, scope))) return then(input, scope);
      return otherwise === undefined ? undefined : otherwise(input, scope);
    };
  };

  const compileFunction = (node: AstNode, depth: number): FastEvaluate => {
    const procedure = node.procedure;
    if (!isPlain(procedure) || procedure.type !== "variable" || typeof procedure.value !== "string") {
      throw new Decline();
    }
    const name = procedure.value;
    const fn = Object.prototype.hasOwnProperty.call(BUILTINS, name) ? BUILTINS[name] : undefined;
    const argNodes = node.arguments;
    if (!fn || !Array.isArray(argNodes) || argNodes.length < fn.minArgs || argNodes.length > fn.maxArgs) {
      throw new Decline();
    }
    if (maxDepth > 0 && depth + 1 > maxDepth) throw new Decline();
    const args = argNodes.map((arg) => compile(arg, depth + 1));
    const position = node.position;
    calledFunctions.add(name);
    if (name === "now") usesNow = true;

    const fail = (err: unknown): unknown => {
      if (err !== null && typeof err === "object" && !(err instanceof NeedsJsonata)) {
        const raw = err as RawExpressionError;
        raw.position = position;
        if (raw.token === undefined) raw.token = name;
      }
      return err;
    };
    // Arguments not of the expected types go through JSONata's signature check, which either throws
    // its error or (for a missing first argument) substitutes the context value.
    const checked = (values: unknown[], input: unknown, timestamp: number) => {
      const [a0, a1, a2] = fn.validate(values, input);
      return fn.implementation(a0, a1, a2, timestamp);
    };
    const [arg0, arg1, arg2] = args;
    switch (args.length) {
      case 0:
        return (_input, scope) => fn.implementation(undefined, undefined, undefined, scope.timestamp);
      case 1: {
        const first = arg0 as FastEvaluate;
        return (input, scope) => {
          const a0 = first(input, scope);
          try {
            return fn.happy(a0, undefined, undefined, 0)
              ? fn.implementation(a0, undefined, undefined, scope.timestamp)
              : checked([a0], input, scope.timestamp);
          } catch (err) {
            throw fail(err);
          }
        };
      }
      case 2: {
        const first = arg0 as FastEvaluate;
        const second = arg1 as FastEvaluate;
        return (input, scope) => {
          const a0 = first(input, scope);
          const a1 = second(input, scope);
          try {
            return fn.happy(a0, a1, undefined, 0)
              ? fn.implementation(a0, a1, undefined, scope.timestamp)
              : checked([a0, a1], input, scope.timestamp);
          } catch (err) {
            throw fail(err);
          }
        };
      }
      default: {
        const first = arg0 as FastEvaluate;
        const second = arg1 as FastEvaluate;
        const third = arg2 as FastEvaluate;
        return (input, scope) => {
          const a0 = first(input, scope);
          const a1 = second(input, scope);
          const a2 = third(input, scope);
          try {
            return fn.happy(a0, a1, a2, 0)
              ? fn.implementation(a0, a1, a2, scope.timestamp)
              : checked([a0, a1, a2], input, scope.timestamp);
          } catch (err) {
            throw fail(err);
          }
        };
      }
    }
  };

  try {
    const evaluate = compile(ast, 1);
    return { evaluate, usesNow, calledFunctions: [...calledFunctions], ast };
  } catch (err) {
    if (err instanceof Decline) return undefined;
    throw err;
  }
}
