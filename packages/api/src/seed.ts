import { flows, users, workspaces, type Database } from "@flowgate/db";
import { emptyFlow } from "@flowgate/flow";
import { eq, sql } from "drizzle-orm";
import type { Auth } from "./auth";
import { createFlow } from "./services/flows";
import { createSecretBox } from "@flowgate/db/crypto";

export const DEMO_EMAIL = "admin@demo.flowgate.local";

export interface DemoLogin {
  email: string;
  password: string;
}

/**
 * On an empty database, creates the demo workspace and its admin, and returns the sign-in.
 * Returns null when the database already has users: it never touches an install in use.
 */
export async function seedDemo(deps: { db: Database; auth: Auth; secret: string }, password: string): Promise<DemoLogin | null> {
  const [{ n } = { n: 0 }] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(users);
  if (n > 0) return null;
  const { user } = await deps.auth.api.signUpEmail({ body: { name: "Demo Admin", email: DEMO_EMAIL, password } });
  const [membership] = await deps.db.execute<{ workspace_id: string }>(sql`select workspace_id from members where user_id = ${user.id}`).then((r) => r.rows);
  if (!membership) throw new Error("demo seed: sign-up did not create a workspace");
  await deps.db.update(workspaces).set({ name: "Demo workspace" }).where(eq(workspaces.id, membership.workspace_id));
  const scope = {
    db: deps.db,
    workspaceId: membership.workspace_id,
    userId: user.id,
    role: "owner" as const,
    secrets: createSecretBox(deps.secret),
    registry: { get: () => undefined },
  };
  // Drafts to explore; their nodes arrive with the node kinds (issue #3).
  await createFlow(scope, { name: "Supplier products → shop (hourly)", document: emptyFlow() });
  await createFlow(scope, { name: "Price changes for approval", document: emptyFlow() });
  const [count] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(flows);
  if (!count?.n) throw new Error("demo seed: flows were not created");
  return { email: DEMO_EMAIL, password };
}
