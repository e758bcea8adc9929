import { changeSets, flowVersions, runs, type RunCountsSummary, type RunErrorDetails } from "@flowgate/db";
import { runFlow, type Checkpoint, type FlowRecord, type Json, type ReplaySource, type RunCounts, type RunReport } from "@flowgate/engine";
import { validateFlow } from "@flowgate/flow";
import { and, eq, sql } from "drizzle-orm";
import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import { announceRunEnd, sendAlertNotices, type AlertNotifier, type RunRef } from "../alerts";
import { approvalNodesOf, changeSetProgress, closeDecidedChangeSets } from "../approvals";
import { closeChangeSetsOfEndedRuns } from "../decisions";
import { batchClock, summarizeCounts, upsertRunNodes, writeCheckpoint } from "../checkpoint";
import { plural, recordCancelNoticed, recordRunEvent } from "../history";
import { wakeWaitingRuns } from "../concurrency";
import { enqueueResumeApproval } from "../enqueue";
import { describeError as describe, enginePorts, kindsOf, openDocument, startRunHeartbeat } from "../engine-ports";
import { runStartOf } from "../webhooks/trigger";
import { DEFAULT_HEARTBEAT_MS, type RunFlowDeps } from "./run-flow";

export const ResumeApprovalPayloadSchema = z.object({ changeSetId: z.string().min(1) });
export type ResumeApprovalPayload = z.infer<typeof ResumeApprovalPayloadSchema>;

/** How long a resume waits when its run is still running (its first pass, or another resume): it looks again then. */
export const RESUME_RETRY_MS = 2_000;

interface ProgressColumn {
  counts: RunCounts;
  done: boolean;
}

/** One decided item as the resume sends it on. */
type DecidedItem = {
  id: number;
  key: string;
  status: "approved" | "rejected" | "expired";
  record: FlowRecord;
  decision_source: string | null;
  decided_by: string | null;
  decided_at: string | null;
};

/**
 * resume-approval {changeSetId}: sends the decided items of a change set on, from its approval node,
 * on the run's pinned flow version, in batches of the flow's batch size. Approved items go out of
 * the node's `approved` port, rejected ones out of `rejected` (with `_approval` added); expired ones
 * are only marked. Each batch's checkpoint marks its items applied, in the same transaction as its
 * stats and the lineage of what the branch did: a resume that stops half-way takes the items not yet applied again, and
 * destination writes are keyed. The run ends when nothing is pending any more, else waits again.
 *
 * The run is taken as it is taken by run-flow (status `running`, with a heartbeat), so two resumes of
 * one run, or a resume and the run's first pass, never work at once: the later one looks again soon.
 */
