import { members, workspaces, type Database } from "@flowgate/db";
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
