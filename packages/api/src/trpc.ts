import { createSecretBox, type SecretBox } from "@flowgate/db/crypto";
import { getDatabase, getEnv, members, requireEnv, type Database, type Role } from "@flowgate/db";
import type { KindRegistry } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { initTRPC, TRPCError } from "@trpc/server";
import { and, asc, eq } from "drizzle-orm";
import { getAuth, type Auth } from "./auth";

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

/** A signed-in user. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const session = await ctx.deps.auth.api.getSession({ headers: ctx.headers });
  if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, user: session.user, session: session.session } });
});

const ROLE_RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[atLeast];
}

/**
 * The one place the active workspace and the caller's role are resolved. Every
 * workspace procedure is built on it, and every query filters by `ctx.workspaceId`.
 */
export const workspaceProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const { db } = ctx.deps;
  const active = (ctx.session as { activeOrganizationId?: string | null }).activeOrganizationId ?? null;
  let membership = active
    ? (
        await db
          .select({ workspaceId: members.organizationId, role: members.role })
          .from(members)
          .where(and(eq(members.organizationId, active), eq(members.userId, ctx.user.id)))
          .limit(1)
      )[0]
    : undefined;
  // The active workspace may be gone or the user removed from it: fall back to their first one.
  membership ??= (
    await db
      .select({ workspaceId: members.organizationId, role: members.role })
      .from(members)
      .where(eq(members.userId, ctx.user.id))
      .orderBy(asc(members.createdAt))
      .limit(1)
  )[0];
  if (!membership) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You are not a member of any workspace. Ask an admin for an invitation link." });
  }
  return next({ ctx: { ...ctx, workspaceId: membership.workspaceId, role: membership.role } });
});

const ROLE_ACTIONS: Record<Role, string> = {
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

export type WorkspaceContext = Context & { workspaceId: string; role: Role; user: { id: string; name: string; email: string } };