export function createResumeApprovalTask(deps: RunFlowDeps): Task {
  const { kinds } = kindsOf(deps);
  const { db } = deps;
  const heartbeatMs = deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;

  return async (payload: unknown, helpers: JobHelpers) => {
    const { changeSetId } = ResumeApprovalPayloadSchema.parse(payload);
    const log = deps.log.child({ changeSetId, jobId: helpers.job.id, attempt: helpers.job.attempts });
    const [set] = await db.select().from(changeSets).where(eq(changeSets.id, changeSetId)).limit(1);
    if (!set) {
      log.warn({}, "resume-approval: the change set no longer exists; nothing to do");
      return;
    }
    const runId = set.runId;
    const [run] = await db.select().from(runs).where(eq(runs.id, runId)).limit(1);
    if (!run) return;
    if (run.status === "queued" || run.status === "running") {
      // The run's first pass (or another resume) is still at work: this one comes back when it is likely done.
      log.debug({ runId, status: run.status }, "resume-approval: the run is busy; looking again shortly");
      await enqueueResumeApproval(db, changeSetId, { runAt: new Date(Date.now() + RESUME_RETRY_MS) });
      return;
    }
    if (run.status !== "awaiting_approval") {
      log.info({ runId, status: run.status }, "resume-approval: the run is over; decided items are not sent on");
      return;
    }

    const [started] = await db
      .update(runs)
      .set({ status: "running", heartbeatAt: new Date(), attempt: sql`${runs.attempt} + 1` })
      .where(and(eq(runs.id, runId), eq(runs.status, "awaiting_approval")))
      .returning();
    if (!started) {
      await enqueueResumeApproval(db, changeSetId, { runAt: new Date(Date.now() + RESUME_RETRY_MS) });
      return;
    }
    const flowRef = { flowId: run.flowId, flowVersionId: run.flowVersionId };
    const ref: RunRef = { id: runId, workspaceId: run.workspaceId, flowId: run.flowId };
    const notifier: AlertNotifier = { services: deps.services, appUrl: deps.appUrl, log };
    try {
      await resume(started);
    } finally {
      await wakeWaitingRuns(db, flowRef).catch((error: unknown) => log.warn({ err: describe(error) }, "resume-approval: could not wake the flow's waiting runs"));
    }

    async function resume(started: typeof runs.$inferSelect): Promise<void> {
      const [version] = await db
        .select({ document: flowVersions.document, authorId: flowVersions.authorId })
        .from(flowVersions)
        .where(eq(flowVersions.id, started.flowVersionId))
        .limit(1);
      const validation = validateFlow(openDocument(version?.document), kinds);
      if (!version || !validation.ok) {
        await endRun(ref, notifier, "failed", {
          message: "The flow version this run started with no longer runs (it was deleted or its node kinds changed), so the approved changes could not be sent on. Start a new run.",
        });
        return;
      }
      const flow = validation.flow;
      const destinationIds = new Set(flow.nodes.filter((n) => kinds.get(n.kind)?.category === "destination").map((n) => n.id));
      const approvalNodes = approvalNodesOf(flow, version.authorId);
      const node = flow.nodes.find((n) => n.id === set!.nodeId);
      const start = await runStartOf(db, started, flow);

      const progress = started.progress as ProgressColumn | null;
      const counts: RunCounts = progress?.counts ?? { batches: 0, recordsRead: 0, errors: 0, nodes: {}, edges: {} };
      // The run read its source once: sending decided items on reads nothing more.
      const recordsRead = counts.recordsRead;
      const cursor = (started.cursor as Json | null) ?? undefined;
      /** By the replay cursor (the last item id of a batch): the items the batch stands for. */
      const taken = new Map<number, number[]>();
      const label = node?.label ?? set!.nodeId;
      const resumed = await resumedMessage(changeSetId, label);
      if (resumed) await recordRunEvent(db, started.id, "info", resumed, { changeSetId, nodeId: set!.nodeId, attempt: started.attempt });

      const replay: ReplaySource = async function* () {
        let after = 0;
        while (true) {
          const result = await db.execute<DecidedItem>(sql`
            select i.id::int as id, i.key, i.status, i.record, i.decision_source, i.decided_by, i.decided_at
            from change_set_items i
            where i.change_set_id = ${changeSetId} and i.status <> 'pending' and i.applied_at is null and i.id > ${after}
            order by i.id
            limit ${flow.settings.batchSize}`);
          const rows = result.rows;
          const last = rows.at(-1);
          if (!last) return;
          after = last.id;
          // The decisions are in the lineage since they were made; what the branch does with the records adds its own.
          const entries: { nodeId: string; record: FlowRecord }[] = [];
          for (const item of rows) {
            if (item.status === "expired") continue;
            const decidedAt = item.decided_at ? new Date(item.decided_at).toISOString() : null;
            entries.push({ nodeId: set!.nodeId, record: { ...item.record, _approval: { decision: item.status, by: item.decided_by ?? item.decision_source, at: decidedAt } } });
          }
          taken.set(after, rows.map((r) => r.id));
          yield { entries, cursor: after };
          if (rows.length < flow.settings.batchSize) return;
        }
      };

      const cancel = new AbortController();
      const stopHeartbeat = startRunHeartbeat(db, started.id, heartbeatMs, log, "resume-approval");
      const measureBatch = batchClock({ batchIndex: started.batchIndex, counts });

      let report: RunReport;
      try {
        report = await runFlow({
          flow,
          ...enginePorts(deps, { id: started.id, workspaceId: started.workspaceId, flowId: started.flowId }, log),
          run: { id: started.id, flowId: started.flowId, mode: "run", startedAt: started.startedAt ?? new Date(), ...(start && { trigger: start.trigger }) },
          ...(start?.triggerNodeId !== undefined && { triggerNodeId: start.triggerNodeId }),
          replay,
          signal: cancel.signal,
          resumeFrom: { cursor: undefined, batchIndex: started.batchIndex, counts, done: false },
          checkpoint: {
            save: async (checkpoint: Checkpoint) => {
              const batch = typeof checkpoint.cursor === "number" ? taken.get(checkpoint.cursor) : undefined;
              const stored: Checkpoint = { ...checkpoint, cursor, counts: { ...checkpoint.counts, recordsRead } };
              // Measured on the engine's counts, which count what the resume sends on.
              const timing = measureBatch(checkpoint);
              const { cancelRequested } = await db.transaction(async (tx) => {
                const answer = await writeCheckpoint(
                  tx,
                  started.id,
                  stored,
                  { workspaceId: started.workspaceId, flowId: started.flowId, destinationIds, attempt: started.attempt, approvalNodes },
                  timing,
                );
                if (answer.cancelRequested && !cancel.signal.aborted && !checkpoint.done) await recordCancelNoticed(tx, started.id, checkpoint.batchIndex);
                if (batch) {
                  await tx.execute(sql`
                    update change_set_items set applied_at = now()
                    where change_set_id = ${changeSetId} and applied_at is null
                      and id = any(array(select jsonb_array_elements_text(${JSON.stringify(batch)}::jsonb)::bigint))`);
                }
                return answer;
              });
              if (batch) taken.delete(checkpoint.cursor as number);
              if (cancelRequested && !cancel.signal.aborted) cancel.abort();
            },
          },
        });
      } catch (error) {
        // The checkpoint could not be saved: the items of that batch are not marked, the retried job takes them again.
        log.error({ err: describe(error) }, "resume-approval: checkpoint failed; the job will be retried");
        await waitAgain(started.id, `Sending the decided changes on stopped: the run could not save its progress (${describe(error)}). It goes on with the changes not yet sent.`).catch(() => {});
        throw error;
      } finally {
        stopHeartbeat();
      }

      if (report.status === "failed" && report.error?.transient && helpers.job.attempts < helpers.job.max_attempts) {
        const message = `Sending the decided changes on stopped: ${report.error.message.replace(/\.?$/, ".")} It goes on with the changes not yet sent.`;
        await waitAgain(started.id, message, report.error.nodeId);
        throw new Error(message);
      }
      if (report.status === "failed" || report.status === "cancelled") {
        await endRun(
          ref,
          notifier,
          report.status,
          report.error ? { message: report.error.message, ...(report.error.nodeId !== undefined && { nodeId: report.error.nodeId }) } : undefined,
          summarizeCounts({ recordsRead, errors: report.errorCount, nodes: report.nodes }, destinationIds),
        );
        log.warn({ runId: started.id, status: report.status, error: report.error?.message }, "resume-approval: the resumed branch did not go through");
        return;
      }

      const notices = await db.transaction(async (tx) => {
        const sets = await changeSetProgress(tx, started.id);
        const summary = summarizeCounts({ recordsRead, errors: report.errorCount, nodes: report.nodes }, destinationIds);
        let ended: Awaited<ReturnType<typeof announceRunEnd>> = [];
        if (sets.some((s) => s.pending > 0 || s.unapplied > 0)) {
          await tx.update(runs).set({ status: "awaiting_approval", heartbeatAt: null, counts: summary }).where(eq(runs.id, started.id));
          // Decided while this resume ran, behind where it had got to: another pass takes them.
          for (const s of sets) if (s.unapplied > 0) await enqueueResumeApproval(tx, s.id);
          const pending = sets.reduce((sum, s) => sum + s.pending, 0);
          await recordRunEvent(
            tx,
            started.id,
            "info",
            pending > 0
              ? `Decided changes sent on; ${plural(pending, "change")} still ${pending === 1 ? "waits" : "wait"} for approval.`
              : "Decided changes sent on; those decided meanwhile are sent on next.",
            { counts: summary, pending },
          );
        } else {
          const status = report.errorCount > 0 ? "succeeded_with_errors" : "succeeded";
          await tx.update(runs).set({ status, finishedAt: new Date(), heartbeatAt: null, error: null, counts: summary }).where(eq(runs.id, started.id));
          ended = await announceRunEnd(tx, ref, { status, counts: summary });
        }
        await closeDecidedChangeSets(tx, sets);
        await upsertRunNodes(tx, started.id, report.nodes);
        return ended;
      });
      await sendAlertNotices(notifier, notices);
      log.info({ runId: started.id, errors: report.errorCount, label }, "resume-approval: decided changes sent on");
    }
  };

  /** The run waits for decisions again (a resume that stops gives the run back); its log says why. */
  async function waitAgain(runId: string, why: string, nodeId?: string): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.update(runs).set({ status: "awaiting_approval", heartbeatAt: null }).where(and(eq(runs.id, runId), eq(runs.status, "running")));
      await recordRunEvent(tx, runId, "warn", why, nodeId !== undefined ? { nodeId } : undefined);
    });
  }

  /** The run ends, and with it the change sets still waiting (nothing will send them on); its log and the flow's alert follow. */
  async function endRun(run: RunRef, notifier: AlertNotifier, status: "failed" | "cancelled", error?: RunErrorDetails, counts?: RunCountsSummary): Promise<void> {
    const notices = await db.transaction(async (tx) => {
      await tx.update(runs).set({ status, finishedAt: new Date(), heartbeatAt: null, error: error ?? null }).where(eq(runs.id, run.id));
      await closeChangeSetsOfEndedRuns(tx, { runId: run.id });
      return announceRunEnd(tx, run, { status, error, counts });
    });
    await sendAlertNotices(notifier, notices);
  }

  /** The log line of a resume: what it sends on, from which approval step (none when an earlier pass sent it all). */
  async function resumedMessage(changeSetId: string, label: string): Promise<string | undefined> {
    const { rows } = await db.execute<{ approved: number; rejected: number; expired: number }>(sql`
      select count(*) filter (where status = 'approved')::int as approved, count(*) filter (where status = 'rejected')::int as rejected,
        count(*) filter (where status = 'expired')::int as expired
      from change_set_items where change_set_id = ${changeSetId} and status <> 'pending' and applied_at is null`);
    const { approved = 0, rejected = 0, expired = 0 } = rows[0] ?? {};
    if (approved + rejected + expired === 0) return undefined;
    const parts = [`${approved} approved`, `${rejected} rejected`, ...(expired > 0 ? [`${expired} expired (only marked)`] : [])];
    return `Resumed to send the decided changes of “${label}” on: ${parts.join(", ")}.`;
  }
}
