import { runBatches, runEvents, type Database, type RunCountsSummary, type RunErrorDetails, type RunEventLevel, type RunStatus } from "@flowgate/db";
import { sql } from "drizzle-orm";

/*
 * What a run leaves for the people who look at it afterwards: its log (run_events, a handful of lines
 * in a person's words) and its timeline (run_batches, one row per checkpointed batch). Small on
 * purpose: the API imports it (`@flowgate/runtime/history`) to log what people do, without the engine.
 */

/** A transaction or the database: a line goes in with what it tells about. */
type Writer = Pick<Database, "insert">;

/** Adds a line to the run's log, e.g. "Cancel asked by Dana". Details are for looking closer (ids, counts, the node); never a secret. */
export async function recordRunEvent(db: Writer, runId: string, level: RunEventLevel, message: string, details?: Record<string, unknown>): Promise<void> {
  await db.insert(runEvents).values({ runId, level, message, details: details ?? null });
}

/** "1 record", "250 records"; "2 batches" with its plural given. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

function countsPhrase(counts: RunCountsSummary): string {
  return `${plural(counts.read, "record")} read, ${counts.written} written${counts.errors > 0 ? `, ${counts.errors} failed` : ""}`;
}

export interface RunEnd {
  status: RunStatus;
  counts?: RunCountsSummary | undefined;
  error?: RunErrorDetails | null | undefined;
}

/** The log line of a run's end: the outcome and its counts, or the error with its node. */
export function runEndedEvent(end: RunEnd): { level: RunEventLevel; message: string; details: Record<string, unknown> } {
  const details: Record<string, unknown> = { status: end.status, ...(end.counts && { counts: end.counts }) };
  switch (end.status) {
    case "succeeded":
      return { level: "info", message: end.counts ? `Succeeded: ${countsPhrase(end.counts)}.` : "Succeeded.", details };
    case "succeeded_with_errors":
      return {
        level: "warn",
        message: `Succeeded with errors${end.counts ? `: ${countsPhrase(end.counts)}` : ""}. The Errors tab lists the records that failed; retry them there once the cause is fixed.`,
        details,
      };
    case "failed":
      return {
        level: "error",
        message: `Failed: ${end.error?.message ?? "the run stopped without saying why. Start a new run; if it fails again, look at the worker's logs."}`,
        details: { ...details, ...(end.error?.nodeId !== undefined && { nodeId: end.error.nodeId }) },
      };
    case "cancelled":
      return {
        level: "info",
        message: end.counts && end.counts.read > 0 ? `Cancelled after ${countsPhrase(end.counts)}.` : "Cancelled before any record was read.",
        details,
      };
    default:
      return { level: "info", message: `The run is ${end.status.replace(/_/g, " ")}.`, details };
  }
}

/** Logs the run's end (see runEndedEvent). The API does for a run it cancels before any worker took it. */
export async function recordRunEnded(db: Writer, runId: string, end: RunEnd): Promise<void> {
  const event = runEndedEvent(end);
  await recordRunEvent(db, runId, event.level, event.message, event.details);
}

/** The worker saw the cancel at a checkpoint: the run stops there (batchIndex: the batch just checkpointed). */
export async function recordCancelNoticed(db: Writer, runId: string, batchIndex: number): Promise<void> {
  const where = batchIndex >= 0 ? `after batch ${batchIndex + 1}` : "here";
  await recordRunEvent(db, runId, "info", `Cancel noticed: the run stops ${where}; nothing after it is read or written.`, { batchIndex });
}

/** A checkpoint's line in the run's timeline. */
export interface RunBatchRow {
  batchIndex: number;
  /** Records the batch brought in (from the source, the dead letters replayed, or the decided changes sent on). */
  records: number;
  /** Dead letters of the batch. */
  errors: number;
  ms: number;
  /**
   * A checkpoint after the last batch (the nodes' finish), which has that batch's index: its time and
   * errors are added to the batch's row. Otherwise the row is the batch's (a batch written again replaces it).
   */
  continues: boolean;
}

export async function recordRunBatch(db: Writer, runId: string, batch: RunBatchRow): Promise<void> {
  const merge = batch.continues;
  await db
    .insert(runBatches)
    .values({ runId, batchIndex: batch.batchIndex, records: batch.records, errors: batch.errors, ms: Math.max(0, Math.round(batch.ms)) })
    .onConflictDoUpdate({
      target: [runBatches.runId, runBatches.batchIndex],
      set: merge
        ? {
            records: sql`${runBatches.records} + excluded.records`,
            errors: sql`${runBatches.errors} + excluded.errors`,
            ms: sql`${runBatches.ms} + excluded.ms`,
            finishedAt: sql`excluded.finished_at`,
          }
        : { records: sql`excluded.records`, errors: sql`excluded.errors`, ms: sql`excluded.ms`, finishedAt: sql`excluded.finished_at` },
    });
}
