import {
  changeSets,
  FINISHED_RUN_STATUSES,
  flows,
  flowVersions,
  recordErrors,
  runBatches,
  runEvents,
  runNodes,
  runs,
  runSamples,
  users,
  type RecordErrorStatus,
  type RunStatus,
  type RunTrigger,
} from "@flowgate/db";
import { closeChangeSetsOfEndedRuns } from "@flowgate/runtime/decisions";
import { enqueueRun } from "@flowgate/runtime/enqueue";
import { plural, recordRunEnded, recordRunEvent } from "@flowgate/runtime/history";
import { TRPCError } from "@trpc/server";
import { and, asc, count, desc, eq, gt, ilike, inArray, isNotNull, or, sql, type SQL } from "drizzle-orm";
import { escapeLike } from "./approvals";
import { recordAudit } from "./audit";
import { decodeTimeCursor, encodeTimeCursor } from "./paging";
import { findInWorkspace, type Scope } from "./scope";

function findRun(scope: Scope, runId: string) {
  return findInWorkspace(scope, runs, { id: runs.id, workspace: runs.workspaceId }, runId, "The run");
}

/** The caller's name as the run's log shows it ("Cancel asked by Erin."). */
async function nameOf(scope: Scope): Promise<string> {
  const [user] = await scope.db.select({ name: users.name }).from(users).where(eq(users.id, scope.userId));
  return user?.name ?? "Someone";
}

/** Starts the flow's published version now: a queued run and its job, in one transaction. */
export async function startRun(scope: Scope, flowId: string) {
  const flow = await findInWorkspace(scope, flows, { id: flows.id, workspace: flows.workspaceId }, flowId, "The flow");
  if (!flow.activeVersionId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Publish the flow first: a run always runs a published version, never the draft." });
  }
  const versionId = flow.activeVersionId;
  return scope.db.transaction(async (tx) => {
    const { runId } = await enqueueRun(tx, { workspaceId: scope.workspaceId, flowId: flow.id, flowVersionId: versionId, trigger: "manual", createdBy: scope.userId });
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "run.start", targetType: "run", targetId: runId, details: { flowId: flow.id, versionId } });
    return { runId };
  });
}

export interface ListRunsInput {
  flowId?: string;
  status?: RunStatus;
  trigger?: RunTrigger;
  from?: string;
  to?: string;
  /** Text in the flow's name, or a run's id. */
  search?: string;
  cursor?: string;
  limit: number;
}

/**
 * What a search matches: the run with that id, or the runs of the workspace's flows whose name
 * contains the text. The flows are looked up first (a workspace has tens of flows, not millions of
 * runs), so the runs are then found on an index however rare the match.
 */
async function searchCondition(scope: Scope, search: string): Promise<SQL> {
  const matching = await scope.db
    .select({ id: flows.id })
    .from(flows)
    .where(and(eq(flows.workspaceId, scope.workspaceId), ilike(flows.name, `%${escapeLike(search)}%`)));
  const byId = eq(runs.id, search);
  return matching.length > 0 ? or(byId, inArray(runs.flowId, matching.map((f) => f.id)))! : byId;
}

