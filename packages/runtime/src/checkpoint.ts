import { runNodes, runs, type Database, type RunCountsSummary } from "@flowgate/db";
import type { Checkpoint, NodeCounts, RunCounts } from "@flowgate/engine";
import { eq, sql } from "drizzle-orm";

/** A transaction (or the database): the checkpoint's writes must share one. */
export type Tx = Pick<Database, "execute" | "update" | "insert" | "select">;

export interface CheckpointTarget {
  flowId: string;
  /** Destination node ids: what reaches them without an error counts as written. */
  destinationIds: ReadonlySet<string>;
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
 * index and counters, and the per-node stats. Call it inside one transaction: either all of it is
 * durable, or none of it and the batch is read again. Answers whether someone asked to cancel the run.
 */
export async function writeCheckpoint(tx: Tx, runId: string, checkpoint: Checkpoint, target: CheckpointTarget): Promise<{ cancelRequested: boolean }> {
  for (const [nodeId, writes] of Object.entries(checkpoint.state)) {
    if (writes.set.length > 0) {
      await tx.execute(sql`
        insert into sync_state (flow_id, node_id, key, value, updated_at)
        select ${target.flowId}, ${nodeId}, entry->>0, entry->1, now()
        from jsonb_array_elements(${JSON.stringify(writes.set)}::jsonb) as entry
        on conflict (flow_id, node_id, key) do update set value = excluded.value, updated_at = excluded.updated_at`);
    }
    if (writes.delete.length > 0) {
      await tx.execute(sql`
        delete from sync_state
        where flow_id = ${target.flowId} and node_id = ${nodeId}
          and key in (select jsonb_array_elements_text(${JSON.stringify(writes.delete)}::jsonb))`);
    }
  }
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
  return { cancelRequested: run.cancelRequested };
}
