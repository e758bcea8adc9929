import { runNodes, runs, type Database, type RunCountsSummary } from "@flowgate/db";
import { canonicalJson, type Checkpoint, type DeadLetter, type FlowRecord, type LineageEntry, type NodeCounts, type RunCounts } from "@flowgate/engine";
import { eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import { ruleLineage, writeHeldItems, type ApprovalNode } from "./approvals";
import { recordRunBatch, type RunBatchRow } from "./history";

/** A transaction (or the database): the checkpoint's writes must share one. */
export type Tx = Pick<Database, "execute" | "update" | "insert" | "select">;

export interface CheckpointTarget {
  workspaceId: string;
  flowId: string;
  /** Destination node ids: what reaches them without an error counts as written. */
  destinationIds: ReadonlySet<string>;
  /** The worker attempt (runs.attempt) the dead letters are stored with. */
  attempt: number;
  /**
   * A "failed-records" run: the run whose dead letters it replays. The checkpoint marks those it
   * claimed (retried_by) up to its cursor (the last replayed id) as retried.
   */
  replayOf?: string | null;
  /** The flow version's approval nodes (approvalNodesOf): what they hold becomes change set items. */
  approvalNodes?: ReadonlyMap<string, Pick<ApprovalNode, "rules">>;
}

/** Lineage's hash of a record: the first 32 hex digits of the SHA-256 of its canonical JSON. */
export function recordHash(record: FlowRecord): string {
  return createHash("sha256").update(canonicalJson(record)).digest("hex").slice(0, 32);
}

/** What a person reads in the run list, from the engine's counters. */
export function summarizeCounts(counts: Pick<RunCounts, "recordsRead" | "errors" | "nodes">, destinationIds: ReadonlySet<string>): RunCountsSummary {
  let written = 0;
  for (const id of destinationIds) {
    const node = counts.nodes[id];
    if (node) written += Math.max(0, node.in - node.errors);
  }
  return { read: counts.recordsRead, written, errors: counts.errors };
}

/** run_nodes rows of one node: "in" (what reached it, its errors and time) and one per output port. */
export function runNodeRows(runId: string, nodes: Record<string, NodeCounts>) {
  const rows: (typeof runNodes.$inferInsert)[] = [];
  for (const [nodeId, counts] of Object.entries(nodes)) {
    rows.push({ runId, nodeId, port: "in", recordsIn: counts.in, recordsOut: 0, errors: counts.errors, ms: Math.round(counts.ms * 10) / 10 });
    for (const [port, out] of Object.entries(counts.out)) {
      rows.push({ runId, nodeId, port, recordsIn: 0, recordsOut: out, errors: 0, ms: 0 });
    }
  }
  return rows;
}

export async function upsertRunNodes(tx: Tx, runId: string, nodes: Record<string, NodeCounts>): Promise<void> {
  const rows = runNodeRows(runId, nodes);
  if (rows.length === 0) return;
  await tx
    .insert(runNodes)
    .values(rows)
    .onConflictDoUpdate({
      target: [runNodes.runId, runNodes.nodeId, runNodes.port],
      set: {
        recordsIn: sql`excluded.records_in`,
        recordsOut: sql`excluded.records_out`,
        errors: sql`excluded.errors`,
        ms: sql`excluded.ms`,
      },
    });
}

/**
 * Stores one checkpoint: the state the batch staged (into sync_state), the run's cursor, batch
 * index and counters, the per-node stats, the batch's dead letters and lineage, what approval nodes
 * held (change set items, with lineage for what their rules decided), for a replay, which dead
 * letters it retried, and with `batch` (batchClock), the batch's row in the run's timeline. Call it
 * inside one transaction: either all of it is durable, or none of it and the batch is read again.
 * Answers whether someone asked to cancel the run.
 */
export async function writeCheckpoint(tx: Tx, runId: string, checkpoint: Checkpoint, target: CheckpointTarget, batch?: BatchTiming): Promise<{ cancelRequested: boolean }> {
  // One statement after the other. (Sending them without awaiting each saved ~10% on 100k records,
  // but node-postgres deprecates queueing a query on a busy client and pg 9 removes it.)
  for (const [nodeId, writes] of Object.entries(checkpoint.state)) {
    if (writes.set.length > 0) {
      await tx.execute(sql`
        insert into sync_state (flow_id, node_id, key, value, updated_at)
        select ${target.flowId}, ${nodeId}, entry->>0, entry->1, now()
        from jsonb_array_elements(${JSON.stringify(writes.set)}::jsonb) as entry
        on conflict (flow_id, node_id, key) do update set value = excluded.value, updated_at = excluded.updated_at`);
    }
    if (writes.delete.length > 0) {
      // `= any(array(…))` probes the primary key (see PostgresStatePort.get).
      await tx.execute(sql`
        delete from sync_state
        where flow_id = ${target.flowId} and node_id = ${nodeId}
          and key = any(array(select jsonb_array_elements_text(${JSON.stringify(writes.delete)}::jsonb)))`);
    }
  }
  if (target.replayOf && typeof checkpoint.cursor === "number") {
    await tx.execute(sql`
      update record_errors set status = 'retried'
      where run_id = ${target.replayOf} and id <= ${checkpoint.cursor} and status = 'open' and retried_by = ${runId} and record is not null`);
  }
  await insertDeadLetters(tx, runId, checkpoint.errors, target.attempt);
  const held = checkpoint.held ?? [];
  if (held.length > 0) {
    await writeHeldItems(tx, runId, held, { workspaceId: target.workspaceId, flowId: target.flowId, approvalNodes: target.approvalNodes ?? new Map() });
  }
  const decided = ruleLineage(held);
  await insertLineage(tx, runId, decided.length > 0 ? [...checkpoint.lineage, ...decided] : checkpoint.lineage, target);
  const [run] = await tx
    .update(runs)
    .set({
      cursor: checkpoint.cursor === undefined ? null : checkpoint.cursor,
      batchIndex: checkpoint.batchIndex,
      progress: { counts: checkpoint.counts, done: checkpoint.done },
      counts: summarizeCounts(checkpoint.counts, target.destinationIds),
      heartbeatAt: new Date(),
    })
    .where(eq(runs.id, runId))
    .returning({ cancelRequested: runs.cancelRequested });
  if (!run) throw new Error(`The run ${runId} was deleted while it ran.`);
  await upsertRunNodes(tx, runId, checkpoint.counts.nodes);
  if (batch && checkpoint.batchIndex >= 0) {
    await recordRunBatch(tx, runId, { batchIndex: checkpoint.batchIndex, records: batch.records, errors: checkpoint.errors.length, ms: batch.ms, continues: batch.continues });
  }
  return { cancelRequested: run.cancelRequested };
}

/** What the runtime measures of a batch for the run's timeline (the checkpoint knows the rest). */
export type BatchTiming = Pick<RunBatchRow, "records" | "ms" | "continues">;

/**
 * Measures each checkpoint of one attempt for the timeline: the records the batch brought in (the
 * engine's count of what it read or replayed, since the previous checkpoint) and its time through the
 * graph (since the previous checkpoint was saved, or since the attempt started). A checkpoint with the
 * previous one's batch index is the nodes' finish after the last batch: it continues that batch's row.
 * `resumed`: the attempt goes on from this checkpoint (its batch index and counts).
 */
export function batchClock(resumed?: { batchIndex: number; counts: Pick<RunCounts, "recordsRead"> }): (checkpoint: Pick<Checkpoint, "batchIndex" | "counts">) => BatchTiming {
  let lastIndex = resumed?.batchIndex ?? -1;
  let read = resumed?.counts.recordsRead ?? 0;
  let since = performance.now();
  return (checkpoint) => {
    const now = performance.now();
    const timing = { records: checkpoint.counts.recordsRead - read, ms: now - since, continues: checkpoint.batchIndex <= lastIndex };
    lastIndex = checkpoint.batchIndex;
    read = checkpoint.counts.recordsRead;
    since = now;
    return timing;
  };
}

/**
 * One statement per checkpoint, whatever the batch size: the rows travel as one JSON parameter (a
 * batch of 100,000 would exceed PostgreSQL's 65,535 bind parameters as separate values). Ids follow
 * the order the errors arose, which is the order runs.errors pages them in.
 */
function insertDeadLetters(tx: Tx, runId: string, errors: readonly DeadLetter[], attempt: number): PromiseLike<unknown> | undefined {
  if (errors.length === 0) return undefined;
  const rows = errors.map((e) => ({
    node_id: e.nodeId,
    batch_index: e.batchIndex,
    record_index: e.index,
    key: e.key ?? null,
    message: e.message,
    record: e.record ?? null,
  }));
  return tx.execute(sql`
    insert into record_errors (run_id, node_id, batch_index, record_index, key, message, record, attempt)
    select ${runId}, e.node_id, e.batch_index, e.record_index, e.key, e.message, e.record, ${attempt}
    from rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as (node_id text, batch_index int, record_index int, key text, message text, record jsonb))
      with ordinality as e(node_id, batch_index, record_index, key, message, record, n)
    order by e.n`);
}

/** Written in every checkpoint, so kept lean: one JSON parameter, no ordering (the rows of one checkpoint share their time). */
function insertLineage(tx: Tx, runId: string, entries: readonly LineageEntry[], target: CheckpointTarget): PromiseLike<unknown> | undefined {
  if (entries.length === 0) return undefined;
  const rows = entries.map((l) => ({
    node_id: l.nodeId,
    key: l.key,
    op: l.op,
    outcome: l.outcome,
    hash: l.record ? recordHash(l.record) : null,
    record: l.record ?? null,
    detail: l.detail ?? null,
    batch_index: l.batchIndex,
  }));
  return tx.execute(sql`
    insert into lineage (workspace_id, flow_id, run_id, node_id, key, op, outcome, hash, record, detail, batch_index)
    select ${target.workspaceId}, ${target.flowId}, ${runId}, l.node_id, l.key, l.op, l.outcome, l.hash, l.record, l.detail, l.batch_index
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as l(node_id text, key text, op text, outcome text, hash text, record jsonb, detail text, batch_index int)`);
}
