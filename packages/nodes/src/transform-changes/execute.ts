import { canonicalJson, type BatchOutput, type FlowRecord, type Json, type NodeContext, type NodeImplementation, type RecordError } from "@flowgate/engine";
import { createHash } from "node:crypto";
import { changesTransformDefinition, type ChangesTransformConfig } from "./definition";

export type ChangeOp = "create" | "update" | "delete";

/** What an emitted record carries in `_change`. */
export interface Change {
  op: ChangeOp;
  /** The record as it was last let through (its last-synced snapshot), or null for a new one. */
  before: FlowRecord | null;
  /** Compared fields whose value differs from `before` (for a new record: the compared fields it has; for a deleted one: none). */
  changedFields: string[];
}

/** What the node remembers per record key (through the state port, committed with the checkpoint). */
export interface ChangeState {
  /** Hash of the compared fields when the record was last let through. */
  h: string;
  /** The record as it was last let through, without `_change` and `_error`. */
  s: FlowRecord;
  /** Full snapshot only: the id of the last run that saw the key; a key no complete run saw is deleted. */
  r?: string;
}

/** Fields the engine and the nodes add to records; never compared, never remembered. */
const INTERNAL_FIELDS = new Set(["_change", "_error"]);

/**
 * Change detection. Per record: its key (the key fields' values), and a hash of its compared fields
 * (canonical JSON with sorted keys, SHA-1). Against what the state remembers for the key, a record is
 * new (`create`), changed (`update`) or unchanged; only new and changed records go on, with
 * `_change: { op, before, changedFields }`. What it remembers is staged through the state port and
 * becomes durable with the checkpoint, after the rest of the graph took the batch: a run that fails
 * behind this node loses no change.
 *
 * A key twice in one batch: the last record with it wins, the earlier ones are passed over. A key
 * in several batches of one run is compared with what the earlier batch staged.
 *
 * With `fullSnapshot`, every record seen marks its key with the run id, and when a run read its
 * source to the end, the keys it did not see are emitted as `delete` (the last snapshot, with
 * `_change: { op: "delete", before }`) and forgotten. A run cut short (dry-run limit) deletes nothing.
 */
export const changesTransform: NodeImplementation<ChangesTransformConfig> = {
  definition: changesTransformDefinition,

  async execute(ctx, batch) {
    const config = ctx.config;
    const errors: RecordError[] = [];
    const keys: (string | undefined)[] = new Array(batch.length);
    // The last index of each key in the batch: that record wins.
    const lastIndex = new Map<string, number>();
    for (let index = 0; index < batch.length; index++) {
      const key = recordKey(batch[index]!, config.keyFields);
      if (key.error !== undefined) {
        errors.push({ index, message: key.error });
        continue;
      }
      keys[index] = key.value;
      lastIndex.set(key.value, index);
    }

    const remembered = lastIndex.size > 0 ? await ctx.state.get([...lastIndex.keys()]) : new Map<string, Json>();
    const runId = config.fullSnapshot ? ctx.run.id : undefined;
    const out: FlowRecord[] = [];
    const writes: [string, Json][] = [];
    for (let index = 0; index < batch.length; index++) {
      const key = keys[index];
      if (key === undefined || lastIndex.get(key) !== index) continue;
      const record = batch[index]!;
      const previous = remembered.get(key) as ChangeState | undefined;
      const hash = hashOf(record, config);
      const verdict = classify(previous, hash);
      if (verdict === "unchanged") {
        // Only a full snapshot needs to know the key was seen in this run.
        if (runId !== undefined && previous!.r !== runId) writes.push([key, { ...previous!, r: runId } as unknown as Json]);
        continue;
      }
      const before = previous?.s ?? null;
      const change: Change = { op: verdict, before, changedFields: changedFields(before, record, config) };
      out.push(Object.assign({}, record, { _change: change }));
      const state: ChangeState = runId === undefined ? { h: hash, s: snapshotOf(record) } : { h: hash, s: snapshotOf(record), r: runId };
      writes.push([key, state as unknown as Json]);
    }
    if (writes.length > 0) ctx.state.set(writes);
    return errors.length > 0 ? { ports: { out }, errors } : { ports: { out } };
  },

  finish(ctx, { complete, batchSize }) {
    // Only a run that saw the whole source may conclude that a record is gone.
    if (!ctx.config.fullSnapshot || !complete) return Promise.resolve();
    return deletions(ctx, batchSize);
  },
};

/**
 * The keys this run did not see, as `delete` records in batches of at most `batchSize`, paging
 * through the stored keys. Each batch's keys are forgotten just before it is yielded, so that they
 * commit with that batch's checkpoint, after the destinations took it: a run that fails on the way
 * deletes them again next time, and memory holds one page of keys and one batch, whatever the number
 * of deletions.
 */