/** Newest first, in pages; the index on (workspace_id, created_at, id) or (flow_id, created_at, id) serves every page alike. */
export async function listRuns(scope: Scope, input: ListRunsInput) {
  const conditions: SQL[] = [eq(runs.workspaceId, scope.workspaceId)];
  if (input.search) conditions.push(await searchCondition(scope, input.search));
  if (input.flowId) conditions.push(eq(runs.flowId, input.flowId));
  if (input.status) conditions.push(eq(runs.status, input.status));
  if (input.trigger) conditions.push(eq(runs.trigger, input.trigger));
  if (input.from) conditions.push(sql`${runs.createdAt} >= ${input.from}::timestamptz`);
  if (input.to) conditions.push(sql`${runs.createdAt} < ${input.to}::timestamptz`);
  if (input.cursor) {
    const { at, id } = decodeTimeCursor(input.cursor, "the run list");
    conditions.push(sql`(${runs.createdAt}, ${runs.id}) < (${at}::timestamptz, ${id})`);
  }
  const rows = await scope.db
    .select({
      run: runs,
      cursorAt: sql<string>`${runs.createdAt}::text`,
      flowName: flows.name,
      versionNumber: flowVersions.number,
    })
    .from(runs)
    .innerJoin(flows, eq(flows.id, runs.flowId))
    .innerJoin(flowVersions, eq(flowVersions.id, runs.flowVersionId))
    .where(and(...conditions))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ run, flowName, versionNumber }) => ({ ...summary(run), flowName, versionNumber })),
    nextCursor: rows.length > input.limit && last ? encodeTimeCursor({ at: last.cursorAt, id: last.run.id }) : null,
  };
}

function summary(run: typeof runs.$inferSelect) {
  return {
    id: run.id,
    flowId: run.flowId,
    flowVersionId: run.flowVersionId,
    trigger: run.trigger,
    status: run.status,
    attempt: run.attempt,
    counts: run.counts,
    error: run.error ? { message: run.error.message, ...(run.error.nodeId !== undefined && { nodeId: run.error.nodeId }) } : null,
    cancelRequested: run.cancelRequested,
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

/** One run with its per-node stats (what reached each node, what left by each port, errors, time). */
export async function getRun(scope: Scope, runId: string) {
  const run = await findRun(scope, runId);
  const [meta] = await scope.db
    .select({ flowName: flows.name, versionNumber: flowVersions.number })
    .from(flows)
    .innerJoin(flowVersions, eq(flowVersions.id, run.flowVersionId))
    .where(eq(flows.id, run.flowId));
  const stats = await scope.db.select().from(runNodes).where(eq(runNodes.runId, run.id)).orderBy(asc(runNodes.nodeId), asc(runNodes.port));
  const [retryableCount] = await scope.db.select({ n: count() }).from(recordErrors).where(retryable(run.id));
  const [pending] = await scope.db
    .select({ id: changeSets.id })
    .from(changeSets)
    .where(and(eq(changeSets.runId, run.id), eq(changeSets.status, "pending")))
    .orderBy(asc(changeSets.createdAt))
    .limit(1);
  const nodes = new Map<string, { nodeId: string; in: number; out: Record<string, number>; errors: number; ms: number }>();
  for (const stat of stats) {
    let node = nodes.get(stat.nodeId);
    if (!node) nodes.set(stat.nodeId, (node = { nodeId: stat.nodeId, in: 0, out: {}, errors: 0, ms: 0 }));
    if (stat.port === "in") {
      node.in = stat.recordsIn;
      node.errors = stat.errors;
      node.ms = stat.ms;
    } else {
      node.out[stat.port] = stat.recordsOut;
    }
  }
  return {
    ...summary(run),
    error: run.error ?? null,
    flowName: meta?.flowName ?? "",
    versionNumber: meta?.versionNumber ?? 0,
    batchIndex: run.batchIndex,
    pendingChangeSetId: pending?.id ?? null,
    retryableErrors: retryableCount?.n ?? 0,
    nodes: [...nodes.values()],
  };
}

/**
 * Cancels a run. One that no worker holds (queued, awaiting approval) is cancelled at once, and the
 * changes it left waiting for approval expire with it; a running one is asked to stop, and stops at
 * its next batch boundary (the runtime closes its change sets then).
 */
export async function cancelRun(scope: Scope, runId: string) {
  const run = await findRun(scope, runId);
  const by = await nameOf(scope);
  const updated = await scope.db.transaction(async (tx) => {
    const [row] = await tx
    .update(runs)
    .set({
      cancelRequested: true,
      status: sql`case when ${runs.status} in ('queued', 'awaiting_approval') then 'cancelled' else ${runs.status} end`,
      finishedAt: sql`case when ${runs.status} in ('queued', 'awaiting_approval') then now() else ${runs.finishedAt} end`,
    })
    .where(and(eq(runs.id, run.id), inArray(runs.status, ["queued", "running", "awaiting_approval"])))
    .returning({ status: runs.status });
    if (row?.status === "cancelled") await closeChangeSetsOfEndedRuns(tx, { runId: run.id });
    if (row) {
      await recordRunEvent(tx, run.id, "info", `Cancel asked by ${by}.`, { by: scope.userId });
      // No worker holds it: it ends here, and its log says so as a worker's would.
      if (row.status === "cancelled") await recordRunEnded(tx, run.id, { status: "cancelled", counts: run.counts });
    }
    return row;
  });
  if (!updated) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `This run has already ended (${run.status.replace(/_/g, " ")}); there is nothing to cancel.` });
  }
  await recordAudit(scope.db, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "run.cancel", targetType: "run", targetId: run.id });
  return { runId: run.id, status: updated.status };
}

