import type { Database } from "@flowgate/db";
import { sql } from "drizzle-orm";
import type { Job } from "graphile-worker";
import { addRunFlowJob, maxConcurrentRunsOf, RUN_FLOW_TASK } from "./enqueue";

/**
 * How long a run that found its flow at its limit waits before its job looks again (plus up to half
 * as much, at random). Long, because the run is woken when a slot frees (`wakeWaitingRuns`, under
 * the same lock as the gate, so no wake is missed); the re-check only covers a run whose worker died.
 */
export const DEFAULT_RUN_SLOT_RETRY_MS = 10_000;
/**
 * A run that has waited long looks less often (a tenth of its wait so far), up to this: a backlog of
 * runs does not churn the job table. Waiting runs are woken as soon as a run of their flow ends
 * (`wakeWaitingRuns`); the re-check is for a run whose worker died.
 */
const MAX_RUN_SLOT_RETRY_MS = 30_000;

/** The first key of the advisory locks that serialise one flow's run starts (the second is the flow's hash). */
const FLOW_RUNS_LOCK = 0x466c6f77; // "Flow"

export interface RunSlotRequest {
  runId: string;
  flowId: string;
  flowVersionId: string;
  /** The run-flow job asking; put back for later when the flow is at its limit. */
  job: Pick<Job, "key" | "max_attempts">;
  /** When the run was queued (runs.created_at). */
  queuedAt?: Date;
  retryMs?: number;
}

/**
 * The gate at the start of run-flow for `settings.maxConcurrentRuns` (of the run's pinned version).
 * Under a per-flow advisory lock it counts the flow's other running runs: below the limit, the run
 * is marked running in the same transaction (so the next gate counts it) and may go on; at the
 * limit, its job is added again for a little later and the run stays queued, untouched.
 *
 * Re-adding with the job's own key clears the key of the job being worked on (graphile-worker does
 * that for a locked job) and creates a fresh one with no attempts spent: waiting is not failing,
 * so it costs neither retries nor backoff. The current job then completes and is deleted.
 */
export async function acquireRunSlot(db: Database, request: RunSlotRequest): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${FLOW_RUNS_LOCK}, hashtext(${request.flowId}))`);
    const result = await tx.execute<{ max_runs: number | null; running: number }>(sql`
      select ${maxConcurrentRunsOf(request.flowVersionId)} as max_runs,
             (select count(*)::int from runs where flow_id = ${request.flowId} and status = 'running' and id <> ${request.runId}) as running`);
    const { max_runs, running } = result.rows[0]!;
    if (running < (max_runs ?? 1)) {
      // Taken now, under the lock; run-flow's own start (attempt, started_at) follows outside it.
      await tx.execute(sql`update runs set status = 'running', heartbeat_at = now() where id = ${request.runId} and status in ('queued', 'running')`);
      return true;
    }
    const waited = request.queuedAt ? Date.now() - request.queuedAt.getTime() : 0;
    const retryMs = Math.min(MAX_RUN_SLOT_RETRY_MS, Math.max(request.retryMs ?? DEFAULT_RUN_SLOT_RETRY_MS, waited / 10));
    await addRunFlowJob(tx, {
      runId: request.runId,
      flowId: request.flowId,
      flowVersionId: request.flowVersionId,
      jobKey: request.job.key,
      runAt: new Date(Date.now() + retryMs + Math.random() * retryMs * 0.5),
      maxAttempts: request.job.max_attempts,
    });
    return false;
  });
}

/**
 * After a run of the flow ended: the oldest waiting runs of the flow (as many as there are free
 * slots now) have their jobs moved to now, and idle workers are nudged (graphile-worker's own
 * `jobs:insert` channel), so the slot is taken at once and in order. Best effort: a run not woken
 * here still looks again when its job comes due.
 */
export async function wakeWaitingRuns(db: Database, flow: { flowId: string; flowVersionId: string }): Promise<number> {
  return db.transaction(async (tx) => {
    // The gate's lock: a run that is just now being put back to wait is either counted here or sees the free slot.
    await tx.execute(sql`select pg_advisory_xact_lock(${FLOW_RUNS_LOCK}, hashtext(${flow.flowId}))`);
    const result = await tx.execute<{ id: string }>(sql`
    with free as (
      select greatest(0, coalesce(${maxConcurrentRunsOf(flow.flowVersionId)}, 1)
        - (select count(*)::int from runs where flow_id = ${flow.flowId} and status = 'running')) as slots
    ), waiting as (
      select j.id
      from runs r
      -- By payload, as sweep-runs finds them: a scheduled run's job key is its slot's, not its id.
      join graphile_worker._private_jobs j on j.payload->>'runId' = r.id
      join graphile_worker._private_tasks t on t.id = j.task_id and t.identifier = ${RUN_FLOW_TASK}
      where r.flow_id = ${flow.flowId} and r.status = 'queued' and j.locked_at is null and j.run_at > now()
      order by r.created_at, r.id
      limit (select slots from free)
    )
    select id::text from graphile_worker.reschedule_jobs(array(select id from waiting), run_at => now())`);
    if (result.rows.length > 0) await tx.execute(sql`select pg_notify('jobs:insert', json_build_object('count', ${result.rows.length}::int)::text)`);
    return result.rows.length;
  });
}