async function* deletions(ctx: NodeContext<ChangesTransformConfig>, batchSize: number): AsyncGenerator<BatchOutput> {
  let out: FlowRecord[] = [];
  let gone: string[] = [];
  for await (const page of ctx.state.keys()) {
    const values = await ctx.state.get(page);
    for (const [key, value] of values) {
      const state = value as unknown as ChangeState;
      if (state.r === ctx.run.id) continue;
      const change: Change = { op: "delete", before: state.s, changedFields: [] };
      out.push({ ...state.s, _change: change });
      gone.push(key);
      if (out.length >= batchSize) {
        ctx.state.delete(gone);
        yield { ports: { out } };
        out = [];
        gone = [];
      }
    }
  }
  if (out.length > 0) {
    ctx.state.delete(gone);
    yield { ports: { out } };
  }
}

/**
 * New, changed or unchanged, against what the node remembers of the key.
 *
 * Extension point for rejected approvals (issue 6): a change an administrator rejected will be
 * remembered on the key's state (e.g. `x`: the hash of the rejected version, with `h`/`s` still the
 * last version that was let through), and a record whose hash equals it counts as "unchanged" here,
 * so that it is not proposed again until the source changes it once more.
 */
function classify(previous: ChangeState | undefined, hash: string): "create" | "update" | "unchanged" {
  if (previous === undefined) return "create";
  return previous.h === hash ? "unchanged" : "update";
}

/**
 * A record's key: one key field's value as text (numbers and texts with the same digits are the same
 * key, since files and APIs disagree about types), or several as a JSON list, which no value can forge.
 */
export function recordKey(record: FlowRecord, keyFields: readonly string[]): { value: string; error?: undefined } | { error: string } {
  if (keyFields.length === 1) return keyPart(record, keyFields[0]!);
  const parts: string[] = [];
  for (const field of keyFields) {
    const part = keyPart(record, field);
    if (part.error !== undefined) return part;
    parts.push(part.value);
  }
  return { value: JSON.stringify(parts) };
}

function keyPart(record: FlowRecord, field: string): { value: string; error?: undefined } | { error: string } {
  const value = record[field];
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
    return {
      error: `The record has no value in the key field “${field}”, so it cannot be matched with what was synced before. Check that the field is filled, or choose another key field.`,
    };
  }
  if (typeof value === "object") {
    return {
      error: `The key field “${field}” holds ${Array.isArray(value) ? "a list" : "an object"}, not a text or a number. Choose a field that identifies the record, such as its sku.`,
    };
  }
  return { value: String(value) };
}

/** The fields compared for this record, in a stable order. */
function comparedFields(record: FlowRecord | null, config: ChangesTransformConfig): string[] {
  const ignored = config.ignoreFields;
  if (config.compare !== "all") return ignored.length === 0 ? config.compare : config.compare.filter((f) => !ignored.includes(f));
  if (record === null) return [];
  const fields: string[] = [];
  for (const field in record) {
    if (INTERNAL_FIELDS.has(field) || record[field] === undefined || ignored.includes(field)) continue;
    fields.push(field);
  }
  return fields;
}

function hashOf(record: FlowRecord, config: ChangesTransformConfig): string {
  const fields = comparedFields(record, config).slice().sort();
  let text = "{";
  for (const field of fields) {
    const value = record[field];
    if (value === undefined) continue;
    if (text.length > 1) text += ",";
    text += `${JSON.stringify(field)}:${canonicalJson(value)}`;
  }
  text += "}";
  return createHash("sha1").update(text).digest("base64url");
}

/** Re-exported for this kind's tests; the engine owns it (lineage hashes with it too). */
export { canonicalJson };

function changedFields(before: FlowRecord | null, after: FlowRecord, config: ChangesTransformConfig): string[] {
  if (before === null) return comparedFields(after, config).filter((field) => after[field] !== undefined);
  const fields = comparedFields(after, config);
  if (config.compare === "all") {
    // Fields the record no longer has changed too.
    for (const field of comparedFields(before, config)) if (!(field in after) || after[field] === undefined) fields.push(field);
  }
  return fields.filter((field) => {
    const was = before[field];
    const is = after[field];
    if (was === undefined || is === undefined) return was !== is;
    return canonicalJson(was) !== canonicalJson(is);
  });
}

function snapshotOf(record: FlowRecord): FlowRecord {
  const snapshot: FlowRecord = {};
  for (const field in record) {
    if (!INTERNAL_FIELDS.has(field) && record[field] !== undefined) snapshot[field] = record[field];
  }
  return snapshot;
}
