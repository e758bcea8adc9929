import { workspaceSettings, type Database } from "@flowgate/db";
import { sql, type SQL } from "drizzle-orm";
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { RuntimeLog } from "../log";
import { pruneDryRuns } from "./dry-run";

export const PRUNE_HISTORY_TASK = "prune-history";
/** Daily, at night (UTC), when few runs write history. */
export const PRUNE_HISTORY_CRON = "17 3 * * *";
/** How long history is kept in a workspace that never changed the setting: the column's default (30 days). */
export const DEFAULT_RETENTION_DAYS = workspaceSettings.retentionDays.default as number;
/** Rows deleted per statement: each statement is its own short transaction, so no table is locked for long. */
export const PRUNE_CHUNK_ROWS = 5_000;

/** graphile-worker's crontab adds `_cron`; nothing else is read. */
export const PruneHistoryPayloadSchema = z.looseObject({}).nullish();

export interface PruneHistoryOptions {
  /** The pruner's clock (tests move it). */
  now?: Date;
  chunkRows?: number;
  log?: RuntimeLog;
}

/** Rows removed, per table, over all workspaces. */
export interface PrunedCounts {
  runSamples: number;
  recordErrors: number;
  lineage: number;
  webhookDeliveries: number;
}

/**
 * Deletes what each workspace keeps only for its retention period (`workspace_settings.retention_days`,
 * 30 days without a row): run samples, dead letters, lineage and webhook bodies older than that.
 * Runs themselves stay (their counts and errors are the history people list).
 *
 * Each statement deletes at most `chunkRows` rows, picked by key from an index range, and commits on
 * its own; the loop goes on until a statement finds fewer. A webhook body is kept while its run still
 * needs it (queued, running or waiting for approval), however old.
 */
export async function pruneHistory(db: Database, options: PruneHistoryOptions = {}): Promise<PrunedCounts> {
  const now = options.now ?? new Date();
  const chunk = options.chunkRows ?? PRUNE_CHUNK_ROWS;
  const result = await db.execute<{ id: string; retention_days: number }>(sql`
    select w.id, coalesce(s.retention_days, ${DEFAULT_RETENTION_DAYS})::int as retention_days
    from workspaces w left join workspace_settings s on s.workspace_id = w.id
    order by w.id`);
  const total: PrunedCounts = { runSamples: 0, recordErrors: 0, lineage: 0, webhookDeliveries: 0 };

  for (const workspace of result.rows) {
    const cutoff = new Date(now.getTime() - workspace.retention_days * 86_400_000).toISOString();
    const counts: PrunedCounts = {
      // Samples have no key of their own: picked by ctid through the workspace's old runs (their
      // index), since a run's samples are never older than the run.
      runSamples: await inChunks(db, chunk, (limit) => sql`
        delete from run_samples where ctid = any(array(
          select s.ctid from runs r join run_samples s on s.run_id = r.id
          where r.workspace_id = ${workspace.id} and r.created_at < ${cutoff}::timestamptz and s.created_at < ${cutoff}::timestamptz
          limit ${limit}))`),
      recordErrors: await inChunks(db, chunk, (limit) => sql`
        delete from record_errors where id in (
          select e.id from record_errors e join runs r on r.id = e.run_id
          where r.workspace_id = ${workspace.id} and e.created_at < ${cutoff}::timestamptz
          limit ${limit})`),
      lineage: await inChunks(db, chunk, (limit) => sql`
        delete from lineage where id in (
          select id from lineage where workspace_id = ${workspace.id} and created_at < ${cutoff}::timestamptz
          limit ${limit})`),
      webhookDeliveries: await inChunks(db, chunk, (limit) => sql`
        delete from webhook_deliveries where id in (
          select d.id from webhook_deliveries d
          where d.workspace_id = ${workspace.id} and d.received_at < ${cutoff}::timestamptz
            and not exists (select 1 from runs r where r.id = d.run_id and r.status in ('queued', 'running', 'awaiting_approval'))
          limit ${limit})`),
    };
    for (const key of Object.keys(total) as (keyof PrunedCounts)[]) total[key] += counts[key];
    if (Object.values(counts).some((n) => n > 0)) {
      options.log?.info({ workspaceId: workspace.id, retentionDays: workspace.retention_days, ...counts }, "prune-history: removed history older than the workspace keeps");
    }
  }
  return total;
}

/** Runs a `delete … limit n` until it removes fewer than n rows; answers how many it removed in all. */
async function inChunks(db: Database, chunk: number, statement: (limit: number) => SQL): Promise<number> {
  let removed = 0;
  for (;;) {
    const result = await db.execute(statement(chunk));
    const count = result.rowCount ?? 0;
    removed += count;
    if (count < chunk) return removed;
  }
}

export interface PruneHistoryDeps {
  db: Database;
  log: RuntimeLog;
}

/** prune-history: run daily from graphile-worker's crontab. */
export function createPruneHistoryTask(deps: PruneHistoryDeps): Task {
  return async (payload) => {
    PruneHistoryPayloadSchema.parse(payload);
    await pruneHistory(deps.db, { log: deps.log });
    const dryRuns = await pruneDryRuns(deps.db);
    if (dryRuns > 0) deps.log.info({ dryRuns }, "prune-history: removed dry runs older than a day");
  };
}