/** Says, for a run that is still going, that a retry has to wait; a retry of a live run would race it. */
function requireEnded(run: typeof runs.$inferSelect, what: string): void {
  if (!FINISHED_RUN_STATUSES.includes(run.status)) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `This run is still ${run.status.replace(/_/g, " ")}, so it cannot be ${what} yet. Wait for it to end, or cancel it first.`,
    });
  }
}

/**
 * Runs the flow again from the start, as a new run that points back at this one: with the version
 * this run ran ("same") or the flow's published one ("latest"). A webhook run reads the same request again.
 */
export async function retryRun(scope: Scope, input: { runId: string; version: "same" | "latest" }) {
  const run = await findRun(scope, input.runId);
  requireEnded(run, "retried");
  const by = await nameOf(scope);
  let versionId = run.flowVersionId;
  if (input.version === "latest") {
    const [flow] = await scope.db.select({ activeVersionId: flows.activeVersionId }).from(flows).where(eq(flows.id, run.flowId));
    if (!flow?.activeVersionId) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The flow has no published version any more. Publish it, or retry with the version this run used." });
    }
    versionId = flow.activeVersionId;
  }
  return scope.db.transaction(async (tx) => {
    const { runId } = await enqueueRun(tx, {
      workspaceId: scope.workspaceId,
      flowId: run.flowId,
      flowVersionId: versionId,
      // A person started it; a webhook run's retry still reads the request it was sent.
      trigger: "manual",
      webhookDeliveryId: run.webhookDeliveryId,
      createdBy: scope.userId,
      retryOf: run.id,
    });
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "run.retry",
      targetType: "run",
      targetId: runId,
      details: { retryOf: run.id, version: input.version, versionId },
    });
    await recordRunEvent(tx, run.id, "info", `Retry from the start (${input.version === "same" ? "the same version" : "the latest version"}) started by ${by} as run ${runId}.`, {
      by: scope.userId,
      retryRunId: runId,
      version: input.version,
      versionId,
    });
    return { runId };
  });
}

/** Open dead letters a "failed-records" run can send again: those stored with their record. */
const retryable = (runId: string) => and(eq(recordErrors.runId, runId), eq(recordErrors.status, "open"), isNotNull(recordErrors.record));

/**
 * Sends this run's open dead letters again (these `ids`, or all of them), into the steps they
 * failed in, as a new run pinned to the same version. The new run claims what it retries
 * (record_errors.retried_by = its id, status still open): the runtime replays exactly the claimed
 * ones and marks them retried as it checkpoints. The run row is locked meanwhile, so two clicks
 * make one retry; a claim left by an earlier retry that ended without sending them is taken over.
 */
