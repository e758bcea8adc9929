import { members, workspaces, workspaceSettings, type Database } from "@flowgate/db";
import { asc, eq } from "drizzle-orm";
import { recordAudit } from "./audit";
import { notFound, type Scope } from "./scope";

export async function listWorkspaces(db: Database, userId: string, activeId: string) {
  const rows = await db
    .select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug, role: members.role })
    .from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.organizationId))
    .where(eq(members.userId, userId))
    .orderBy(asc(workspaces.name));
  return rows.map((r) => ({ ...r, active: r.id === activeId }));
}

export async function currentWorkspace(scope: Scope) {
  const [row] = await scope.db.select({ id: workspaces.id, name: workspaces.name, slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, scope.workspaceId));
  if (!row) throw notFound("The workspace");
  return { ...row, role: scope.role };
}

export async function renameWorkspace(scope: Scope, name: string) {
  await scope.db.transaction(async (tx) => {
    await tx.update(workspaces).set({ name }).where(eq(workspaces.id, scope.workspaceId));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "workspace.rename", targetType: "workspace", targetId: scope.workspaceId, details: { name } });
  });
  return { id: scope.workspaceId, name };
}

/** History kept in a workspace that never changed the setting: the column's default, which prune-history reads too. */
const DEFAULT_RETENTION_DAYS = workspaceSettings.retentionDays.default as number;

/** The workspace's own settings; a workspace that never saved them has the defaults. */
export async function workspaceSettingsOf(scope: Scope) {
  const [row] = await scope.db.select({ retentionDays: workspaceSettings.retentionDays }).from(workspaceSettings).where(eq(workspaceSettings.workspaceId, scope.workspaceId));
  return { retentionDays: row?.retentionDays ?? DEFAULT_RETENTION_DAYS };
}

/** How long run history (samples, dead letters, lineage, webhook bodies) is kept; prune-history applies it at its next daily pass. */
export async function updateWorkspaceSettings(scope: Scope, input: { retentionDays: number }) {
  return scope.db.transaction(async (tx) => {
    const [before] = await tx.select({ retentionDays: workspaceSettings.retentionDays }).from(workspaceSettings).where(eq(workspaceSettings.workspaceId, scope.workspaceId));
    await tx
      .insert(workspaceSettings)
      .values({ workspaceId: scope.workspaceId, retentionDays: input.retentionDays })
      .onConflictDoUpdate({ target: workspaceSettings.workspaceId, set: { retentionDays: input.retentionDays, updatedAt: new Date() } });
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "workspace.settings",
      targetType: "workspace",
      targetId: scope.workspaceId,
      details: { retentionDays: { from: before?.retentionDays ?? DEFAULT_RETENTION_DAYS, to: input.retentionDays } },
    });
    return { retentionDays: input.retentionDays };
  });
}
