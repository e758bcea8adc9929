import { runs, type Database } from "@flowgate/db";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Task } from "graphile-worker";
import { z } from "zod";
import { announceRunEnd, raiseApprovalsWaitingAlerts, sendAlertNotices, type AlertNotice, type AlertNotifier } from "../alerts";
import { applyApprovalTimeouts } from "../approvals";
import { closeChangeSetsOfEndedRuns } from "../decisions";
import { enqueueResumeApproval, RESUME_APPROVAL_TASK, RUN_FLOW_TASK } from "../enqueue";
import { recordRunEvent } from "../history";
import type { RuntimeLog } from "../log";
import type { RuntimeServices } from "../services";

export const SWEEP_RUNS_TASK = "sweep-runs";
/** Every minute, so a lost run resumes within a minute of its heartbeat going stale. */
export const SWEEP_RUNS_CRON = "* * * * *";

/** A run whose heartbeat is older than this has lost its worker (three missed beats at the default 10 s). */
export const DEFAULT_STALE_AFTER_MS = 30_000;

/**
 * A run whose worker died while running it this many times (counted by runs.attempt, every start)
 * is failed rather than resumed again: something in it may be what kills the worker (memory).
 */
export const MAX_RUN_STARTS = 30;

/** graphile-worker's crontab adds `_cron`; nothing else is read. */
export const SweepRunsPayloadSchema = z.looseObject({}).nullish();

export interface SweepRunsOptions {
  /** The sweeper's clock (tests move it). */
  now?: Date;
  staleAfterMs?: number;
  log?: RuntimeLog;
  /** Sends the webhook notice of a failure alert it opens (a run it fails); without it, alerts are in-app only. */
  notifier?: AlertNotifier;
}

export interface ReleasedRun {
  runId: string;
  /** The graphile-worker id that held the run's job and stopped beating. */
  workerId: string;
}

/**
 * Finds runs whose worker stopped beating while holding their job, releases the job and puts the
 * run back in the queue; the next run-flow attempt resumes from the last checkpoint.
 *
 * graphile-worker alone would keep such a job locked for four hours. A run counts as lost only
 * when both its heartbeat and its job's lock are older than the threshold: a job a live worker has
 * just picked up (and not yet beaten for) is never taken from it.
 */
export async function sweepRuns(db: Database, options: SweepRunsOptions = {}): Promise<ReleasedRun[]> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS));
  const { stale: released, notices } = await db.transaction(async (tx) => {
    const result = await tx.execute<{ run_id: string; locked_by: string; job_id: string; job_attempts: number; run_attempt: number; task: string }>(sql`
      select r.id as run_id, j.locked_by, j.id::text as job_id, j.attempts::int as job_attempts, r.attempt as run_attempt, t.identifier as task
      from ${runs} r
      -- By payload, not job key: manual runs are keyed run:<id>, scheduled ones schedule:<flow>:<slot>.
      -- The public jobs view has no payload, so this reads graphile-worker's own tables (0.17 layout).
      -- A run resuming after approvals is held by its change set's resume-approval job.
      join graphile_worker._private_jobs j on j.payload->>'runId' = r.id
        or j.payload->>'changeSetId' in (select cs.id from change_sets cs where cs.run_id = r.id)
      join graphile_worker._private_tasks t on t.id = j.task_id
        and (t.identifier = ${RUN_FLOW_TASK} and j.payload->>'runId' is not null or t.identifier = ${RESUME_APPROVAL_TASK} and j.payload->>'changeSetId' is not null)
      where r.status = 'running'
        and (r.heartbeat_at is null or r.heartbeat_at < ${cutoff.toISOString()}::timestamptz)
        and j.locked_by is not null
        and j.locked_at < ${cutoff.toISOString()}::timestamptz
      for update of r skip locked`);
    const stale = result.rows.map((row) => ({ runId: row.run_id, workerId: row.locked_by }));
    await releaseOrphanedResumes(tx, cutoff);
    if (stale.length === 0) return { stale: [], notices: [] };
    // The supported way to free a dead worker's jobs (and its queues' locks): everything it held goes back.
    await tx.execute(sql`select graphile_worker.force_unlock_workers(array(select jsonb_array_elements_text(${JSON.stringify([...new Set(stale.map((s) => s.workerId))])}::jsonb)))`);
    const spent = result.rows.filter((row) => row.run_attempt >= MAX_RUN_STARTS);
    const resumed = result.rows.filter((row) => row.run_attempt < MAX_RUN_STARTS);
    // A crash is not the run's failure: the dead worker's job attempt is given back, so graphile-worker's
    // max_attempts stays the budget for transient failures (and a run outlives any number of kills, up
    // to MAX_RUN_STARTS starts). runs.attempt is counted by run-flow when the next worker starts.
    for (const row of resumed) {
      await tx.execute(sql`select graphile_worker.reschedule_jobs(array[${row.job_id}::bigint], run_at => now(), attempts => ${Math.max(0, row.job_attempts - 1)}::int)`);
    }
    // A run's first pass waits in the queue again; a run that was sending approved changes on waits for its resume.
    for (const [task, status] of [[RUN_FLOW_TASK, "queued"], [RESUME_APPROVAL_TASK, "awaiting_approval"]] as const) {
      const ids = resumed.filter((row) => row.task === task).map((row) => row.run_id);
      if (ids.length === 0) continue;
      const back = await tx.update(runs).set({ status, heartbeatAt: null }).where(and(eq(runs.status, "running"), inArray(runs.id, ids))).returning({ id: runs.id });
      const goesOn = task === RUN_FLOW_TASK ? "the run goes on from its last checkpoint" : "it goes on with the decided changes not yet sent";
      for (const { id } of back) {
        const workerId = stale.find((s) => s.runId === id)?.workerId;
        await recordRunEvent(tx, id, "warn", `The worker running this run stopped answering (killed, restarted or out of memory); ${goesOn} on the next free worker.`, { workerId });
      }
    }
    const notices: AlertNotice[] = [];
    if (spent.length > 0) {
      await tx.execute(sql`select graphile_worker.permanently_fail_jobs(array(select jsonb_array_elements_text(${JSON.stringify(spent.map((row) => row.job_id))}::jsonb)::bigint), ${"the worker running it stopped too often"}::text)`);
      const error = {
        message: `The worker running this run stopped ${MAX_RUN_STARTS} times before it could finish (killed, restarted or out of memory), so it was not started again. Check the worker's logs and memory, make the batches smaller if the worker runs out of memory, and start a new run.`,
      };
      const failed = await tx
        .update(runs)
        .set({ status: "failed", heartbeatAt: null, finishedAt: new Date(), error })
        .where(and(eq(runs.status, "running"), inArray(runs.id, spent.map((row) => row.run_id))))
        .returning({ id: runs.id, workspaceId: runs.workspaceId, flowId: runs.flowId, counts: runs.counts });
      // Their change sets are closed by the sweep task's closeChangeSetsOfEndedRuns.
      for (const run of failed) notices.push(...(await announceRunEnd(tx, run, { status: "failed", error, counts: run.counts })));
    }
    return { stale, notices };
  });
  await sendAlertNotices(options.notifier, notices);
  for (const run of released) {
    options.log?.warn({ runId: run.runId, workerId: run.workerId }, "sweep-runs: the run's worker stopped beating; its job is released and the run will resume from its last checkpoint");
  }
  return released;
}

