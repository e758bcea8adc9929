import { flows, flowVersions, FINISHED_RUN_STATUSES, runs, runSamples, type RunCountsSummary, type RunErrorDetails } from "@flowgate/db";
import { runFlow, type Checkpoint, type Json, type ResumePoint, type RunCounts, type RunReport } from "@flowgate/engine";
import { validateFlow } from "@flowgate/flow";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import { announceRunEnd, sendAlertNotices, type AlertNotice, type AlertNotifier, type RunRef } from "../alerts";
import { approvalNodesOf, changeSetProgress, closeDecidedChangeSets, notifyWaitingChanges, type ChangeSetProgress } from "../approvals";
import { batchClock, summarizeCounts, upsertRunNodes, writeCheckpoint, type Tx } from "../checkpoint";
import { acquireRunSlot, wakeWaitingRuns } from "../concurrency";
import { replayDeadLetters } from "../dead-letters";
import { closeChangeSetsOfEndedRuns } from "../decisions";
import { enqueueResumeApproval } from "../enqueue";
import { plural, recordCancelNoticed, recordRunEvent } from "../history";
import { describeError as describe, enginePorts, kindsOf, openDocument, startRunHeartbeat, type EngineDeps } from "../engine-ports";
import type { RuntimeLog } from "../log";
import { batchObserver, type RunMetrics } from "../metrics";
import { runStartOf, WEBHOOK_DELIVERY_GONE } from "../webhooks/trigger";

export const RunFlowPayloadSchema = z.object({ runId: z.string().min(1) });
export type RunFlowPayload = z.infer<typeof RunFlowPayloadSchema>;

/** How often a running run says it is alive, besides at each checkpoint; sweep-runs reads it. */
export const DEFAULT_HEARTBEAT_MS = 10_000;

export interface RunFlowDeps extends EngineDeps {
  log: RuntimeLog;
  /** How often a run refreshes runs.heartbeat_at while it works (default 10 s); keep it well under sweep-runs' threshold. */
  heartbeatMs?: number;
  /** The worker's metrics (records by node kind, batch durations); none in tests that do not look at them. */
  metrics?: RunMetrics;
  /** Where people reach Flowgate (FLOWGATE_URL), for links in notifications (a change set waiting for approval). */
  appUrl: string;
}

interface ProgressColumn {
  counts: RunCounts;
  done: boolean;
}

/**
 * run-flow {runId}: runs a queued run's pinned flow version to the end, checkpointing after each batch.
 *
 * A run that was already worked on (a retried job after a crash or a lost database) resumes from its
 * last checkpoint. What the flow causes (a bad setting, a failing node, a cancel) ends the run with a
 * status; only a failing checkpoint (the database) fails the job, so graphile-worker retries it.
 */
