import { getDatabase, getEnv, members, newId, requireEnv, workspaces, type Database } from "@flowgate/db";
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { organization } from "better-auth/plugins";
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import { asc, eq } from "drizzle-orm";
import * as tables from "@flowgate/db/schema";

export interface AuthOptions {
  db: Database;
  secret: string;
  baseURL: string;
  /** Other origins the browser may call from (e.g. http://127.0.0.1:3000 beside http://localhost:3000). */
  trustedOrigins?: string[];
}

// The organization plugin's own endpoints (set active workspace, …) check these;
// Flowgate's tRPC procedures check roles themselves (see trpc.ts).
const ac = createAccessControl(defaultStatements);
const roles = {
  owner: ac.newRole(ownerAc.statements),
  admin: ac.newRole(adminAc.statements),
  editor: ac.newRole(memberAc.statements),
  viewer: ac.newRole(memberAc.statements),
};

/**
 * The organization plugin's endpoints a browser may call. Everything else it offers (invite,
 * change roles, remove members, delete workspaces) goes through Flowgate's tRPC procedures,
 * so role rules, last-owner protection and the audit log have one home.
 */
const OPEN_ORGANIZATION_PATHS = new Set(["/organization/set-active"]);

export function createAuth({ db, secret, baseURL, trustedOrigins = [] }: AuthOptions) {
  return betterAuth({
    baseURL,
    secret,
    trustedOrigins: [baseURL, ...trustedOrigins],
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user: tables.users,
        session: tables.sessions,
        account: tables.accounts,
        verification: tables.verifications,
        organization: tables.workspaces,
        member: tables.members,
        invitation: tables.invitations,
      },
    }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    // Flowgate invites by link (services/members.ts); the plugin's e-mail invitations are not used.
    plugins: [organization({ ac, roles, creatorRole: "owner", allowUserToCreateOrganization: false })],
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path.startsWith("/organization/") && !OPEN_ORGANIZATION_PATHS.has(ctx.path)) {
          throw new APIError("FORBIDDEN", { message: "Manage workspaces and members in Flowgate's Settings." });
        }
      }),
    },
    databaseHooks: {
      user: {
        create: {
          // Everyone who signs up owns a workspace of their own; the first account on an
          // install is thereby owner of the first workspace. Invitation links add them to others.
          after: async (user) => {
            await createWorkspace(db, { name: `${user.name.split(" ")[0] || "My"}'s workspace`, ownerId: user.id });
          },
        },
      },
      session: {
        create: {
          before: async (session) => {
            const [first] = await db
              .select({ workspaceId: members.organizationId })
              .from(members)
              .where(eq(members.userId, session.userId))
              .orderBy(asc(members.createdAt))
              .limit(1);
            return { data: { ...session, activeOrganizationId: first?.workspaceId ?? null } };
          },
        },
      },
    },
    advanced: { database: { generateId: () => newId() } },
    telemetry: { enabled: false },
  });
}

export type Auth = ReturnType<typeof createAuth>;

export async function createWorkspace(db: Database, input: { name: string; ownerId: string }): Promise<string> {
  const id = newId();
  const slug = `${slugify(input.name)}-${id.slice(0, 6)}`;
  await db.transaction(async (tx) => {
    await tx.insert(workspaces).values({ id, name: input.name, slug });
    await tx.insert(members).values({ id: newId(), organizationId: id, userId: input.ownerId, role: "owner" });
  });
  return id;
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "workspace"
  );
}

let shared: Auth | undefined;

/** The process-wide auth of the web app: created on first use, so `next build` connects to nothing. */
export function getAuth(): Auth {
  const env = getEnv();
  shared ??= createAuth({
    db: getDatabase().db,
    secret: requireEnv("FLOWGATE_SECRET"),
    baseURL: env.FLOWGATE_URL,
    trustedOrigins: [`http://localhost:${env.PORT}`, `http://127.0.0.1:${env.PORT}`],
  });
  return shared;
}

