import { recordErrors, type Database } from "@flowgate/db";
import type { FlowRecord, ReplaySource } from "@flowgate/engine";
import { and, asc, eq, gt, isNotNull } from "drizzle-orm";

/**
 * The open dead letters of a run (those with their record), in id order, as the engine's replay
 * batches of `batchSize`: what a "failed-records" run sends into the nodes again. The cursor is the
 * last id handed out, so a resumed replay goes on after it; the checkpoint marks the rows up to it
 * as retried (see writeCheckpoint). Keyset paging on (run_id, id): each page costs the same.
 */
export function replayDeadLetters(db: Pick<Database, "select">, runId: string, batchSize: number): ReplaySource {
  return async function* (cursor) {
    let after = typeof cursor === "number" ? cursor : 0;
    while (true) {
      const rows = await db
        .select({ id: recordErrors.id, nodeId: recordErrors.nodeId, record: recordErrors.record })
        .from(recordErrors)
        .where(and(eq(recordErrors.runId, runId), eq(recordErrors.status, "open"), isNotNull(recordErrors.record), gt(recordErrors.id, after)))
        .orderBy(asc(recordErrors.id))
        .limit(batchSize);
      const last = rows.at(-1);
      if (!last) return;
      after = last.id;
      yield { entries: rows.map((row) => ({ nodeId: row.nodeId, record: row.record as FlowRecord })), cursor: after };
      if (rows.length < batchSize) return;
    }
  };
}
