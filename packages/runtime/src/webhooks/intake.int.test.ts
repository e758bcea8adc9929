import { flows, flowVersions, flowWebhooks, newId, newToken, runs, webhookDeliveries } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { createShopProductsTable } from "@flowgate/testkit";
import { count, eq } from "drizzle-orm";
import { request as httpRequest } from "node:http";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresConnection, createWorkspace, installWorkerSchema, startTestWorker, type TestWorker } from "../testing";
import { WEBHOOK_DELIVERY_GONE } from "./trigger";
import { createWebhookIntake, newSigningSecret, serveWebhookIntake, signedHeaders, type WebhookIntakeOptions, type WebhookServer } from "./index";

const secrets = createSecretBox("webhook-test-secret-webhook-test-secret-0123");

let database: TestDatabase;
let workspaceId: string;
let shopConnectionId: string;
const servers: WebhookServer[] = [];
let server: WebhookServer;
let worker: TestWorker | undefined;

/** The intake behind a real HTTP server on loopback. */
async function serve(options: Partial<WebhookIntakeOptions> = {}): Promise<WebhookServer> {
  const started = await serveWebhookIntake(createWebhookIntake({ db: database.db, secrets, ...options }));
  servers.push(started);
  return started;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  await createShopProductsTable(database.pool);
  workspaceId = await createWorkspace(database.db, "Webhook tests");
  shopConnectionId = await createPostgresConnection(database.db, secrets, workspaceId, database.connectionString);
  server = await serve();
});

afterAll(async () => {
  await worker?.stop();
  for (const s of servers) await s.close();
  await database?.dispose();
});

function webhookDocument(options: { requireSignature?: boolean; trigger?: string } = {}) {
  const trigger = options.trigger ?? "trigger.webhook";
  return {
    schemaVersion: 1,
    nodes: [
      {
        id: "hook",
        kind: trigger,
        kindVersion: 1,
        label: "Products arrive",
        position: { x: 0, y: 0 },
        config: trigger === "trigger.webhook" ? { format: "auto", requireSignature: options.requireSignature ?? false } : {},
      },
      {
        id: "shop",
        kind: "destination.postgres",
        kindVersion: 1,
        label: "Shop",
        position: { x: 200, y: 0 },
        config: { connectionId: shopConnectionId, table: "shop.products", keyColumns: ["sku"] },
      },
    ],
    edges: [{ id: "e1", source: "hook", sourcePort: "out", target: "shop", targetPort: "in" }],
    settings: { batchSize: 2, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  };
}

interface HookedFlow {
  flowId: string;
  versionId: string;
  token: string;
  secret: string;
  path: string;
}

/** A flow with its webhook address and signing secret; published and enabled unless told otherwise. */
async function webhookFlow(options: { requireSignature?: boolean; trigger?: string; enabled?: boolean; published?: boolean } = {}): Promise<HookedFlow> {
  const flowId = newId();
  const versionId = newId();
  const document = webhookDocument(options);
  await database.db.insert(flows).values({ id: flowId, workspaceId, name: "Webhook flow", draft: document as never, enabled: options.enabled ?? true });
  if (options.published ?? true) {
    await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
    await database.db.update(flows).set({ activeVersionId: versionId }).where(eq(flows.id, flowId));
  }
  const token = newToken();
  const secret = newSigningSecret();
  await database.db.insert(flowWebhooks).values({ flowId, workspaceId, token, secretCiphertext: secrets.encrypt(secret) });
  return { flowId, versionId, token, secret, path: `/api/hooks/${token}` };
}

async function post(target: WebhookServer, path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${target.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { runId?: string; duplicate?: boolean; error?: string } };
}


async function runsOf(flowId: string) {
  return database.db.select().from(runs).where(eq(runs.flowId, flowId));
}

async function deliveriesOf(flowId: string): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.flowId, flowId));
  return row!.n;
}

async function jobsFor(runIds: string[]): Promise<number> {
  const result = await database.pool.query("select count(*)::int as n from graphile_worker._private_jobs where payload->>'runId' = any($1)", [runIds]);
  return (result.rows[0] as { n: number }).n;
}

const products = [
  { sku: "W-1", name: "Red mug", price: 4.5, stock: 3 },
  { sku: "W-2", name: "Blue mug", price: 5, stock: 0 },
  { sku: "W-3", name: "Green mug", price: 6.25, stock: 12 },
];