export function createRunFlowTask(deps: RunFlowDeps): Task {
  const { kinds } = kindsOf(deps);
  const { db } = deps;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;

  const attempt = async (payload: unknown, helpers: JobHelpers, held: { flow?: { flowId: string; flowVersionId: string } }) => {
    const { runId } = RunFlowPayloadSchema.parse(payload);
    const log = deps.log.child({ runId, jobId: helpers.job.id, attempt: helpers.job.attempts });

    const [run] = await db.select().from(runs).where(eq(runs.id, runId)).limit(1);
    if (!run) {
      log.warn({}, "run-flow: the run no longer exists; nothing to do");
      return;
    }
    if (FINISHED_RUN_STATUSES.includes(run.status) || run.status === "awaiting_approval") {
      log.info({ status: run.status }, "run-flow: the run is already through (over, or waiting for approval)");
      return;
    }
    const ref: RunRef = { id: runId, workspaceId: run.workspaceId, flowId: run.flowId };
    const notifier: AlertNotifier = { services: deps.services, appUrl: deps.appUrl, log };
    /** Ends the run in one transaction, then sends the notices of the alert it opened. */
    const end = async (outcome: Outcome) => sendAlertNotices(notifier, await db.transaction((tx) => finish(tx, ref, outcome)));
    if (run.cancelRequested) {
      await end({ status: "cancelled" });
      return;
    }
    if (!(await acquireRunSlot(db, { runId, flowId: run.flowId, flowVersionId: run.flowVersionId, queuedAt: run.createdAt, job: helpers.job }))) {
      log.debug({ flowId: run.flowId }, "run-flow: the flow runs as many runs as its maxConcurrentRuns allows; this one waits for a slot");
      return;
    }
    // From here the run holds one of the flow's slots: whatever happens, the next waiting run is woken.
    held.flow = { flowId: run.flowId, flowVersionId: run.flowVersionId };

    const [version] = await db
      .select({ document: flowVersions.document, authorId: flowVersions.authorId })
      .from(flowVersions)
      .where(eq(flowVersions.id, run.flowVersionId))
      .limit(1);
    const validation = validateFlow(openDocument(version?.document), kinds);
    if (!version || !validation.ok) {
      const problems = validation.problems.map((p) => ({ code: p.code, message: p.message, path: p.path, ...(p.nodeId !== undefined && { nodeId: p.nodeId }) }));
      const error: RunErrorDetails = version
        ? {
            message: `The flow version this run started with has ${problems.length} problem(s), so it did not run:\n${problems.map((p) => `• ${p.message}`).join("\n")}\nFix them in the editor, publish, and start a new run.`,
            problems,
          }
        : { message: "The flow version this run started with no longer exists. Start a new run." };
      await end({ status: "failed", error });
      log.warn({ problems: problems.length }, "run-flow: the pinned flow version does not validate");
      return;
    }
    const flow = validation.flow;
    const destinationIds = new Set(flow.nodes.filter((n) => kinds.get(n.kind)?.category === "destination").map((n) => n.id));
    const approvalNodes = approvalNodesOf(flow, version.authorId);
    // A webhook run reads the request stored with its delivery.
    const start = await runStartOf(db, run, flow);
    if (!start) {
      await end({ status: "failed", error: { message: WEBHOOK_DELIVERY_GONE } });
      return;
    }

    const replayOf = run.mode === "failed-records" ? run.retryOf : null;
    if (run.mode === "failed-records" && !replayOf) {
      await end({ status: "failed", error: { message: "This run was to retry the failed records of another run, which no longer exists. Nothing was sent." } });
      return;
    }

    const [started] = await db
      .update(runs)
      .set({
        status: "running",
        attempt: sql`${runs.attempt} + 1`,
        startedAt: sql`coalesce(${runs.startedAt}, now())`,
        heartbeatAt: new Date(),
      })
      .where(and(eq(runs.id, runId), inArray(runs.status, ["queued", "running"])))
      .returning();
    if (!started) return;

    const progress = started.progress as ProgressColumn | null;
    const resumeFrom: ResumePoint | undefined =
      progress
        ? {
            cursor: started.batchIndex >= 0 ? ((started.cursor as Json | null) ?? undefined) : undefined,
            batchIndex: started.batchIndex,
            counts: progress.counts,
            done: progress.done,
          }
        : undefined;
    if (resumeFrom) log.info({ batchIndex: resumeFrom.batchIndex }, "run-flow: resuming from the last checkpoint");
    else log.info({ flowId: run.flowId, versionId: run.flowVersionId }, "run-flow: starting");
    await recordRunEvent(db, runId, "info", startedMessage(started.attempt, resumeFrom, replayOf), {
      attempt: started.attempt,
      trigger: run.trigger,
      ...(replayOf && { retryOf: replayOf }),
      ...(resumeFrom && { batchIndex: resumeFrom.batchIndex }),
    });

    const cancel = new AbortController();
    const observeBatch = batchObserver(deps.metrics, { flowId: run.flowId, nodes: flow.nodes, resumedCounts: resumeFrom?.counts });
    const stopHeartbeat = startRunHeartbeat(db, runId, heartbeatMs, log, "run-flow");
    const measureBatch = batchClock(resumeFrom);

    let report: RunReport;
    try {
      report = await runFlow({
        flow,
        ...enginePorts(deps, { id: runId, workspaceId: run.workspaceId, flowId: run.flowId }, log),
        run: { id: runId, flowId: run.flowId, mode: "run", startedAt: started.startedAt ?? new Date(), trigger: start.trigger },
        ...(start.triggerNodeId !== undefined && { triggerNodeId: start.triggerNodeId }),
        // A "failed-records" run reads no source: it sends the open dead letters of the run it retries into their nodes.
        ...(replayOf && { replay: replayDeadLetters(db, { of: replayOf, by: runId }, flow.settings.batchSize) }),
        signal: cancel.signal,
        ...(resumeFrom && { resumeFrom }),
        checkpoint: {
          save: async (checkpoint: Checkpoint) => {
            const batch = measureBatch(checkpoint);
            const { cancelRequested } = await db.transaction(async (tx) => {
              const answer = await writeCheckpoint(tx, runId, checkpoint, { workspaceId: run.workspaceId, flowId: run.flowId, destinationIds, attempt: started.attempt, replayOf, approvalNodes }, batch);
              if (answer.cancelRequested && !cancel.signal.aborted && !checkpoint.done) await recordCancelNoticed(tx, runId, checkpoint.batchIndex);
              return answer;
            });
            observeBatch(checkpoint);
            // Cancel is honoured at batch boundaries: the engine stops after this checkpoint.
            if (cancelRequested && !cancel.signal.aborted) cancel.abort();
          },
        },
      });
    } catch (error) {
      // The checkpoint could not be saved: the database, not the flow. graphile-worker retries the
      // job, which resumes from the last checkpoint that was saved.
      log.error({ err: describe(error) }, "run-flow: checkpoint failed; the job will be retried");
      if (helpers.job.attempts >= helpers.job.max_attempts) {
        await end({
          status: "failed",
          error: { message: `The run could not save its progress after ${helpers.job.attempts} attempts: ${describe(error)}. Start a new run once the database is reachable.` },
        }).catch(() => {});
      } else {
        // Best effort: the database that refused the checkpoint may refuse this line too.
        await recordRunEvent(db, runId, "warn", `Attempt ${helpers.job.attempts} of ${helpers.job.max_attempts} stopped: the run could not save its progress (${describe(error)}). It goes on from its last checkpoint.`, {
          attempt: helpers.job.attempts,
          maxAttempts: helpers.job.max_attempts,
        }).catch(() => {});
      }
      throw error;
    } finally {
      stopHeartbeat();
    }

    // A cause that may pass by itself (a timeout, a 5xx after the node's own retries, a lost
    // connection): the job is retried with graphile-worker's backoff and resumes from the last
    // checkpoint; the run says so meanwhile. The last attempt ends the run failed.
    if (report.status === "failed" && report.error?.transient && helpers.job.attempts < helpers.job.max_attempts) {
      const failure = report.error;
      const seconds = Math.round(Math.exp(Math.min(helpers.job.attempts, 10)));
      const message = `Attempt ${helpers.job.attempts} of ${helpers.job.max_attempts} stopped: ${failure.message.replace(/\.?$/, ".")} The run goes on from its last checkpoint in about ${seconds} s.`;
      const node = failure.nodeId !== undefined ? { nodeId: failure.nodeId } : {};
      await db.transaction(async (tx) => {
        await tx
          .update(runs)
          .set({ status: "queued", heartbeatAt: null, error: { message, ...node } })
          .where(and(eq(runs.id, runId), eq(runs.status, "running")));
        await recordRunEvent(tx, runId, "warn", message, { attempt: helpers.job.attempts, maxAttempts: helpers.job.max_attempts, retryInSeconds: seconds, ...node });
      });
      log.warn({ nodeId: failure.nodeId, error: failure.message, retryInSeconds: seconds }, "run-flow: transient failure; the job will be retried");
      throw new Error(message);
    }

    const { waiting, notices } = await db.transaction(async (tx) => {
      const counts = summarizeCounts({ recordsRead: report.recordsRead, errors: report.errorCount, nodes: report.nodes }, destinationIds);
      // A run that went through with changes still to decide (or decided while it ran, not yet sent on) waits for them.
      const sets = approvalNodes.size > 0 && (report.status === "succeeded" || report.status === "succeeded_with_errors") ? await changeSetProgress(tx, runId) : [];
      const awaiting = sets.some((set) => set.pending > 0 || set.unapplied > 0);
      let notices: AlertNotice[] = [];
      if (awaiting) {
        await tx.update(runs).set({ status: "awaiting_approval", finishedAt: null, heartbeatAt: null, error: null, counts }).where(eq(runs.id, runId));
        await recordRunEvent(tx, runId, "info", waitingMessage(sets, approvalNodes), { counts, changeSets: sets.map((set) => ({ id: set.id, nodeId: set.nodeId, pending: set.pending })) });
      } else {
        notices = await finish(tx, ref, { status: report.status, counts, ...(report.error && { error: report.error }) });
      }
      await closeDecidedChangeSets(tx, sets);
      for (const set of sets) if (set.unapplied > 0) await enqueueResumeApproval(tx, set.id);
      await upsertRunNodes(tx, runId, report.nodes);
      const samples = Object.entries(report.samples).flatMap(([nodeId, byPort]) =>
        Object.entries(byPort).map(([port, records]) => ({ runId, nodeId, port, records })),
      );
      if (samples.length > 0) {
        await tx
          .insert(runSamples)
          .values(samples)
          .onConflictDoUpdate({ target: [runSamples.runId, runSamples.nodeId, runSamples.port], set: { records: sql`excluded.records` } });
      }
      // The dead letters are already stored, each with the checkpoint of its batch.
      return { waiting: sets.filter((set) => set.pending > 0), notices };
    });
    await sendAlertNotices(notifier, notices);
    if (waiting.length > 0) {
      await notifyApprovers(deps, { runId, workspaceId: run.workspaceId, flowId: run.flowId }, waiting, approvalNodes, log).catch((error: unknown) =>
        log.warn({ err: describe(error) }, "run-flow: could not send the approval notification"),
      );
    }
    log.info(
      {
        status: report.status,
        read: report.recordsRead,
        errors: report.errorCount,
        // What a failed run's history shows, so the log alone says which node failed and why.
        ...(report.error && { nodeId: report.error.nodeId, error: report.error.message }),
      },
      "run-flow: finished",
    );
  };

  return async (payload, helpers) => {
    const held: { flow?: { flowId: string; flowVersionId: string } } = {};
    try {
      await attempt(payload, helpers, held);
    } finally {
      if (held.flow) {
        await wakeWaitingRuns(db, held.flow).catch((error: unknown) => deps.log.warn({ err: describe(error), flowId: held.flow!.flowId }, "run-flow: could not wake the flow's waiting runs; they look again on their own"));
      }
    }
  };
}

