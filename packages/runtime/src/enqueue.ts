import { newId, runs, type Database, type RunMode, type RunTrigger } from "@flowgate/db";
import { sql, type SQL } from "drizzle-orm";

/** A transaction or the database itself: enqueueing must join the caller's transaction. */
export type Executor = Pick<Database, "insert" | "execute">;

export const RUN_FLOW_TASK = "run-flow";
/** A run's job is retried (resuming from its checkpoint) after a crash or a lost database, this many times in all. */
export const RUN_FLOW_MAX_ATTEMPTS = 5;

export interface EnqueueRunInput {
  workspaceId: string;
  flowId: string;
  /** The published version to run; the run keeps it to the end. */
  flowVersionId: string;
  trigger: RunTrigger;
  createdBy?: string | null;
  retryOf?: string | null;
  /** A scheduled run: the slot it stands for (unique per flow) and whether it stands in for missed slots. */
  scheduledFor?: Date | null;
  backfilled?: boolean;
  /** Overrides the job key (`run:<runId>`), e.g. one per flow and schedule slot. */
  jobKey?: string;
  /** A webhook run: the delivery whose body its trigger reads. */
  webhookDeliveryId?: string | null;
  /** The run's id, when the caller stores it elsewhere in the same transaction (a webhook delivery); new by default. */
  runId?: string;
  /** "failed-records": replay the open dead letters of `retryOf` instead of reading the source (default "full"). */
  mode?: RunMode;
}

/**
 * Inserts a queued run and its `run-flow` job. Call it inside the transaction that decides to run
 * (so a rolled-back decision leaves neither a run without a job nor a job without a run); the job
 * key makes a second job for the same run impossible.
 */
export async function enqueueRun(tx: Executor, input: EnqueueRunInput): Promise<{ runId: string }> {
  const runId = input.runId ?? newId();
  await tx.insert(runs).values({
    id: runId,
    workspaceId: input.workspaceId,
    flowId: input.flowId,
    flowVersionId: input.flowVersionId,
    trigger: input.trigger,
    createdBy: input.createdBy ?? null,
    retryOf: input.retryOf ?? null,
    scheduledFor: input.scheduledFor ?? null,
    backfilled: input.backfilled ?? false,
    webhookDeliveryId: input.webhookDeliveryId ?? null,
    mode: input.mode ?? "full",
  });
  await addRunFlowJob(tx, { runId, flowId: input.flowId, flowVersionId: input.flowVersionId, jobKey: input.jobKey ?? `run:${runId}` });
  return { runId };
}

/**
 * The flow's `settings.maxConcurrentRuns`, read from the pinned version inside the statement that
 * needs it (1 when the document does not say): callers never have to pass the document along.
 */
export function maxConcurrentRunsOf(flowVersionId: string): SQL {
  return sql`(select coalesce((v.document->'settings'->>'maxConcurrentRuns')::int, 1) from flow_versions v where v.id = ${flowVersionId})`;
}

/**
 * Adds (or, from the concurrency gate, re-adds for later) a run's `run-flow` job. The gate at the
 * start of run-flow enforces the flow's `maxConcurrentRuns`, 1 included. Not a graphile-worker named
 * queue per flow: 0.17's job fetch locks every available queue row (`for update skip locked` on
 * _private_job_queues) for its transaction, so the other workers find nothing and sleep until their
 * next poll; with ten flows, 1,000 small runs went at 19 runs/s that way, against 68 with the gate
 * (bench small-runs).
 */
export async function addRunFlowJob(
  tx: Pick<Database, "execute">,
  job: { runId: string; flowId: string; flowVersionId: string; jobKey: string | null; runAt?: Date; maxAttempts?: number },
): Promise<void> {
  await tx.execute(sql`
    select graphile_worker.add_job(
      ${RUN_FLOW_TASK},
      json_build_object('runId', ${job.runId}::text),
      run_at => ${job.runAt?.toISOString() ?? null}::timestamptz,
      job_key => ${job.jobKey}::text,
      max_attempts => ${job.maxAttempts ?? RUN_FLOW_MAX_ATTEMPTS}::int)`);
}

export const DRY_RUN_TASK = "dry-run";
/** A dry run writes nothing and is started again from the editor in a click: one retry covers a lost connection. */
export const DRY_RUN_MAX_ATTEMPTS = 2;

/** Adds the `dry-run` job of a dry_runs row; call it in the transaction that inserts the row. */
export async function addDryRunJob(tx: Pick<Database, "execute">, dryRunId: string): Promise<void> {
  await tx.execute(sql`
    select graphile_worker.add_job(
      ${DRY_RUN_TASK},
      json_build_object('dryRunId', ${dryRunId}::text),
      job_key => ${`dry-run:${dryRunId}`}::text,
      max_attempts => ${DRY_RUN_MAX_ATTEMPTS}::int)`);
}

export const RESUME_APPROVAL_TASK = "resume-approval";
/** A resume is retried (taking the items not yet applied again) after a crash or a lost database, this many times in all. */
export const RESUME_APPROVAL_MAX_ATTEMPTS = 5;

/**
 * Adds the `resume-approval` job of a change set: call it in the transaction that decides items (or
 * expires them), so a rolled-back decision sends nothing on. The job key (one per change set) folds
 * decisions made in quick succession into one job; a decision made while a resume is running gets a
 * fresh job, which takes what the running one did not.
 */
export async function enqueueResumeApproval(tx: Pick<Database, "execute">, changeSetId: string, options: { runAt?: Date } = {}): Promise<void> {
  await tx.execute(sql`
    select graphile_worker.add_job(
      ${RESUME_APPROVAL_TASK},
      json_build_object('changeSetId', ${changeSetId}::text),
      run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
      job_key => ${`resume-approval:${changeSetId}`}::text,
      max_attempts => ${RESUME_APPROVAL_MAX_ATTEMPTS}::int)`);
}
