import { connections, flows, members, users, workspaces, type Database } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { emptyFlow, FlowSchema, type Flow } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { postgresConnectionParts } from "@flowgate/runtime";
import { shopProductsSql } from "@flowgate/testkit/shop-db";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Auth } from "./auth";
import { createConnection, updateConnection } from "./services/connections";
import { createFlow, publishFlow, setFlowEnabled } from "./services/flows";
import { startRun } from "./services/runs";
import type { Scope } from "./services/scope";

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
  // A draft to explore; its approval step arrives with the approvals issue. The running demo
  // flow comes from seedDemoFlow, which also reaches installs made before it existed.
  await createFlow(scope, { name: "Price changes for approval", document: emptyFlow() });
  const [count] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(flows);
  if (!count?.n) throw new Error("demo seed: flows were not created");
  return { email: DEMO_EMAIL, password };
}

export const DEMO_FLOW_NAME = "Supplier products → shop";

/** The demo's outside systems on this start (their ports may change from one start to the next). */
export interface DemoSystems {
  /** The test kit's supplier API that scripts/supplier.ts serves on loopback. */
  supplierUrl: string;
  /** The embedded PostgreSQL: the shop's `shop.products` table lives there, beside Flowgate's own. */
  shopDatabaseUrl: string;
}

export interface DemoFlowOutcome {
  /** Set on the one start that added the demo flow; its first run is queued. */
  seeded: { flowId: string; runId: string } | null;
  /** The demo connections whose address changed since the last start, and where they point now. */
  repointed: { name: string; address: string }[];
}

/** What the seed has added once, so that what a user deleted stays deleted. Not Flowgate's schema: the demo's own. */
const MARKER_SQL = `create schema if not exists flowgate_demo;
create table if not exists flowgate_demo.seeded (
  item text primary key,
  workspace_id text not null,
  ids jsonb not null default '{}',
  seeded_at timestamptz not null default now()
);`;
const DEMO_FLOW_ITEM = "supplier-to-shop";

interface DemoFlowIds {
  flowId: string;
  supplierConnectionId: string;
  shopConnectionId: string;
}

/**
 * On the embedded database, every start: the first time (for a new install, or one made before the
 * demo flow existed), gives the demo workspace the shop table, a connection to the supplier and one
 * to the shop, and the demo flow, published, enabled and with its first run queued; all of it in one
 * transaction, so a start that dies halfway leaves nothing to duplicate. Later starts add nothing (a
 * deleted demo flow stays deleted) and only point the demo connections at this start's ports.
 */
export async function seedDemoFlow(deps: { db: Database; secret: string }, systems: DemoSystems): Promise<DemoFlowOutcome> {
  const outcome: DemoFlowOutcome = { seeded: null, repointed: [] };
  const owner = await demoOwner(deps.db);
  if (!owner) return outcome; // no demo admin: someone else's install, nothing of ours to add to
  const secrets = createSecretBox(deps.secret);
  const scopeOn = (db: Database): Scope => ({ db, workspaceId: owner.workspaceId, userId: owner.userId, role: "owner", secrets, registry: kindRegistry });
  await deps.db.execute(sql.raw(MARKER_SQL));

  outcome.seeded = await deps.db.transaction(async (tx) => {
    // The marker first: a second start racing this one waits on it, then finds it and adds nothing.
    const claimed = await tx.execute(sql`insert into flowgate_demo.seeded (item, workspace_id) values (${DEMO_FLOW_ITEM}, ${owner.workspaceId}) on conflict do nothing returning item`);
    if (claimed.rows.length === 0) return null;
    // The services open their own transactions; on a transaction they become savepoints of this one.
    const scope = scopeOn(tx as unknown as Database);
    await tx.execute(sql.raw(shopProductsSql("shop")));
    const supplier = await createConnection(scope, { kind: "http", name: "Demo supplier API", settings: { baseUrl: systems.supplierUrl, auth: { type: "none" } } });
    const shopDatabase = postgresConnectionParts(systems.shopDatabaseUrl);
    const shop = await createConnection(scope, { kind: "postgres", name: "Demo shop database", settings: shopDatabase.settings, secret: shopDatabase.secret });
    const { id: flowId } = await createFlow(scope, { name: DEMO_FLOW_NAME, document: demoFlowDocument({ supplierConnectionId: supplier.id, shopConnectionId: shop.id }) });
    await publishFlow(scope, { flowId, message: "The demo flow npm start seeded" });
    await setFlowEnabled(scope, { flowId, enabled: true });
    // A newcomer sees a run at once instead of waiting for the first slot.
    const { runId } = await startRun(scope, flowId);
    const ids: DemoFlowIds = { flowId, supplierConnectionId: supplier.id, shopConnectionId: shop.id };
    await tx.execute(sql`update flowgate_demo.seeded set ids = ${JSON.stringify(ids)}::jsonb where item = ${DEMO_FLOW_ITEM}`);
    return { flowId, runId };
  });
  if (!outcome.seeded) outcome.repointed = await repointDemoConnections(scopeOn(deps.db), systems);
  return outcome;
}

