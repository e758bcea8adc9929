import { dryRuns, flows, flowSchedules, flowVersions, newId, runs, users, type DryRunOptions, type DryRunResult, type DryRunStatus } from "@flowgate/db";
import { emptyFlow, upgradeFlow, validateFlow, type Flow, type FlowProblem } from "@flowgate/flow";
import { addDryRunJob } from "@flowgate/runtime/enqueue";
import { syncSchedule } from "@flowgate/runtime/schedules";
import { TRPCError } from "@trpc/server";
import { and, desc, eq, max, sql } from "drizzle-orm";
import { recordAudit } from "./audit";
import { findInWorkspace, notFound, type Scope } from "./scope";

function findFlow(scope: Scope, flowId: string) {
  return findInWorkspace(scope, flows, { id: flows.id, workspace: flows.workspaceId }, flowId, "The flow");
}

/** An old document always opens: upgrade it when we can, keep it as stored when we cannot. */
export function openDocument(document: unknown): unknown {
  try {
    return upgradeFlow(document);
  } catch {
    return document;
  }
}

function triggerKindOf(document: unknown): string | null {
  const nodes = (document as { nodes?: { kind?: unknown; disabled?: unknown }[] } | null)?.nodes;
  if (!Array.isArray(nodes)) return null;
  const trigger = nodes.find((n) => typeof n?.kind === "string" && n.kind.startsWith("trigger.") && !n.disabled);
  return (trigger?.kind as string | undefined) ?? null;
}

/** Newest change first, each with its last run and next scheduled slot, in one statement. */
export async function listFlows(scope: Scope) {
  const lastRun = scope.db
    .select({ id: runs.id, status: runs.status, createdAt: runs.createdAt })
    .from(runs)
    .where(eq(runs.flowId, flows.id))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(1)
    .as("last_run");
  const rows = await scope.db
    .select({
      flow: flows,
      activeVersionNumber: flowVersions.number,
      activeVersionCreatedAt: flowVersions.createdAt,
      lastRun: { id: lastRun.id, status: lastRun.status, createdAt: lastRun.createdAt },
      // Only enabled flows whose published version has a schedule trigger have a row (syncSchedule).
      nextRunAt: flowSchedules.nextRunAt,
    })
    .from(flows)
    .leftJoin(flowVersions, eq(flowVersions.id, flows.activeVersionId))
    .leftJoinLateral(lastRun, sql`true`)
    .leftJoin(flowSchedules, eq(flowSchedules.flowId, flows.id))
    .where(eq(flows.workspaceId, scope.workspaceId))
    .orderBy(desc(flows.updatedAt));
  return rows.map(({ flow, activeVersionNumber, activeVersionCreatedAt, lastRun, nextRunAt }) => ({
    id: flow.id,
    name: flow.name,
    enabled: flow.enabled,
    activeVersionNumber: activeVersionNumber ?? null,
    hasUnpublishedChanges: activeVersionCreatedAt == null || flow.draftUpdatedAt > activeVersionCreatedAt,
    triggerKind: triggerKindOf(flow.draft),
    updatedAt: flow.updatedAt.toISOString(),
    lastRun: lastRun ? { id: lastRun.id, status: lastRun.status, createdAt: lastRun.createdAt.toISOString() } : null,
    nextRunAt: nextRunAt?.toISOString() ?? null,
  }));
}

export async function getFlow(scope: Scope, flowId: string) {
  const flow = await findFlow(scope, flowId);
  const draft = openDocument(flow.draft);
  const activeVersion = flow.activeVersionId
    ? (await scope.db.select({ number: flowVersions.number, createdAt: flowVersions.createdAt }).from(flowVersions).where(eq(flowVersions.id, flow.activeVersionId)))[0]
    : undefined;
  const savedBy = flow.draftUpdatedBy ? (await scope.db.select({ name: users.name }).from(users).where(eq(users.id, flow.draftUpdatedBy)))[0] : undefined;
  return {
    id: flow.id,
    name: flow.name,
    enabled: flow.enabled,
    draft,
    problems: validateFlow(draft, scope.registry).problems,
    activeVersionId: flow.activeVersionId,
    activeVersionNumber: activeVersion?.number ?? null,
    hasUnpublishedChanges: !activeVersion || flow.draftUpdatedAt > activeVersion.createdAt,
    updatedAt: flow.updatedAt.toISOString(),
    revision: flow.draftRevision,
    draftUpdatedAt: flow.draftUpdatedAt.toISOString(),
    draftUpdatedByName: savedBy?.name ?? null,
  };
}