describe("webhook intake", () => {
  it("answers 202 with the run id; the same webhook-id sent 50 times at once makes one delivery, one run and one job", async () => {
    const flow = await webhookFlow();
    const body = JSON.stringify(products);
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(server, flow.path, body, { "webhook-id": "msg_same" })));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(202));
    const runIds = new Set(answers.map((a) => a.body.runId));
    expect(runIds.size).toBe(1);
    expect(answers.filter((a) => a.body.duplicate !== true)).toHaveLength(1);

    const [run, ...more] = await runsOf(flow.flowId);
    expect(more).toEqual([]);
    expect(run).toMatchObject({ id: [...runIds][0], trigger: "webhook", status: "queued", flowVersionId: flow.versionId });
    expect(await deliveriesOf(flow.flowId)).toBe(1);
    const [delivery] = await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.flowId, flow.flowId));
    expect(delivery).toMatchObject({ id: run!.webhookDeliveryId, webhookId: "msg_same", runId: run!.id, contentType: "application/json" });
    expect(delivery!.body.toString("utf8")).toBe(body);
    expect(await jobsFor([run!.id])).toBe(1);

    // Without a webhook-id every request is a delivery of its own.
    const a = await post(server, flow.path, body);
    const b = await post(server, flow.path, body);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(new Set([run!.id, a.body.runId, b.body.runId]).size).toBe(3);
    expect(await runsOf(flow.flowId)).toHaveLength(3);
    expect(await jobsFor([a.body.runId!, b.body.runId!])).toBe(2);
  });

  it("with a required signature, a missing, wrong, stale or tampered one answers 401 and starts nothing", async () => {
    const flow = await webhookFlow({ requireSignature: true });
    const body = JSON.stringify(products);

    const missing = await post(server, flow.path, body);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/only accepts signed requests.*webhook-id, webhook-timestamp, webhook-signature header/);

    const wrong = await post(server, flow.path, body, signedHeaders(newSigningSecret(), body));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/webhook-signature does not match/);

    const stale = await post(server, flow.path, body, signedHeaders(flow.secret, body, { at: new Date(Date.now() - 6 * 60_000) }));
    expect(stale.status).toBe(401);
    expect(stale.body.error).toMatch(/more than 5 minutes/);

    const tampered = await post(server, flow.path, body.replace("4.5", "0.01"), signedHeaders(flow.secret, body));
    expect(tampered.status).toBe(401);

    // Only a signature header: still refused.
    const partial = await post(server, flow.path, body, { "webhook-signature": signedHeaders(flow.secret, body)["webhook-signature"] });
    expect(partial.status).toBe(401);

    // A body that is not UTF-8 cannot be checked byte for byte by the signature library: refused, with what to do.
    const windows1250 = Buffer.from([0x5b, 0x22, 0xaf, 0xf3, 0xb3, 0x74, 0x79, 0x22, 0x5d]); // ["Żółty"]
    const latin = await fetch(`${server.url}${flow.path}`, {
      method: "POST",
      headers: { "content-type": "text/csv; charset=windows-1250", ...signedHeaders(flow.secret, windows1250) },
      body: windows1250,
    });
    expect(latin.status).toBe(400);
    expect(((await latin.json()) as { error: string }).error).toMatch(/must be UTF-8 text.*turn off “Require signature”/);

    expect(await runsOf(flow.flowId)).toEqual([]);
    expect(await deliveriesOf(flow.flowId)).toBe(0);

    // The right secret is accepted, also among several signatures (the sender rotating its own).
    const good = await post(server, flow.path, body, signedHeaders(flow.secret, body));
    expect(good.status).toBe(202);
    const both = signedHeaders(flow.secret, body);
    const several = await post(server, flow.path, body, { ...both, "webhook-signature": `v1,bm90IHRoZSBzaWduYXR1cmU= ${both["webhook-signature"]}` });
    expect(several.status).toBe(202);
    expect(await runsOf(flow.flowId)).toHaveLength(2);
  });

  it("accepts the previous secret until it expires, after a rotation", async () => {
    const flow = await webhookFlow({ requireSignature: true });
    const next = newSigningSecret();
    const body = JSON.stringify(products);
    await database.db
      .update(flowWebhooks)
      .set({ secretCiphertext: secrets.encrypt(next), previousSecretCiphertext: secrets.encrypt(flow.secret), previousSecretExpiresAt: new Date(Date.now() + 60_000) })
      .where(eq(flowWebhooks.flowId, flow.flowId));
    expect((await post(server, flow.path, body, signedHeaders(next, body))).status).toBe(202);
    expect((await post(server, flow.path, body, signedHeaders(flow.secret, body))).status).toBe(202);

    await database.db.update(flowWebhooks).set({ previousSecretExpiresAt: new Date(Date.now() - 1_000) }).where(eq(flowWebhooks.flowId, flow.flowId));
    expect((await post(server, flow.path, body, signedHeaders(flow.secret, body))).status).toBe(401);
    expect((await post(server, flow.path, body, signedHeaders(next, body))).status).toBe(202);
    expect(await runsOf(flow.flowId)).toHaveLength(3);
  });

  it("answers 413 to a body over the limit, at once for a declared length and mid-stream for a chunked one, and starts nothing", async () => {
    const limit = 64 * 1024;
    const small = await serve({ maxBodyBytes: limit });
    const flow = await webhookFlow();

    // Declared too large: answered before a byte of the body is sent.
    const declared = await rawPost(small, flow.path, { "content-length": String(limit + 1) }, { sendBody: false });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatch(/larger than this webhook's limit of 64 KB/);

    // Chunked, no length: the sender keeps sending until it hears back; the answer comes while it still is.
    const chunked = await rawPost(small, flow.path, { "transfer-encoding": "chunked" }, { sendBody: true, capBytes: 64 * limit });
    expect(chunked.status).toBe(413);
    expect(chunked.sentBeforeAnswer).toBeGreaterThan(limit);
    expect(chunked.answeredWhileSending).toBe(true);

    // At the limit exactly, it is accepted.
    const fits = await post(small, flow.path, JSON.stringify([{ sku: "X", name: "x".repeat(limit - 40) }]).padEnd(limit, " "));
    expect(fits.status).toBe(202);
    expect(await runsOf(flow.flowId)).toHaveLength(1);
    expect(await deliveriesOf(flow.flowId)).toBe(1);
  });

  it("answers 404, the same for all, to an unknown token, a disabled or unpublished flow, and a flow without a webhook trigger; 405 to other methods", async () => {
    const disabled = await webhookFlow({ enabled: false });
    const unpublished = await webhookFlow({ published: false });
    const manual = await webhookFlow({ trigger: "trigger.manual" });
    const answers = await Promise.all([`/api/hooks/${newToken()}`, "/api/hooks/", disabled.path, unpublished.path, manual.path].map((path) => post(server, path, "[]")));
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    expect(new Set(answers.map((a) => a.body.error)).size).toBe(1);
    expect(answers[0]!.body.error).toMatch(/No webhook is listening at this address.*published .* and enabled/);
    for (const flow of [disabled, unpublished, manual]) expect(await deliveriesOf(flow.flowId)).toBe(0);

    // Enabling the flow opens the address.
    await database.db.update(flows).set({ enabled: true }).where(eq(flows.id, disabled.flowId));
    expect((await post(server, disabled.path, "[]")).status).toBe(202);

    const get = await fetch(`${server.url}${disabled.path}`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(((await get.json()) as { error: string }).error).toMatch(/sent with POST/);
  });

  it("answers 429 with Retry-After over the flow's rate limit, per flow", async () => {
    const limited = await serve({ rateLimiter: new RateLimiterMemory({ points: 2, duration: 30 }) });
    const flow = await webhookFlow();
    const other = await webhookFlow();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(limited, flow.path, "[]"));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 429]);
    const retryAfter = Number(answers[2]!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(answers[2]!.body.error).toMatch(/at most 2 webhook requests per 30 seconds.*again in \d+ s/);
    expect(await runsOf(flow.flowId)).toHaveLength(2);
    // Another flow has its own budget.
    expect((await post(limited, other.path, "[]")).status).toBe(202);
  });

  it("a webhook run, run by a real worker, writes the posted records; a run whose stored request is gone fails saying so", async () => {
    // The earlier tests' queued runs are not this test's business.
    await database.pool.query("select graphile_worker.permanently_fail_jobs(array(select id from graphile_worker.jobs), 'left over by an earlier test')");
    const flow = await webhookFlow({ requireSignature: true });
    const body = JSON.stringify(products);
    const accepted = await post(server, flow.path, body, signedHeaders(flow.secret, body));
    expect(accepted.status).toBe(202);
    const gone = await post(server, flow.path, "[]", signedHeaders(flow.secret, "[]"));
    const [goneRun] = await database.db.select().from(runs).where(eq(runs.id, gone.body.runId!));
    await database.db.delete(webhookDeliveries).where(eq(webhookDeliveries.id, goneRun!.webhookDeliveryId!));

    worker = await startTestWorker({ db: database.db, pool: database.pool, secrets });
    const run = await finished(accepted.body.runId!);
    expect(run.error).toBeNull();
    expect(run.status).toBe("succeeded");
    expect(run.counts).toEqual({ read: 3, written: 3, errors: 0 });
    const rows = await database.pool.query("select sku, name, price::float8 as price, stock from shop.products where sku like 'W-%' order by sku");
    expect(rows.rows).toEqual(products);

    const failed = await finished(gone.body.runId!);
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toBe(WEBHOOK_DELIVERY_GONE);
  });
});

