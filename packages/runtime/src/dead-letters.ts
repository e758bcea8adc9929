import { recordErrors, type Database } from "@flowgate/db";
import type { FlowRecord, ReplaySource } from "@flowgate/engine";
import { and, asc, eq, gt, isNotNull } from "drizzle-orm";

/**
 * The dead letters a "failed-records" run sends into the nodes again: those of the run it retries
 * (`of`) that are still open, have their record, and were claimed for this run (`retried_by`, set by
 * runs.retryFailed when it queued the run: the chosen ones, or all), in id order, as the engine's
 * replay batches of `batchSize`. The cursor is the last id handed out, so a resumed replay goes on
 * after it; the checkpoint marks the rows up to it as retried (see writeCheckpoint). Keyset paging
 * on (run_id, id): each page costs the same.
 */
export function replayDeadLetters(db: Pick<Database, "select">, replay: { of: string; by: string }, batchSize: number): ReplaySource {
  return async function* (cursor) {
    let after = typeof cursor === "number" ? cursor : 0;
    while (true) {
      const rows = await db
        .select({ id: recordErrors.id, nodeId: recordErrors.nodeId, record: recordErrors.record })
        .from(recordErrors)
        .where(
          and(
            eq(recordErrors.runId, replay.of),
            eq(recordErrors.status, "open"),
            eq(recordErrors.retriedBy, replay.by),
            isNotNull(recordErrors.record),
            gt(recordErrors.id, after),
          ),
        )
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
