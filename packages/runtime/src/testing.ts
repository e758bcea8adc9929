import { connections, FINISHED_RUN_STATUSES, flows, flowVersions, newId, runs, workspaces, type Database } from "@flowgate/db";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { createShopProductsTable, createShopWriteLog, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { eq, sql } from "drizzle-orm";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SecretBox } from "@flowgate/db/crypto";
import { Logger, run, runMigrations, type Runner } from "graphile-worker";
import type pg from "pg";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { silentLog, type RuntimeLog } from "./log";
import { createRuntimeServices, postgresConnectionParts } from "./services";
export { postgresConnectionParts } from "./services";
import { traceDecisions } from "./decisions";
import { enqueueResumeApproval } from "./enqueue";
import { createTaskList } from "./task-list";

/** Installs graphile-worker's schema in a test database (the product does it at start-up). */
export async function installWorkerSchema(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: new Logger(() => () => {}) });
}

export interface TestWorker {
  runner: Runner;
  /** Stops the runner (finishing its jobs), closes the services and removes the artifacts. */
  stop(): Promise<void>;
}

/**
 * A real graphile-worker runner in the test process with the runtime's task list: real jobs, real
 * retries, real services (loopback allowed, since the test kit's servers listen there).
 */
/** The address the test workers' notifications link to. */
export const TEST_APP_URL = "http://flowgate.test";

export async function startTestWorker(options: { db: Database; pool: pg.Pool; secrets: SecretBox; log?: RuntimeLog; pollInterval?: number; heartbeatMs?: number }): Promise<TestWorker> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-runtime-"));
  const services = createRuntimeServices({ db: options.db, secrets: options.secrets, dataDir, allowLoopback: true });
  const runner = await run({
    pgPool: options.pool,
    concurrency: 2,
    taskList: createTaskList({ db: options.db, services, log: options.log ?? silentLog, appUrl: TEST_APP_URL, ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }) }),
    noHandleSignals: true,
    parsedCronItems: [],
    pollInterval: options.pollInterval ?? 100,
    // The runtime's own log says what a run did; graphile-worker's lines (a retried job) are noise here.
    logger: new Logger(() => () => {}),
  });
  return {
    runner,
    async stop() {
      await runner.stop();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}


/**
 * The demo's flow: the supplier's products, page by page, (optionally) only what changed, prices
 * doubled, upserted into the shop table by sku.
 */
export function supplierToShopFlow(options: { supplierUrl: string; shopConnectionId: string; batchSize?: number; changesOnly?: boolean }) {
  const node = (id: string, kind: string, config: Record<string, unknown>, x: number) => ({
    id,
    kind,
    kindVersion: 1,
    label: id,
    position: { x, y: 0 },
    config,
  });
  const nodes = [
    node("start", "trigger.manual", {}, 0),
    node("read", "source.http", { url: `${options.supplierUrl}/products`, recordsPath: "data", pagination: { mode: "page", pageSize: options.batchSize ?? 50 } }, 200),
    ...(options.changesOnly ? [node("changes", "transform.changes", { keyFields: ["sku"] }, 300)] : []),
    node("map", "transform.map", { fields: [{ target: "price", expression: "price * 2" }], keyField: "sku" }, 400),
    node("shop", "destination.postgres", { connectionId: options.shopConnectionId, table: "shop.products", keyColumns: ["sku"] }, 600),
  ];
  const chain = nodes.map((n) => n.id);
  return {
    schemaVersion: 1,
    nodes,
    edges: chain.slice(1).map((target, i) => ({ id: `e${i + 1}`, source: chain[i]!, sourcePort: "out", target, targetPort: "in" })),
    settings: { batchSize: options.batchSize ?? 50, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  };
}

/** The demo's flow with an approval step before the map: supplier → changes → review (approved →) map → shop. */
export function supplierToShopWithApprovalFlow(options: Parameters<typeof supplierToShopFlow>[0] & { review: Record<string, unknown> }) {
  const document = supplierToShopFlow({ ...options, changesOnly: true });
  document.nodes.splice(3, 0, { id: "review", kind: "approval.review", kindVersion: 1, label: "Price review", position: { x: 350, y: 0 }, config: { keyField: "sku", ...options.review } });
  const chain = document.nodes.map((n) => n.id);
  document.edges = chain.slice(1).map((target, i) => ({ id: `e${i + 1}`, source: chain[i]!, sourcePort: chain[i] === "review" ? "approved" : "out", target, targetPort: "in" }));
  return document;
}

/** A person's decision as the API makes it: items updated while pending, their lineage, and the resume job, in one transaction. */
export async function decideItems(db: Database, changeSetId: string, keys: string[], decision: "approved" | "rejected"): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      with updated as (
        update change_set_items x
        set status = ${decision}, decision_source = 'person', decided_at = now(), approvals = ${decision === "approved" ? 1 : 0}
        where x.change_set_id = ${changeSetId} and x.key = any(${sql.param(keys)}::text[]) and x.status = 'pending'
        returning x.change_set_id, x.key, x.record, x.status, x.decision_source, x.approvals, null::text as comment, null::text as actor_id
      ), trace as (${traceDecisions(sql`updated`)})
      select 1`);
    await enqueueResumeApproval(tx, changeSetId);
  });
}

/** A chat tool's incoming webhook on loopback: what it received, and the status it answers with. */
export interface WebhookReceiver {
  url: string;
  received: { body: unknown; type: string | undefined }[];
  answer(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = "/hooks/flowgate"): Promise<WebhookReceiver> {
  const received: WebhookReceiver["received"] = [];
  let status = 200;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ body: JSON.parse(body) as unknown, type: request.headers["content-type"] });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    answer: (next) => void (status = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, output?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${output ? `\noutput:\n${output()}` : ""}`);
}

