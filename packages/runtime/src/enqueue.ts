import { newId, runs, type Database, type RunTrigger } from "@flowgate/db";
import { sql } from "drizzle-orm";

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
}

/**
 * Inserts a queued run and its `run-flow` job. Call it inside the transaction that decides to run
 * (so a rolled-back decision leaves neither a run without a job nor a job without a run); the job
 * key makes a second job for the same run impossible.
 */
export async function enqueueRun(tx: Executor, input: EnqueueRunInput): Promise<{ runId: string }> {
  const runId = newId();
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
  });
  await tx.execute(
    sql`select graphile_worker.add_job(${RUN_FLOW_TASK}, json_build_object('runId', ${runId}::text), job_key => ${input.jobKey ?? `run:${runId}`}::text, max_attempts => ${RUN_FLOW_MAX_ATTEMPTS}::int)`,
  );
  return { runId };
}
