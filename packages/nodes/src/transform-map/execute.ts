import type { BatchOutput, FlowRecord, NodeContext, NodeImplementation, RecordError } from "@flowgate/engine";
import { ExpressionError, type CompiledExpression } from "@flowgate/engine/expressions";
import { coerce, CoercionError } from "./coerce";
import { mapTransformDefinition, type FieldType, type MapTransformConfig } from "./definition";

interface CompiledField {
  target: string;
  /** The top-level name, for the common flat target. */
  name: string;
  /** Every name on the way for a nested target (`price.gross`), or undefined for a flat one. */
  path: string[] | undefined;
  type: FieldType;
  expression: CompiledExpression;
  /** The synchronous evaluation when the expression is on the fast path. */
  sync: ((input: unknown) => unknown) | undefined;
}

interface Mapper {
  fields: CompiledField[];
  /** True when every expression is on the fast path. */
  sync: boolean;
  /** All fields of a record in one generated call, when every expression is on the fast path. */
  all: ((input: unknown) => Record<string, unknown>) | undefined;
}

/** Compiled once per run: a node's context lives exactly as long as its run. */
const compiledByRun = new WeakMap<NodeContext<MapTransformConfig>, Mapper>();

function mapperOf(ctx: NodeContext<MapTransformConfig>): Mapper {
  let mapper = compiledByRun.get(ctx);
  if (!mapper) {
    const fields = ctx.config.fields.map((field): CompiledField => {
      const expression = ctx.expressions.compile(field.expression);
      const path = field.target.split(".");
      return {
        target: field.target,
        name: path[0]!,
        path: path.length > 1 ? path : undefined,
        type: field.type,
        expression,
        sync: expression.evaluateSync,
      };
    });
    const sync = fields.every((field) => field.sync !== undefined);
    // Targets must be distinct for one call to hold every field's value (the schema refuses overlaps).
    const distinct = new Set(fields.map((field) => field.target)).size === fields.length;
    const all =
      sync && distinct
        ? ctx.expressions.compileMapper(ctx.config.fields.map((field) => ({ target: field.target, source: field.expression }))).evaluateSync
        : undefined;
    mapper = { fields, sync, all };
    compiledByRun.set(ctx, mapper);
  }
  return mapper;
}

/**
 * Each output record is a new object: a copy of the incoming one (keepUnmapped) or an empty one,
 * with each mapped field filled in order. Every expression reads the incoming record, never the
 * fields mapped before it. An expression that gives nothing leaves its field out. A record whose
 * expression fails or whose value cannot be converted is reported by its index and left out.
 */
export const mapTransform: NodeImplementation<MapTransformConfig> = {
  definition: mapTransformDefinition,

  async execute(ctx, batch) {
    const { fields, all } = mapperOf(ctx);
    // Every expression on the fast path: one synchronous loop, no promise per record.
    return all ? mapAll(ctx, batch, fields, all) : mapAsync(ctx, batch, fields);
  },
};

/** The fastest loop: one generated call computes every field of a record. */
function mapAll(
  ctx: NodeContext<MapTransformConfig>,
  batch: FlowRecord[],
  fields: CompiledField[],
  all: (input: unknown) => Record<string, unknown>,
): BatchOutput {
  const keepUnmapped = ctx.config.keepUnmapped;
  // Flat targets without a type to convert to: the values object can be merged as it is, and
  // only "nothing" (undefined) and JSONata's sequences need a second look.
  const merge = fields.every((field) => field.path === undefined && field.type === "auto");
  const out: FlowRecord[] = [];
  const errors: RecordError[] = [];
  for (let index = 0; index < batch.length; index++) {
    const input = batch[index]!;
    let f = 0;
    let record: FlowRecord;
    try {
      const values = all(input);
      if (merge) {
        record = keepUnmapped ? Object.assign({}, input, values) : Object.assign({}, values);
        for (; f < fields.length; f++) {
          const value = values[fields[f]!.name];
          if (value === undefined) delete record[fields[f]!.name];
          else if (Array.isArray(value)) record[fields[f]!.name] = coerce(value, "auto");
        }
      } else {
        record = keepUnmapped ? copyOf(input) : {};
        for (; f < fields.length; f++) {
          const field = fields[f]!;
          place(record, input, field, values[field.target]);
        }
      }
    } catch (error) {
      // An expression error names its field (`target`); a conversion error happened at field f.
      const target = error instanceof ExpressionError ? error.target : undefined;
      const failed = (target !== undefined ? fields.find((field) => field.target === target) : undefined) ?? fields[Math.min(f, fields.length - 1)]!;
      errors.push(fieldFailure(ctx, index, input, failed, error));
      continue;
    }
    out.push(record);
  }
  return errors.length > 0 ? { ports: { out }, errors } : { ports: { out } };
}

