import { hashToken, invitations, members, newId, newToken, users, type Database, type Role } from "@flowgate/db";
import { TRPCError } from "@trpc/server";
import { and, asc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { hasRole } from "../trpc";
import { recordAudit } from "./audit";
import { findInWorkspace, notFound, type Scope } from "./scope";

const INVITATION_DAYS = 7;

export async function listMembers(scope: Scope) {
  const memberRows = await scope.db
    .select({ id: members.id, userId: members.userId, role: members.role, createdAt: members.createdAt, name: users.name, email: users.email })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(eq(members.organizationId, scope.workspaceId))
    .orderBy(asc(members.createdAt));
  const canManage = hasRole(scope.role, "admin");
  const pending = canManage
    ? await scope.db
        .select()
        .from(invitations)
        .where(
          and(eq(invitations.organizationId, scope.workspaceId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())),
        )
        .orderBy(asc(invitations.createdAt))
    : [];
  return {
    members: memberRows.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })),
    invitations: pending.map((i) => ({ id: i.id, role: i.role, email: i.email, expiresAt: i.expiresAt.toISOString(), token: i.token })),
    myRole: scope.role,
  };
}

export async function createInvitation(scope: Scope, input: { role: Role; email?: string }) {
  if (input.role === "owner" && scope.role !== "owner") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can invite another owner." });
  }
  const token = newToken();
  const id = newId();
  await scope.db.transaction(async (tx) => {
    await tx.insert(invitations).values({
      id,
      organizationId: scope.workspaceId,
      tokenHash: hashToken(token),
      token,
      role: input.role,
      email: input.email?.toLowerCase() ?? null,
      inviterId: scope.userId,
      expiresAt: new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000),
    });
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "member.invite", targetType: "invitation", targetId: id, details: { role: input.role, email: input.email ?? null } });
  });
  return { id, token };
}

export async function revokeInvitation(scope: Scope, invitationId: string) {
  const [row] = await scope.db
    .select({ id: invitations.id })
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.organizationId, scope.workspaceId)))
    .limit(1);
  if (!row) throw notFound("The invitation");
  await scope.db.transaction(async (tx) => {
    await tx.update(invitations).set({ revokedAt: new Date(), status: "canceled", token: null }).where(eq(invitations.id, row.id));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "member.revoke_invite", targetType: "invitation", targetId: row.id });
  });
  return { id: row.id };
}

function findMember(scope: Scope, memberId: string) {
  return findInWorkspace(scope, members, { id: members.id, workspace: members.organizationId }, memberId, "The member");
}

async function otherOwnerCount(db: Pick<Database, "select">, workspaceId: string, exceptMemberId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(members)
    .where(and(eq(members.organizationId, workspaceId), eq(members.role, "owner"), ne(members.id, exceptMemberId)));
  return row?.n ?? 0;
}

function assertMayTouch(scope: Scope, target: { role: Role }, newRole?: Role) {
  // Admins manage editors and viewers (and other admins); owners are managed by owners only.
  if ((target.role === "owner" || newRole === "owner") && scope.role !== "owner") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can change or remove an owner, or make someone an owner." });
  }
}

export async function changeRole(scope: Scope, input: { memberId: string; role: Role }) {
  const target = await findMember(scope, input.memberId);
  assertMayTouch(scope, target, input.role);
  await scope.db.transaction(async (tx) => {
    await tx.select({ id: members.id }).from(members).where(eq(members.organizationId, scope.workspaceId)).for("update");
    if (target.role === "owner" && input.role !== "owner" && (await otherOwnerCount(tx, scope.workspaceId, target.id)) === 0) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "A workspace needs at least one owner. Make someone else owner first." });
    }
    await tx.update(members).set({ role: input.role }).where(eq(members.id, target.id));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "member.change_role", targetType: "member", targetId: target.id, details: { from: target.role, to: input.role } });
  });
  return { id: target.id, role: input.role };
}

export async function removeMember(scope: Scope, memberId: string) {
  const target = await findMember(scope, memberId);
  assertMayTouch(scope, target);
  await scope.db.transaction(async (tx) => {
    await tx.select({ id: members.id }).from(members).where(eq(members.organizationId, scope.workspaceId)).for("update");
    if (target.role === "owner" && (await otherOwnerCount(tx, scope.workspaceId, target.id)) === 0) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "The last owner cannot be removed. Make someone else owner first." });
    }
    await tx.delete(members).where(eq(members.id, target.id));
    await recordAudit(tx, { workspaceId: scope.workspaceId, actorId: scope.userId, action: "member.remove", targetType: "member", targetId: target.id, details: { userId: target.userId } });
  });
  return { id: target.id };
}

/** Any signed-in user holding a valid link joins its workspace; accepting twice is harmless. */
export async function acceptInvitation(db: Database, user: { id: string; email: string }, token: string) {
  const [invitation] = await db.select().from(invitations).where(eq(invitations.tokenHash, hashToken(token))).limit(1);
  const unusable = "This invitation link is not valid: it may have been revoked or already used. Ask an admin of the workspace for a new link.";
  if (!invitation || invitation.revokedAt) throw new TRPCError({ code: "NOT_FOUND", message: unusable });
  if (invitation.acceptedAt) {
    if (invitation.acceptedBy === user.id) return { workspaceId: invitation.organizationId };
    throw new TRPCError({ code: "NOT_FOUND", message: unusable });
  }
  if (invitation.expiresAt <= new Date()) {
    throw new TRPCError({ code: "NOT_FOUND", message: "This invitation link has expired. Ask an admin of the workspace for a new link." });
  }
  if (invitation.email && invitation.email !== user.email.toLowerCase()) {
    throw new TRPCError({ code: "FORBIDDEN", message: `This invitation is for ${invitation.email}. Sign in with that address to accept it.` });
  }
  await db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.organizationId, invitation.organizationId), eq(members.userId, user.id)))
      .limit(1);
    if (!existing) await tx.insert(members).values({ id: newId(), organizationId: invitation.organizationId, userId: user.id, role: invitation.role });
    await tx.update(invitations).set({ acceptedAt: new Date(), acceptedBy: user.id, status: "accepted", token: null }).where(eq(invitations.id, invitation.id));
    await recordAudit(tx, { workspaceId: invitation.organizationId, actorId: user.id, action: "member.join", targetType: "invitation", targetId: invitation.id, details: { role: invitation.role } });
  });
  return { workspaceId: invitation.organizationId };
}