export async function createFlow(scope: Scope, input: { name: string; document?: Flow }) {
  const id = newId();
  await scope.db.transaction(async (tx) => {
    await tx.insert(flows).values({ id, workspaceId: scope.workspaceId, name: input.name, draft: input.document ?? emptyFlow(), createdBy: scope.userId });
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "flow.create", targetType: "flow", targetId: id, details: { name: input.name } });
  });
  return { id };
}

export async function renameFlow(scope: Scope, input: { flowId: string; name: string }) {
  const flow = await findFlow(scope, input.flowId);
  await scope.db.transaction(async (tx) => {
    await tx.update(flows).set({ name: input.name, updatedAt: new Date() }).where(eq(flows.id, flow.id));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "flow.rename", targetType: "flow", targetId: flow.id, details: { from: flow.name, to: input.name } });
  });
  return { id: flow.id, name: input.name };
}

export async function deleteFlow(scope: Scope, flowId: string) {
  const flow = await findFlow(scope, flowId);
  await scope.db.transaction(async (tx) => {
    await tx.delete(flows).where(eq(flows.id, flow.id));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "flow.delete", targetType: "flow", targetId: flow.id, details: { name: flow.name } });
  });
  return { id: flow.id };
}

/**
 * Stores the draft even when it does not validate (work in progress) and returns its problems. The
 * revision check and the write are one statement, so of two saves from the same revision exactly one
 * wins; the other is told who saved and when.
 */
export async function saveDraft(scope: Scope, input: { flowId: string; document: unknown; baseRevision: number }): Promise<{ problems: FlowProblem[]; revision: number; savedAt: string }> {
  const now = new Date();
  const [saved] = await scope.db
    .update(flows)
    .set({ draft: input.document as Flow, draftRevision: sql`${flows.draftRevision} + 1`, draftUpdatedAt: now, draftUpdatedBy: scope.userId, updatedAt: now })
    .where(and(eq(flows.id, input.flowId), eq(flows.workspaceId, scope.workspaceId), eq(flows.draftRevision, input.baseRevision)))
    .returning({ revision: flows.draftRevision, savedAt: flows.draftUpdatedAt });
  if (!saved) throw await staleSave(scope, input.flowId);
  return { problems: validateFlow(input.document, scope.registry).problems, revision: saved.revision, savedAt: saved.savedAt.toISOString() };
}

/** Why a save matched no row: the flow is not there (NOT_FOUND), or someone saved since (CONFLICT, naming them). */
async function staleSave(scope: Scope, flowId: string): Promise<TRPCError> {
  const [current] = await scope.db
    .select({ savedAt: flows.draftUpdatedAt, byId: flows.draftUpdatedBy, byName: users.name, draft: flows.draft })
    .from(flows)
    .leftJoin(users, eq(users.id, flows.draftUpdatedBy))
    .where(and(eq(flows.id, flowId), eq(flows.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!current) return notFound("The flow");
  const when = describeTime(current.savedAt, timezoneOf(current.draft));
  const who =
    current.byId === scope.userId
      ? `You saved this flow ${when} in another tab or window`
      : `${current.byName ?? "Someone"} saved this flow ${when}`;
  return new TRPCError({
    code: "CONFLICT",
    message: `${who}, after you opened it. Reload to see their version, or save again to replace it with yours.`,
  });
}

function timezoneOf(document: unknown): string {
  const timezone = (document as { settings?: { timezone?: unknown } } | null)?.settings?.timezone;
  return typeof timezone === "string" ? timezone : "UTC";
}

/** "at 14:03:12 UTC" in the flow's time zone, with the day when it was not in the last twelve hours. */
function describeTime(at: Date, timezone: string, now = new Date()): string {
  const format = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: timezone }).format(at);
    } catch {
      return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(at);
    }
  };
  const time = format({ hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZoneName: "short" });
  return now.getTime() - at.getTime() > 12 * 3_600_000 ? `on ${format({ day: "numeric", month: "short" })} at ${time}` : `at ${time}`;
}