async function mapAsync(ctx: NodeContext<MapTransformConfig>, batch: FlowRecord[], fields: CompiledField[]): Promise<BatchOutput> {
  const keepUnmapped = ctx.config.keepUnmapped;
  const out: FlowRecord[] = [];
  const errors: RecordError[] = [];
  for (let index = 0; index < batch.length; index++) {
    const input = batch[index]!;
    const record: FlowRecord = keepUnmapped ? copyOf(input) : {};
    let f = 0;
    try {
      for (; f < fields.length; f++) {
        const field = fields[f]!;
        place(record, input, field, field.sync !== undefined ? field.sync(input) : await field.expression.evaluate(input));
      }
    } catch (error) {
      errors.push(fieldFailure(ctx, index, input, fields[f]!, error));
      continue;
    }
    out.push(record);
  }
  return errors.length > 0 ? { ports: { out }, errors } : { ports: { out } };
}

/**
 * A shallow copy of the incoming record. Object.assign, not spread: V8 takes a slow path for
 * `{ ...input }` followed by new keys (about 20× slower here, measured in bench/engine-map-filter).
 */
function copyOf(input: FlowRecord): FlowRecord {
  return Object.assign({}, input);
}

/** Converts the value to the field's type and puts it in the output record. */
function place(record: FlowRecord, input: FlowRecord, field: CompiledField, value: unknown): void {
  const converted = coerce(value, field.type);
  if (field.path !== undefined) {
    placeNested(record, input, field.path, converted);
  } else if (converted !== undefined) {
    record[field.name] = converted;
  } else if (field.name in record) {
    delete record[field.name];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sets `price.gross`, creating the objects on the way. An object still shared with the incoming
 * record is copied before it is written to, so the input never changes.
 */
function placeNested(record: FlowRecord, input: FlowRecord, path: string[], value: unknown): void {
  let target: Record<string, unknown> = record;
  let source: unknown = input;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const name = path[i]!;
    const original = isObject(source) ? source[name] : undefined;
    let next = target[name];
    if (!isObject(next)) {
      if (value === undefined) return;
      next = {};
      target[name] = next;
    } else if (next === original) {
      next = { ...next };
      target[name] = next;
    }
    target = next as Record<string, unknown>;
    source = original;
  }
  const name = path[last]!;
  if (value !== undefined) target[name] = value;
  else if (name in target) delete target[name];
}

function fieldFailure(
  ctx: NodeContext<MapTransformConfig>,
  index: number,
  input: FlowRecord,
  field: CompiledField,
  error: unknown,
): RecordError {
  const where = `Field “${field.target}” ← “${field.expression.source}”`;
  if (error instanceof ExpressionError && (error.code === "D1011" || error.code === "D1012")) {
    // It would run away on every record, each after its full bound: fail the node once instead.
    throw new Error(`${where} was stopped: ${error.message}`, { cause: error });
  }
  const key = keyOf(ctx.config.keyField, input);
  // A conversion names the value it could not read; JSONata's errors name the values they met.
  const cause = error instanceof Error ? error.message : String(error);
  const message = error instanceof CoercionError ? `${where}: ${cause}.` : `${where}: ${cause}`;
  return key === undefined ? { index, message } : { index, message, key };
}

function keyOf(keyField: string | undefined, record: FlowRecord): string | undefined {
  if (keyField === undefined) return undefined;
  let value: unknown = record;
  for (const name of keyField.split(".")) {
    if (!isObject(value)) return undefined;
    value = value[name];
  }
  if (value === undefined || value === null || value === "") return undefined;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