export async function retryFailedRecords(scope: Scope, input: { runId: string; ids?: number[] }) {
  const run = await findRun(scope, input.runId);
  requireEnded(run, "retried");
  const by = await nameOf(scope);
  const chosen = input.ids ? [...new Set(input.ids)] : undefined;
  return scope.db.transaction(async (tx) => {
    await tx.select({ id: runs.id }).from(runs).where(eq(runs.id, run.id)).for("update");
    const [pending] = await tx
      .select({ id: runs.id })
      .from(runs)
      .where(and(eq(runs.retryOf, run.id), eq(runs.mode, "failed-records"), inArray(runs.status, ["queued", "running"])))
      .limit(1);
    if (pending) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "A retry of this run's failed records is already queued or running. Wait for it to end." });
    }
    const claimable = chosen ? and(retryable(run.id), inArray(recordErrors.id, chosen)) : retryable(run.id);
    if (chosen) {
      // Locked, so a dismissal at the same moment waits and cannot leave the claim short.
      const found = new Set((await tx.select({ id: recordErrors.id }).from(recordErrors).where(claimable).for("update")).map((r) => r.id));
      const refused = chosen.filter((id) => !found.has(id));
      if (refused.length > 0) {
        const list = refused.slice(0, 10).join(", ") + (refused.length > 10 ? ` and ${refused.length - 10} more` : "");
        throw new TRPCError({
          code: "BAD_REQUEST",
          message:
            `${refused.length === 1 ? "One of the chosen failed records" : `${refused.length} of the chosen failed records`} (${list}) cannot be retried: ` +
            "retried or dismissed already, stored without the record, or not this run's. Reload the errors and choose again.",
        });
      }
    }
    const noneLeft = () =>
      new TRPCError({
        code: "BAD_REQUEST",
        message:
          "This run has no failed records left to retry: they were retried or dismissed already, or it had none. To run everything again, use “Retry” instead.",
      });
    if (!chosen) {
      const [open] = await tx.select({ n: count() }).from(recordErrors).where(claimable);
      if (!open?.n) throw noneLeft();
    }
    const { runId: retryId } = await enqueueRun(tx, {
      workspaceId: scope.workspaceId,
      flowId: run.flowId,
      flowVersionId: run.flowVersionId,
      trigger: "manual",
      createdBy: scope.userId,
      retryOf: run.id,
      mode: "failed-records",
    });
    const claimed = await tx.update(recordErrors).set({ retriedBy: retryId }).where(claimable);
    const records = claimed.rowCount ?? 0;
    // All dismissed since they were counted (chosen ones are locked above): no run for nothing.
    if (records === 0) throw noneLeft();
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "run.retryFailed",
      targetType: "run",
      targetId: retryId,
      details: { retryOf: run.id, records, ...(chosen && { ids: chosen }) },
    });
    await recordRunEvent(tx, run.id, "info", `Retry of ${plural(records, "failed record")}${chosen ? " (chosen)" : ""} started by ${by} as run ${retryId}.`, {
      by: scope.userId,
      retryRunId: retryId,
      records,
    });
    return { runId: retryId, records };
  });
}

/** A position in a list kept in the order of a number column (an id, a batch index); opaque to the client. */
function decodeNumberCursor(cursor: string, list: string): number {
  const n = Number(cursor);
  if (cursor.trim() === "" || !Number.isSafeInteger(n)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `This page of ${list} is no longer valid. Reload it.` });
  }
  return n;
}

/** The run's log, oldest first, in pages (keyset on the (run_id, id) index). */
export async function runEventsOf(scope: Scope, input: { runId: string; cursor?: string; limit: number }) {
  const run = await findRun(scope, input.runId);
  const conditions: SQL[] = [eq(runEvents.runId, run.id)];
  if (input.cursor) conditions.push(gt(runEvents.id, decodeNumberCursor(input.cursor, "the run's log")));
  const rows = await scope.db
    .select()
    .from(runEvents)
    .where(and(...conditions))
    .orderBy(asc(runEvents.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((e) => ({ id: e.id, level: e.level, message: e.message, details: e.details ?? null, at: e.at.toISOString() })),
    nextCursor: rows.length > input.limit ? String(page.at(-1)!.id) : null,
  };
}

/** The run's batches in order, in pages (keyset on the (run_id, batch_index) key). */
export async function runBatchesOf(scope: Scope, input: { runId: string; cursor?: string; limit: number }) {
  const run = await findRun(scope, input.runId);
  const conditions: SQL[] = [eq(runBatches.runId, run.id)];
  if (input.cursor) conditions.push(gt(runBatches.batchIndex, decodeNumberCursor(input.cursor, "the run's timeline")));
  const rows = await scope.db
    .select()
    .from(runBatches)
    .where(and(...conditions))
    .orderBy(asc(runBatches.batchIndex))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((b) => ({ batchIndex: b.batchIndex, records: b.records, errors: b.errors, ms: b.ms, finishedAt: b.finishedAt.toISOString() })),
    nextCursor: rows.length > input.limit ? String(page.at(-1)!.batchIndex) : null,
  };
}