/**
 * The in-app notice of waiting changes is the change set row itself (the inbox lists pending ones);
 * an approval node with a webhook URL also tells a chat tool. Best effort.
 */
async function notifyApprovers(
  deps: RunFlowDeps,
  run: { runId: string; workspaceId: string; flowId: string },
  waiting: readonly ChangeSetProgress[],
  approvalNodes: ReturnType<typeof approvalNodesOf>,
  log: RuntimeLog,
): Promise<void> {
  const notices = waiting.flatMap((set) => {
    const url = approvalNodes.get(set.nodeId)?.config.notifyWebhookUrl;
    return url ? [{ set, url }] : [];
  });
  if (notices.length === 0) return;
  const [flow] = await deps.db.select({ name: flows.name }).from(flows).where(eq(flows.id, run.flowId)).limit(1);
  const http = deps.services.forRun({ id: run.runId, workspaceId: run.workspaceId }).http;
  for (const { set, url } of notices) {
    await notifyWaitingChanges(http, log, {
      url,
      flowName: flow?.name ?? "A flow",
      pending: set.pending,
      changeSetId: set.id,
      appUrl: deps.appUrl,
    });
  }
}

type Outcome = { status: (typeof FINISHED_RUN_STATUSES)[number]; error?: RunErrorDetails; counts?: RunCountsSummary };