/** The demo admin and the workspace sign-up made for them, or null when there is no demo admin. */
async function demoOwner(db: Database): Promise<{ userId: string; workspaceId: string } | null> {
  const [row] = await db
    .select({ userId: users.id, workspaceId: members.organizationId })
    .from(users)
    .innerJoin(members, and(eq(members.userId, users.id), eq(members.role, "owner")))
    .where(eq(users.email, DEMO_EMAIL))
    .orderBy(asc(members.createdAt))
    .limit(1);
  return row ?? null;
}

/** Points the demo connections (those the user kept) at this start's supplier and database. */
async function repointDemoConnections(scope: Scope, systems: DemoSystems): Promise<DemoFlowOutcome["repointed"]> {
  const [marker] = await scope.db.execute<{ ids: Partial<DemoFlowIds> }>(sql`select ids from flowgate_demo.seeded where item = ${DEMO_FLOW_ITEM}`).then((r) => r.rows);
  const wanted = new Map<string, { settings: Record<string, unknown>; secret?: unknown; address: string }>();
  if (marker?.ids.supplierConnectionId) wanted.set(marker.ids.supplierConnectionId, { settings: { baseUrl: systems.supplierUrl }, address: systems.supplierUrl });
  if (marker?.ids.shopConnectionId) {
    const shop = postgresConnectionParts(systems.shopDatabaseUrl);
    wanted.set(marker.ids.shopConnectionId, { ...shop, address: `${shop.settings.host}:${shop.settings.port}` });
  }
  if (wanted.size === 0) return [];
  const rows = await scope.db
    .select({ id: connections.id, name: connections.name, settings: connections.settings })
    .from(connections)
    .where(and(eq(connections.workspaceId, scope.workspaceId), inArray(connections.id, [...wanted.keys()])));
  const repointed: DemoFlowOutcome["repointed"] = [];
  for (const row of rows) {
    const target = wanted.get(row.id)!;
    const current = row.settings as Record<string, unknown>;
    if (Object.entries(target.settings).every(([key, value]) => current[key] === value)) continue;
    await updateConnection(scope, { connectionId: row.id, settings: { ...current, ...target.settings }, ...(target.secret !== undefined && { secret: target.secret }) });
    repointed.push({ name: row.name, address: target.address });
  }
  return repointed;
}

/**
 * The demo flow: every 5 minutes, the supplier's products page by page, only those that changed
 * since the last run; new products and price moves under 10 % go straight on, bigger price changes
 * wait for an admin's approval; the shop's price (the supplier's plus 25 %), upserted into
 * shop.products by sku.
 */
/** New products, and prices that moved less than 10 %, need nobody's approval in the demo. */
export const DEMO_AUTO_APPROVE = 'op != "update" or before.price = 0 or $abs(after.price - before.price) / before.price < 0.1';

export function demoFlowDocument(ids: { supplierConnectionId: string; shopConnectionId: string }): Flow {
  const node = (id: string, kind: string, label: string, x: number, config: Record<string, unknown>) => ({ id, kind, kindVersion: 1, label, position: { x, y: 0 }, config });
  const nodes = [
    node("schedule", "trigger.schedule", "Every 5 minutes", 0, { mode: "interval", every: 5, unit: "minutes" }),
    node("supplier", "source.http", "Supplier products", 260, {
      connectionId: ids.supplierConnectionId,
      url: "/products",
      recordsPath: "data",
      pagination: { mode: "page", pageSize: 1000 },
    }),
    node("changes", "transform.changes", "Only what changed", 520, { keyFields: ["sku"] }),
    node("approval", "approval.review", "Price changes over 10 %", 780, {
      approverRole: "admin",
      keyField: "sku",
      autoApprove: DEMO_AUTO_APPROVE,
    }),
    node("prices", "transform.map", "Shop prices (+25 %)", 1040, {
      fields: [{ target: "price", expression: "$round(price * 1.25, 2)", type: "number" }],
      keyField: "sku",
    }),
    node("shop", "destination.postgres", "Shop products", 1300, { connectionId: ids.shopConnectionId, table: "shop.products", keyColumns: ["sku"] }),
  ];
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes,
    edges: nodes.slice(1).map((target, i) => ({
      id: `e${i + 1}`,
      source: nodes[i]!.id,
      sourcePort: nodes[i]!.kind === "approval.review" ? "approved" : "out",
      target: target.id,
    })),
    settings: { batchSize: 1000, timezone: "UTC" },
  });
}