async function finished(runId: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [row] = await database.db.select().from(runs).where(eq(runs.id, runId));
    if (row && ["succeeded", "succeeded_with_errors", "failed", "cancelled"].includes(row.status)) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish in 30 s`);
}

/**
 * A POST through node:http, where the test controls the framing: a declared length with no body, or
 * a chunked body sent 16 KB at a time until the answer arrives (or `capBytes` were sent).
 */
function rawPost(target: WebhookServer, path: string, headers: Record<string, string>, options: { sendBody: boolean; capBytes?: number }) {
  return new Promise<{ status: number; body: string; sentBeforeAnswer: number; answeredWhileSending: boolean }>((resolve, reject) => {
    let sent = 0;
    let finishedSending = false;
    let answered = false;
    const req = httpRequest(`${target.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      const answeredWhileSending = !finishedSending;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), sentBeforeAnswer, answeredWhileSending });
        req.destroy();
      });
    });
    // The server may close the connection once it has answered; that is not this test's failure.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    if (!options.sendBody) {
      req.flushHeaders();
      return;
    }
    const chunk = Buffer.alloc(16 * 1024, "a");
    const pump = () => {
      while (!answered && sent < (options.capBytes ?? Infinity)) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) {
        finishedSending = true;
        req.end();
      }
    };
    pump();
  });
}