/**
 * A run left `running` by a resume whose job failed without giving the run back (its database went
 * away mid-batch, so it could not say so; graphile-worker retries the job, which then finds the run
 * busy): no job holds it, its heartbeat is stale, and its first pass is over (no run-flow job is
 * left). It waits for its resume again, and each of its change sets gets a resume job, which goes on
 * with the items not yet sent on.
 */
async function releaseOrphanedResumes(tx: Pick<Database, "execute" | "insert">, cutoff: Date): Promise<void> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    update ${runs} r set status = 'awaiting_approval', heartbeat_at = null
    where r.id in (
      select o.id from ${runs} o
      where o.status = 'running'
        and (o.heartbeat_at is null or o.heartbeat_at < ${cutoff.toISOString()}::timestamptz)
        and exists (select 1 from change_sets cs where cs.run_id = o.id)
        and not exists (
          select 1 from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
          where (t.identifier = ${RUN_FLOW_TASK} and j.payload->>'runId' = o.id)
            or (t.identifier = ${RESUME_APPROVAL_TASK} and j.locked_by is not null
              and j.payload->>'changeSetId' in (select cs.id from change_sets cs where cs.run_id = o.id)))
      for update of o skip locked)
    returning r.id`);
  for (const { id } of rows) {
    await recordRunEvent(tx, id, "warn", "Sending the decided changes on stopped (the database went away); it goes on with the changes not yet sent.");
    const sets = await tx.execute<{ id: string }>(sql`select id from change_sets where run_id = ${id} order by created_at, id`);
    for (const set of sets.rows) await enqueueResumeApproval(tx, set.id);
  }
}

export interface SweepRunsDeps {
  db: Database;
  log: RuntimeLog;
  staleAfterMs?: number;
  /** For alerts' webhook notices (the worker passes its services and FLOWGATE_URL); without them, alerts are in-app only. */
  services?: Pick<RuntimeServices, "forRun">;
  appUrl?: string;
}

/**
 * sweep-runs: run every minute from graphile-worker's crontab; also applies approval timeouts, closes
 * the change sets of ended runs and raises the alerts of change sets that wait too long.
 */
export function createSweepRunsTask(deps: SweepRunsDeps): Task {
  const notifier: AlertNotifier | undefined = deps.services && deps.appUrl !== undefined ? { services: deps.services, appUrl: deps.appUrl, log: deps.log } : undefined;
  return async (payload) => {
    SweepRunsPayloadSchema.parse(payload);
    await sweepRuns(deps.db, { log: deps.log, ...(notifier && { notifier }), ...(deps.staleAfterMs !== undefined && { staleAfterMs: deps.staleAfterMs }) });
    // Change sets past their deadline: the same minute's sweep.
    await applyApprovalTimeouts(deps.db, { log: deps.log });
    // Runs that failed or were cancelled with changes waiting (ended where nothing closed them, e.g. failed by this sweep).
    const closed = await closeChangeSetsOfEndedRuns(deps.db);
    if (closed.changeSets > 0) deps.log.info(closed, "sweep-runs: closed the change sets of runs that ended; their undecided items expired");
    await sendAlertNotices(notifier, await raiseApprovalsWaitingAlerts(deps.db));
  };
}
