import { members, sessions, type Role } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { fixtureRegistry } from "@flowgate/flow";
import { createHTTPServer } from "@trpc/server/adapters/standalone";
import { and, eq } from "drizzle-orm";
import type { AddressInfo } from "node:net";
import { createAuth } from "./auth";
import { appRouter, createCaller } from "./root";
import { createTRPCContext, type ApiDeps } from "./trpc";

export const TEST_SECRET = "test-secret-test-secret-test-secret-0123456789";

export interface TestUser {
  id: string;
  email: string;
  headers: Headers;
  /** The workspace created for them at sign-up. */
  workspaceId: string;
  caller: ReturnType<typeof createCaller>;
}

/** A real API over a fresh database: real better-auth sessions, real queries, no mocks. */
export async function createTestApi(options: { registry?: ApiDeps["registry"] } = {}) {
  const database: TestDatabase = await createTestDatabase();
  const auth = createAuth({ db: database.db, secret: TEST_SECRET, baseURL: "http://localhost:3000" });
  const deps: ApiDeps = { db: database.db, auth, secrets: createSecretBox(TEST_SECRET), registry: options.registry ?? fixtureRegistry };
  let counter = 0;

  async function signUp(name = `User ${++counter}`): Promise<TestUser> {
    const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}.${counter}.${Date.now()}@example.test`;
    const result = await auth.api.signUpEmail({ body: { name, email, password: "correct horse battery" }, returnHeaders: true });
    const cookie = result.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const headers = new Headers({ cookie });
    const session = await auth.api.getSession({ headers });
    if (!session) throw new Error("sign-up did not create a session");
    const [membership] = await database.db.select().from(members).where(eq(members.userId, session.user.id));
    const workspaceId = membership?.organizationId;
    if (!workspaceId || membership.role !== "owner") throw new Error("sign-up did not make the user owner of a workspace");
    return { id: session.user.id, email, headers, workspaceId, caller: createCaller(createTRPCContext({ headers }, deps)) };
  }

  /** Adds the user to a workspace with a role and makes it their active one. */
  async function joinAs(user: TestUser, workspaceId: string, role: Role): Promise<void> {
    const [existing] = await database.db
      .select()
      .from(members)
      .where(and(eq(members.organizationId, workspaceId), eq(members.userId, user.id)));
    if (existing) await database.db.update(members).set({ role }).where(eq(members.id, existing.id));
    else await database.db.insert(members).values({ id: crypto.randomUUID(), organizationId: workspaceId, userId: user.id, role });
    await auth.api.setActiveOrganization({ headers: user.headers, body: { organizationId: workspaceId } });
  }

  async function activeWorkspaceOf(user: TestUser): Promise<string | null> {
    const [row] = await database.db.select({ id: sessions.activeOrganizationId }).from(sessions).where(eq(sessions.userId, user.id));
    return row?.id ?? null;
  }

  return {
    deps,
    database,
    auth,
    signUp,
    joinAs,
    activeWorkspaceOf,
    anonymousCaller: () => createCaller(createTRPCContext({ headers: new Headers() }, deps)),
    serveHttp: () => serveHttp(deps),
    dispose: () => database.dispose(),
  };
}

export interface TestHttpServer {
  /** The server's base URL (tRPC answers under /api/trpc, as in the web app). */
  url: string;
  close(): Promise<void>;
}

/** The tRPC API over real HTTP on 127.0.0.1, as the web app mounts it, for clients outside the process (the CLI). */
export async function serveHttp(deps: ApiDeps): Promise<TestHttpServer> {
  const server = createHTTPServer({
    router: appRouter,
    basePath: "/api/trpc/",
    createContext: ({ req }) => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
      }
      return createTRPCContext({ headers }, deps);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
