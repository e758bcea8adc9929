import { flows, flowVersions, runNodes, runs, type RunStatus } from "@flowgate/db";
import { enqueueRun } from "@flowgate/runtime/enqueue";
import { TRPCError } from "@trpc/server";
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { recordAudit } from "./audit";
import { findInWorkspace, type Scope } from "./scope";

function findRun(scope: Scope, runId: string) {
  return findInWorkspace(scope, runs, { id: runs.id, workspace: runs.workspaceId }, runId, "The run");
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

/** A position in the list: the last run shown, by its exact created_at (microseconds, as PostgreSQL prints it) and id. */
interface ListCursor {
  at: string;
  id: string;
}

function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url");
}

function decodeCursor(cursor: string): ListCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof at === "string" && typeof id === "string" && !Number.isNaN(Date.parse(at))) return { at, id };
  } catch {
    // fall through
  }
  throw new TRPCError({ code: "BAD_REQUEST", message: "This page of runs is no longer valid. Reload the run list." });
}

export interface ListRunsInput {
  flowId?: string;
  status?: RunStatus;
  cursor?: string;
  limit: number;
}

/** Newest first, in pages; the index on (workspace_id, created_at, id) or (flow_id, created_at, id) serves every page alike. */
export async function listRuns(scope: Scope, input: ListRunsInput) {
  const conditions: SQL[] = [eq(runs.workspaceId, scope.workspaceId)];
  if (input.flowId) conditions.push(eq(runs.flowId, input.flowId));
  if (input.status) conditions.push(eq(runs.status, input.status));
  if (input.cursor) {
    const { at, id } = decodeCursor(input.cursor);
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
    nextCursor: rows.length > input.limit && last ? encodeCursor({ at: last.cursorAt, id: last.run.id }) : null,
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
    nodes: [...nodes.values()],
  };
}

/**
 * Cancels a run. One that no worker holds (queued, awaiting approval) is cancelled at once; a running
 * one is asked to stop, and stops at its next batch boundary.
 */
export async function cancelRun(scope: Scope, runId: string) {
  const run = await findRun(scope, runId);
  const [updated] = await scope.db
    .update(runs)
    .set({
      cancelRequested: true,
      status: sql`case when ${runs.status} in ('queued', 'awaiting_approval') then 'cancelled' else ${runs.status} end`,
      finishedAt: sql`case when ${runs.status} in ('queued', 'awaiting_approval') then now() else ${runs.finishedAt} end`,
    })
    .where(and(eq(runs.id, run.id), inArray(runs.status, ["queued", "running", "awaiting_approval"])))
    .returning({ status: runs.status });
  if (!updated) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `This run has already ended (${run.status.replace(/_/g, " ")}); there is nothing to cancel.` });
  }
  await recordAudit(scope.db, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "run.cancel", targetType: "run", targetId: run.id });
  return { runId: run.id, status: updated.status };
}