export async function publishFlow(scope: Scope, input: { flowId: string; message?: string }) {
  const flow = await findFlow(scope, input.flowId);
  const result = validateFlow(openDocument(flow.draft), scope.registry);
  if (!result.ok || !result.flow) {
    const list = result.problems.map((p) => `• ${p.message}`).join("\n");
    throw new TRPCError({ code: "BAD_REQUEST", message: `The flow has ${result.problems.length} problem(s) to fix before it can be published:\n${list}` });
  }
  const document = result.flow;
  return scope.db.transaction(async (tx) => {
    // Lock the flow row so two publishes at once get consecutive numbers.
    await tx.select({ id: flows.id }).from(flows).where(eq(flows.id, flow.id)).for("update");
    const [last] = await tx.select({ number: max(flowVersions.number) }).from(flowVersions).where(eq(flowVersions.flowId, flow.id));
    const number = (last?.number ?? 0) + 1;
    const versionId = newId();
    await tx.insert(flowVersions).values({
      id: versionId,
      flowId: flow.id,
      workspaceId: scope.workspaceId,
      number,
      document,
      message: input.message ?? null,
      authorId: scope.userId,
    });
    await tx.update(flows).set({ activeVersionId: versionId, updatedAt: new Date() }).where(eq(flows.id, flow.id));
    await syncSchedule(tx, flow.id);
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "flow.publish", targetType: "flow", targetId: flow.id, details: { versionId, number } });
    return { versionId, number };
  });
}

export async function listVersions(scope: Scope, flowId: string) {
  const flow = await findFlow(scope, flowId);
  const rows = await scope.db
    .select({ id: flowVersions.id, number: flowVersions.number, message: flowVersions.message, authorName: users.name, createdAt: flowVersions.createdAt })
    .from(flowVersions)
    .leftJoin(users, eq(users.id, flowVersions.authorId))
    .where(eq(flowVersions.flowId, flow.id))
    .orderBy(desc(flowVersions.number));
  return rows.map((r) => ({ ...r, authorName: r.authorName ?? null, createdAt: r.createdAt.toISOString() }));
}

export async function getVersion(scope: Scope, input: { flowId: string; versionId: string }) {
  const flow = await findFlow(scope, input.flowId);
  const [version] = await scope.db
    .select()
    .from(flowVersions)
    .where(and(eq(flowVersions.id, input.versionId), eq(flowVersions.flowId, flow.id)))
    .limit(1);
  if (!version) throw notFound("That version");
  return { id: version.id, number: version.number, message: version.message, document: version.document, createdAt: version.createdAt.toISOString() };
}

export async function setFlowEnabled(scope: Scope, input: { flowId: string; enabled: boolean }) {
  const flow = await findFlow(scope, input.flowId);
  if (input.enabled && !flow.activeVersionId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Publish the flow before enabling it: only a published version runs." });
  }
  await scope.db.transaction(async (tx) => {
    await tx.update(flows).set({ enabled: input.enabled, updatedAt: new Date() }).where(eq(flows.id, flow.id));
    await syncSchedule(tx, flow.id);
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: input.enabled ? "flow.enable" : "flow.disable", targetType: "flow", targetId: flow.id });
  });
  return { id: flow.id, enabled: input.enabled };
}

const COPY_SUFFIX = / \(copy(?: \d+)?\)$/;

/** A new, disabled flow with the draft of this one and no versions, named “<name> (copy)” or “(copy 2)”… */
export async function duplicateFlow(scope: Scope, flowId: string): Promise<{ id: string; name: string }> {
  const flow = await findFlow(scope, flowId);
  const taken = new Set((await scope.db.select({ name: flows.name }).from(flows).where(eq(flows.workspaceId, scope.workspaceId))).map((r) => r.name));
  const name = copyName(flow.name, taken);
  const id = newId();
  const now = new Date();
  await scope.db.transaction(async (tx) => {
    await tx.insert(flows).values({
      id,
      workspaceId: scope.workspaceId,
      name,
      draft: flow.draft,
      enabled: false,
      createdBy: scope.userId,
      draftUpdatedAt: now,
      draftUpdatedBy: scope.userId,
    });
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "flow.duplicate", targetType: "flow", targetId: id, details: { from: flow.id, name } });
  });
  return { id, name };
}

