import { createSecretBox, type SecretBox } from "@flowgate/db/crypto";
import { getDatabase, getEnv, members, requireEnv, type Database, type Role } from "@flowgate/db";
import type { KindRegistry } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { initTRPC, TRPCError } from "@trpc/server";
import { and, asc, eq } from "drizzle-orm";
import { getAuth, type Auth } from "./auth";
import { authenticateApiToken, bearerTokenOf } from "./services/tokens";

export interface ApiDeps {
  db: Database;
  auth: Auth;
  secrets: SecretBox;
  /** The node kinds flows are validated against (packages/nodes in the product, a fixture registry in tests). */
  registry: KindRegistry;
  /** Hosts, IPs or CIDR ranges "test connection" may reach despite the SSRF guard, as runs may (FLOWGATE_ALLOW_HOSTS); none when absent. */
  allowHosts?: readonly string[];
}

export interface Context {
  deps: ApiDeps;
  headers: Headers;
}

let defaultDeps: ApiDeps | undefined;

function getDefaultDeps(): ApiDeps {
  defaultDeps ??= {
    db: getDatabase().db,
    auth: getAuth(),
    secrets: createSecretBox(requireEnv("FLOWGATE_SECRET")),
    registry: kindRegistry,
    allowHosts: getEnv().FLOWGATE_ALLOW_HOSTS,
  };
  return defaultDeps;
}

export function createTRPCContext(opts: { headers: Headers }, deps: ApiDeps = getDefaultDeps()): Context {
  return { deps, headers: opts.headers };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    // Unexpected errors are never shown raw (they may hold connection details); the HTTP
    // handler in apps/web logs them with their procedure's path.
    if (error.code === "INTERNAL_SERVER_ERROR") {
      return { ...shape, message: "Something went wrong on the server. Try again; if it keeps happening, check the server log." };
    }
    return shape;
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

async function sessionOf(ctx: Context) {
  const session = await ctx.deps.auth.api.getSession({ headers: ctx.headers });
  if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return session;
}

/**
 * A signed-in user, in a browser session. An API token acts only inside its own workspace
 * (workspaceProcedure), so it can't do what reaches beyond one (accepting an invitation to another).
 */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (bearerTokenOf(ctx.headers) !== null) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This can't be done with an API token. Sign in to Flowgate in the browser to do it." });
  }
  const session = await sessionOf(ctx);
  return next({ ctx: { ...ctx, user: session.user, session: session.session } });
});

const ROLE_RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[atLeast];
}

function lowerRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}

/**
 * The one place the active workspace and the caller's role are resolved. Every
 * workspace procedure is built on it, and every query filters by `ctx.workspaceId`.
 * The caller is a browser session, or an API token (`Authorization: Bearer fgt_…`), which acts in
 * its own workspace with the lower of its role and its owner's current role there.
 */
export const workspaceProcedure = t.procedure.use(async ({ ctx, next }) => {
  const bearer = bearerTokenOf(ctx.headers);
  if (bearer !== null) {
    const token = await authenticateApiToken(ctx.deps.db, bearer);
    if (!token.memberRole) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "You are no longer a member of the workspace this API token belongs to, so it no longer works. Ask an admin of that workspace for an invitation link.",
      });
    }
    const caller: CallerContext = { user: token.user, apiTokenId: token.tokenId, workspaceId: token.workspaceId, role: lowerRole(token.tokenRole, token.memberRole) };
    return next({ ctx: { ...ctx, ...caller } });
  }
  const { db } = ctx.deps;
  const { user, session } = await sessionOf(ctx);
  const active = (session as { activeOrganizationId?: string | null }).activeOrganizationId ?? null;
  let membership = active
    ? (
        await db
          .select({ workspaceId: members.organizationId, role: members.role })
          .from(members)
          .where(and(eq(members.organizationId, active), eq(members.userId, user.id)))
          .limit(1)
      )[0]
    : undefined;
  // The active workspace may be gone or the user removed from it: fall back to their first one.
  membership ??= (
    await db
      .select({ workspaceId: members.organizationId, role: members.role })
      .from(members)
      .where(eq(members.userId, user.id))
      .orderBy(asc(members.createdAt))
      .limit(1)
  )[0];
  if (!membership) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of any workspace. Ask an admin for an invitation link." });
  }
  const caller: CallerContext = { user, apiTokenId: null, workspaceId: membership.workspaceId, role: membership.role };
  return next({ ctx: { ...ctx, ...caller } });
});

interface CallerContext {
  user: { id: string; name: string; email: string };
  /** The API token the request came with; null for a browser session. */
  apiTokenId: string | null;
  workspaceId: string;
  role: Role;
}

export const ROLE_ACTIONS: Record<Role, string> = {
  viewer: "a viewer",
  editor: "an editor",
  admin: "an admin",
  owner: "an owner",
};

/** A workspace procedure that writes: the caller needs at least `role`. */
export function roleProcedure(role: Role) {
  return workspaceProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.role, role)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs ${ROLE_ACTIONS[role]} or higher; you are ${ROLE_ACTIONS[ctx.role]} in this workspace. Ask an admin to change your role.`,
      });
    }
    return next();
  });
}

export type WorkspaceContext = Context & CallerContext;