/** The first records that left a node by a port in this run (none when nothing did). */
export async function runSamplesOf(scope: Scope, input: { runId: string; nodeId: string; port: string }) {
  const run = await findRun(scope, input.runId);
  const [sample] = await scope.db
    .select({ records: runSamples.records, createdAt: runSamples.createdAt })
    .from(runSamples)
    .where(and(eq(runSamples.runId, run.id), eq(runSamples.nodeId, input.nodeId), eq(runSamples.port, input.port)));
  return { nodeId: input.nodeId, port: input.port, records: sample?.records ?? [], takenAt: sample?.createdAt.toISOString() ?? null };
}

export interface RunErrorsInput {
  runId: string;
  status?: RecordErrorStatus;
  nodeId?: string;
  cursor?: string;
  limit: number;
}

/** The run's dead letters in the order they arose, in pages (keyset on the (run_id, id) index: every page costs the same). */
export async function runErrors(scope: Scope, input: RunErrorsInput) {
  const run = await findRun(scope, input.runId);
  const conditions: SQL[] = [eq(recordErrors.runId, run.id)];
  if (input.status) conditions.push(eq(recordErrors.status, input.status));
  if (input.nodeId) conditions.push(eq(recordErrors.nodeId, input.nodeId));
  if (input.cursor) conditions.push(gt(recordErrors.id, decodeNumberCursor(input.cursor, "failed records")));
  const rows = await scope.db
    .select()
    .from(recordErrors)
    .where(and(...conditions))
    .orderBy(asc(recordErrors.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((e) => ({
      id: e.id,
      nodeId: e.nodeId,
      batchIndex: e.batchIndex,
      index: e.index,
      key: e.key,
      message: e.message,
      record: (e.record as Record<string, unknown> | null) ?? null,
      status: e.status,
      attempt: e.attempt,
      retriedBy: e.retriedBy,
      createdAt: e.createdAt.toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? String(last.id) : null,
  };
}

/** Marks open dead letters as dismissed (these ids, or all of the run's): retryFailed then leaves them alone. */
export async function dismissErrors(scope: Scope, input: { runId: string; ids?: number[] }) {
  const run = await findRun(scope, input.runId);
  const by = await nameOf(scope);
  const conditions: SQL[] = [eq(recordErrors.runId, run.id), eq(recordErrors.status, "open")];
  if (input.ids) conditions.push(inArray(recordErrors.id, input.ids));
  const dismissed = await scope.db.transaction(async (tx) => {
    const rows = await tx.update(recordErrors).set({ status: "dismissed" }).where(and(...conditions)).returning({ id: recordErrors.id });
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "run.dismissErrors",
      targetType: "run",
      targetId: run.id,
      details: { dismissed: rows.length, ...(input.ids && { ids: input.ids }) },
    });
    if (rows.length > 0) {
      await recordRunEvent(tx, run.id, "info", `${plural(rows.length, "failed record")} dismissed by ${by}: a retry of the failed records leaves ${rows.length === 1 ? "it" : "them"} out.`, {
        by: scope.userId,
        dismissed: rows.length,
      });
    }
    return rows.length;
  });
  return { dismissed };
}