/** “Prices (copy)”, then “Prices (copy 2)”…; copying a copy counts on from its original's name. */
export function copyName(original: string, taken: ReadonlySet<string>, maxLength = 120): string {
  const base = original.replace(COPY_SUFFIX, "");
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? " (copy)" : ` (copy ${n})`;
    const name = `${base.slice(0, maxLength - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(name)) return name;
  }
}

/** The version's document becomes the draft (a new revision); the published version and the enabled state stay. */
export async function restoreVersion(scope: Scope, input: { flowId: string; versionId: string }): Promise<{ revision: number }> {
  const flow = await findFlow(scope, input.flowId);
  const [version] = await scope.db
    .select({ id: flowVersions.id, number: flowVersions.number, document: flowVersions.document })
    .from(flowVersions)
    .where(and(eq(flowVersions.id, input.versionId), eq(flowVersions.flowId, flow.id)))
    .limit(1);
  if (!version) throw notFound("That version");
  return scope.db.transaction(async (tx) => {
    const now = new Date();
    const [restored] = await tx
      .update(flows)
      .set({ draft: version.document, draftRevision: sql`${flows.draftRevision} + 1`, draftUpdatedAt: now, draftUpdatedBy: scope.userId, updatedAt: now })
      .where(eq(flows.id, flow.id))
      .returning({ revision: flows.draftRevision });
    if (!restored) throw notFound("The flow");
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "flow.restore",
      targetType: "flow",
      targetId: flow.id,
      details: { versionId: version.id, number: version.number },
    });
    return { revision: restored.revision };
  });
}

/**
 * Queues a dry run of the given document (the editor's draft, valid or not: the worker reports its
 * problems as the dry run's failure) and its `dry-run` job, in one transaction.
 */
export async function startDryRun(
  scope: Scope,
  input: { flowId: string; document: unknown; limit: number; nodeId?: string; input?: Record<string, unknown>[] },
): Promise<{ dryRunId: string }> {
  const flow = await findFlow(scope, input.flowId);
  if (input.nodeId !== undefined && !nodeIdsOf(openDocument(input.document)).has(input.nodeId)) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `The step “${input.nodeId}” is not in this flow (it may have been deleted or pasted in after the last save). Select the step on the canvas and test it again.`,
    });
  }
  const options: DryRunOptions = {
    limit: input.limit,
    ...(input.nodeId !== undefined && { nodeId: input.nodeId }),
    ...(input.input !== undefined && { input: input.input }),
  };
  const dryRunId = newId();
  await scope.db.transaction(async (tx) => {
    await tx.insert(dryRuns).values({ id: dryRunId, workspaceId: scope.workspaceId, flowId: flow.id, document: input.document as Flow, options, createdBy: scope.userId });
    await addDryRunJob(tx, dryRunId);
  });
  return { dryRunId };
}

function nodeIdsOf(document: unknown): Set<string> {
  const nodes = (document as { nodes?: { id?: unknown }[] } | null)?.nodes;
  return new Set(Array.isArray(nodes) ? nodes.map((n) => n?.id).filter((id): id is string => typeof id === "string") : []);
}

/** A dry run that started this long ago and is still running lost its worker (a dry run reads at most 1,000 records). */
const DRY_RUN_STALE_MS = 10 * 60_000;

export async function getDryRun(scope: Scope, dryRunId: string): Promise<{
  id: string; flowId: string; status: DryRunStatus; options: DryRunOptions; result: DryRunResult | null; error: string | null; createdAt: string; finishedAt: string | null;
}> {
  const row = await findInWorkspace(scope, dryRuns, { id: dryRuns.id, workspace: dryRuns.workspaceId }, dryRunId, "The dry run");
  const stale = row.status === "running" && row.startedAt !== null && Date.now() - row.startedAt.getTime() > DRY_RUN_STALE_MS;
  return {
    id: row.id,
    flowId: row.flowId,
    status: stale ? "failed" : row.status,
    options: row.options,
    result: row.result ?? null,
    error: stale ? "The worker running this dry run stopped before it finished (it may have been restarted). Start the dry run again." : row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}