/**
 * Ends the run, in the caller's transaction: one that failed or was cancelled closes the change sets
 * it made (nothing will send them on); its log says how it ended and the flow's alert follows.
 * Answers the notices to send once the transaction commits.
 */
async function finish(tx: Tx, run: RunRef, outcome: Outcome): Promise<AlertNotice[]> {
  await tx
    .update(runs)
    .set({
      status: outcome.status,
      finishedAt: new Date(),
      heartbeatAt: null,
      // A run that ends well after a transient failure no longer shows that attempt's error.
      error: outcome.error ?? null,
      ...(outcome.counts && { counts: outcome.counts }),
    })
    .where(eq(runs.id, run.id));
  if (outcome.status === "failed" || outcome.status === "cancelled") await closeChangeSetsOfEndedRuns(tx, { runId: run.id });
  return announceRunEnd(tx, run, outcome);
}

/** The log line of an attempt's start. */
function startedMessage(attempt: number, resumeFrom: ResumePoint | undefined, replayOf: string | null): string {
  const what = replayOf ? `to retry the failed records of run ${replayOf}` : "";
  if (attempt <= 1) return replayOf ? `Run started ${what}.` : "Run started.";
  if (!resumeFrom || resumeFrom.batchIndex < 0) return `Attempt ${attempt} started${what ? ` ${what}` : ""}, from the beginning: no batch was saved before.`;
  return `Attempt ${attempt} started${what ? ` ${what}` : ""}: it goes on from its last checkpoint (${plural(resumeFrom.batchIndex + 1, "batch", "batches")} done, ${plural(resumeFrom.counts.recordsRead, "record")} read).`;
}

/** The log line of a run that went through and now waits for people's decisions. */
function waitingMessage(sets: readonly ChangeSetProgress[], approvalNodes: ReturnType<typeof approvalNodesOf>): string {
  const pending = sets.filter((set) => set.pending > 0);
  if (pending.length === 0) return "The changes decided while the run went on are being sent on.";
  const where = pending.map((set) => `${plural(set.pending, "change")} at “${approvalNodes.get(set.nodeId)?.label ?? set.nodeId}”`).join(", ");
  return `Waiting for approval: ${where}. The run sends the approved changes on once they are decided.`;
}