export async function runRow(db: Database, runId: string) {
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  return row!;
}

/** Waits until the run is over and answers its row. */
export function waitForRunEnd(db: Database, runId: string, timeoutMs = 30_000, output?: () => string): Promise<typeof runs.$inferSelect> {
  return waitFor(
    `run ${runId} to end`,
    async () => {
      const row = await runRow(db, runId);
      return row && FINISHED_RUN_STATUSES.includes(row.status) ? row : undefined;
    },
    timeoutMs,
    output,
  );
}

export async function createWorkspace(db: Database, name: string): Promise<string> {
  const workspaceId = newId();
  await db.insert(workspaces).values({ id: workspaceId, name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${workspaceId}` });
  return workspaceId;
}

/** A PostgreSQL connection to the database of a connection string (the test kit's shop tables live there). */
export async function createPostgresConnection(db: Database, secrets: SecretBox, workspaceId: string, connectionString: string): Promise<string> {
  const id = newId();
  const parts = postgresConnectionParts(connectionString);
  await db.insert(connections).values({ id, workspaceId, kind: "postgres", name: "Shop database", settings: parts.settings, secretCiphertext: secrets.encryptJson(parts.secret) });
  return id;
}

/** A published, enabled flow (version 1); the runs pin that version. */
export async function createPublishedFlow(db: Database, workspaceId: string, document: unknown, name = "Test flow"): Promise<{ flowId: string; versionId: string }> {
  const flowId = newId();
  const versionId = newId();
  await db.insert(flows).values({ id: flowId, workspaceId, name, draft: document as never });
  await db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
  await db.update(flows).set({ activeVersionId: versionId, enabled: true }).where(eq(flows.id, flowId));
  return { flowId, versionId };
}

export interface SupplierToShopFixture {
  database: TestDatabase;
  supplier: SupplierApi;
  worker: TestWorker;
  workspaceId: string;
  /** A postgres connection to the test database, where shop.products (and shop.write_log) live. */
  shopConnectionId: string;
  dispose(): Promise<void>;
}

/**
 * The runtime tests' world: a database of their own with graphile-worker's schema and the shop table
 * (plus its write log), the test kit's supplier, a workspace with a connection to the shop, and a
 * real worker.
 */
export async function startSupplierToShopFixture(options: { secrets: SecretBox; products: number; seed: number; workspaceName: string; heartbeatMs?: number }): Promise<SupplierToShopFixture> {
  const database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  await createShopProductsTable(database.pool);
  await createShopWriteLog(database.pool);
  const supplier = await startSupplierApi({ count: options.products, seed: options.seed });
  const workspaceId = await createWorkspace(database.db, options.workspaceName);
  const shopConnectionId = await createPostgresConnection(database.db, options.secrets, workspaceId, database.connectionString);
  const worker = await startTestWorker({ db: database.db, pool: database.pool, secrets: options.secrets, ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }) });
  return {
    database,
    supplier,
    worker,
    workspaceId,
    shopConnectionId,
    async dispose() {
      await worker.stop();
      await supplier.close();
      await database.dispose();
    },
  };
}

/**
 * Makes the database refuse the checkpoint of one batch (the `batchIndex`-th, from 0), once, as a lost
 * connection would (a sequence is not rolled back with the failed transaction). Returns the undo.
 */
export async function failCheckpointOnce(pool: pg.Pool, batchIndex: number): Promise<() => Promise<void>> {
  await pool.query(`
    create sequence checkpoint_fault;
    create function fail_checkpoint_once() returns trigger language plpgsql as $$
      begin
        if new.batch_index = ${batchIndex} and old.batch_index = ${batchIndex - 1} and nextval('checkpoint_fault') = 1 then
          raise exception 'connection lost (simulated)';
        end if;
        return new;
      end $$;
    create trigger runs_checkpoint_fault before update on runs for each row execute function fail_checkpoint_once();`);
  return async () => {
    await pool.query("drop trigger runs_checkpoint_fault on runs; drop function fail_checkpoint_once(); drop sequence checkpoint_fault;");
  };
}
