import { apiTokens, hashToken, members, newId, newToken, users, type Database, type Role } from "@flowgate/db";
import { TRPCError } from "@trpc/server";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { hasRole, ROLE_ACTIONS } from "../trpc";
import { recordAudit } from "./audit";
import { notFound, type Scope } from "./scope";

/** Every token starts with this, so secret scanners (and people) recognise a leaked one. */
export const API_TOKEN_PREFIX = "fgt_";
/** How much of a token the list shows: the prefix and 8 random characters. */
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;
const LAST_USE_PRECISION_MS = 60_000;

export const INVALID_API_TOKEN_MESSAGE = "This API token is not valid (revoked, expired or unknown). Create a new one in Settings → API tokens.";

export type ApiTokenStatus = "active" | "expired" | "revoked";

/**
 * The token of an `Authorization: Bearer …` header; null when the request has no bearer
 * credentials (a browser with its session cookie).
 */
export function bearerTokenOf(headers: Headers): string | null {
  const match = /^Bearer\s+(.*)$/i.exec(headers.get("authorization")?.trim() ?? "");
  return match ? match[1]!.trim() : null;
}

export interface ApiTokenCaller {
  tokenId: string;
  user: { id: string; name: string; email: string };
  workspaceId: string;
  /** The role the token was given. */
  tokenRole: Role;
  /** Its owner's role in the workspace now; null when they are no longer a member. */
  memberRole: Role | null;
}

/** Who calls with this token; UNAUTHORIZED when it is revoked, expired or unknown. Records its use. */
export async function authenticateApiToken(db: Database, token: string): Promise<ApiTokenCaller> {
  const invalid = () => new TRPCError({ code: "UNAUTHORIZED", message: INVALID_API_TOKEN_MESSAGE });
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) throw invalid();
  const [row] = await db
    .select({
      id: apiTokens.id,
      workspaceId: apiTokens.workspaceId,
      tokenRole: apiTokens.role,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
      userId: users.id,
      name: users.name,
      email: users.email,
      memberRole: members.role,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(members, and(eq(members.organizationId, apiTokens.workspaceId), eq(members.userId, apiTokens.userId)))
    .where(eq(apiTokens.tokenHash, hashToken(token)))
    .limit(1);
  const now = new Date();
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) throw invalid();
  // "Last used" is for people deciding which tokens to revoke: a minute's precision spares a write per request.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USE_PRECISION_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  return {
    tokenId: row.id,
    user: { id: row.userId, name: row.name, email: row.email },
    workspaceId: row.workspaceId,
    tokenRole: row.tokenRole,
    memberRole: row.memberRole,
  };
}

export async function createApiToken(scope: Scope, input: { name: string; role: Role; expiresInDays?: number | undefined }) {
  if (!hasRole(scope.role, input.role)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `A token can't have more rights than you: you are ${ROLE_ACTIONS[scope.role]} in this workspace, so choose the role ${scope.role} or a lower one.`,
    });
  }
  const token = `${API_TOKEN_PREFIX}${newToken()}`;
  const id = newId();
  const createdAt = new Date();
  const expiresAt = input.expiresInDays === undefined ? null : new Date(createdAt.getTime() + input.expiresInDays * 24 * 3600 * 1000);
  const prefix = token.slice(0, SHOWN_PREFIX_LENGTH);
  await scope.db.transaction(async (tx) => {
    await tx.insert(apiTokens).values({
      id,
      workspaceId: scope.workspaceId,
      userId: scope.userId,
      name: input.name,
      role: input.role,
      prefix,
      tokenHash: hashToken(token),
      expiresAt,
      createdAt,
    });
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "api_token.create",
      targetType: "api_token",
      targetId: id,
      details: { name: input.name, role: input.role, prefix, expiresAt: expiresAt?.toISOString() ?? null },
    });
  });
  return { id, token, name: input.name, role: input.role, prefix, expiresAt: expiresAt?.toISOString() ?? null };
}

/**
 * Admins and owners see every token of the workspace (so they can cut off a leaked one); everyone
 * else sees their own.
 */
function visibleTokens(scope: Scope): SQL | undefined {
  const inWorkspace = eq(apiTokens.workspaceId, scope.workspaceId);
  return hasRole(scope.role, "admin") ? inWorkspace : and(inWorkspace, eq(apiTokens.userId, scope.userId));
}

export function apiTokenStatus(row: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()): ApiTokenStatus {
  if (row.revokedAt) return "revoked";
  if (row.expiresAt && row.expiresAt <= now) return "expired";
  return "active";
}

export async function listApiTokens(scope: Scope) {
  const rows = await scope.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      prefix: apiTokens.prefix,
      userId: apiTokens.userId,
      ownerName: users.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(visibleTokens(scope))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
  const now = new Date();
  return rows.map(({ userId, ...row }) => ({
    ...row,
    mine: userId === scope.userId,
    status: apiTokenStatus(row, now),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  }));
}

/** Revokes one of the caller's tokens (an admin: any of the workspace's). Revoking twice changes nothing. */
export async function revokeApiToken(scope: Scope, tokenId: string) {
  const [row] = await scope.db
    .select({ id: apiTokens.id, name: apiTokens.name, userId: apiTokens.userId, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.id, tokenId), visibleTokens(scope)))
    .limit(1);
  if (!row) throw notFound("The API token");
  if (row.revokedAt) return { id: row.id, revokedAt: row.revokedAt.toISOString() };
  const revokedAt = new Date();
  await scope.db.transaction(async (tx) => {
    await tx.update(apiTokens).set({ revokedAt, revokedBy: scope.userId }).where(eq(apiTokens.id, row.id));
    await recordAudit(tx, {
      workspaceId: scope.workspaceId,
      actorId: scope.userId,
      action: "api_token.revoke",
      targetType: "api_token",
      targetId: row.id,
      details: { name: row.name, ownerId: row.userId },
    });
  });
  return { id: row.id, revokedAt: revokedAt.toISOString() };
}
