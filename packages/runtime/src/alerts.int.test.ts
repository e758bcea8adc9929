import { alerts, changeSets, flowAlertSettings, runEvents, runs } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import type { TestDatabase } from "@flowgate/db/testing";
import type { SupplierApi } from "@flowgate/testkit";
import { asc, eq, sql } from "drizzle-orm";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeChangeSetsOfEndedRuns } from "./decisions";
import { enqueueRun } from "./enqueue";
import { silentLog } from "./log";
import { createRuntimeServices, type RuntimeServices } from "./services";
import { createSweepRunsTask } from "./tasks/sweep-runs";
import {
  createPublishedFlow,
  decideItems,
  runRow,
  startSupplierToShopFixture,
  startWebhookReceiver,
  supplierToShopFlow,
  supplierToShopWithApprovalFlow,
  TEST_APP_URL,
  waitFor,
  waitForRunEnd,
  type SupplierToShopFixture,
  type WebhookReceiver,
} from "./testing";

const secrets = createSecretBox("runtime-test-secret-runtime-test-secret-0123");
const PRODUCTS = 40;

let fixture: SupplierToShopFixture;
let database: TestDatabase;
let supplier: SupplierApi;
let chat: WebhookReceiver;
/** The sweep's own services (the worker passes its own): its notices go through their HTTP client. */
let services: RuntimeServices;

beforeAll(async () => {
  fixture = await startSupplierToShopFixture({ secrets, products: PRODUCTS, seed: 23, workspaceName: "Alerts", heartbeatMs: 200 });
  ({ database, supplier } = fixture);
  chat = await startWebhookReceiver();
  services = createRuntimeServices({ db: database.db, secrets, dataDir: tmpdir(), allowLoopback: true });
});

afterAll(async () => {
  await services?.close();
  await chat?.close();
  await fixture?.dispose();
});

beforeEach(() => {
  supplier.setFault(null);
  chat.received.length = 0;
});

async function flowWith(name: string, settings: Partial<typeof flowAlertSettings.$inferInsert> | null, document?: unknown) {
  const flow = await createPublishedFlow(database.db, fixture.workspaceId, document ?? supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId: fixture.shopConnectionId }), name);
  if (settings) await database.db.insert(flowAlertSettings).values({ flowId: flow.flowId, workspaceId: fixture.workspaceId, ...settings });
  return flow;
}

async function run(flow: { flowId: string; versionId: string }) {
  const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId: fixture.workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }));
  return waitForRunEnd(database.db, runId);
}

const alertsOf = (flowId: string) => database.db.select().from(alerts).where(eq(alerts.flowId, flowId)).orderBy(asc(alerts.firstAt));
const texts = () => chat.received.map((r) => (r.body as { text: string }).text);
const sweep = () => createSweepRunsTask({ db: database.db, log: silentLog, services, appUrl: TEST_APP_URL })({}, {} as never);

describe("alerts: a flow's failures", () => {
  it("a failure raises the flow's alert and tells the chat tool once; the next failure is grouped into it; a success resolves it", async () => {
    const flow = await flowWith("Nightly prices", { webhookUrl: chat.url });
    // A 404 will not pass by itself: the run fails at once.
    supplier.setFault({ kind: "status", status: 404, path: "/products" });
    const first = await run(flow);
    expect(first.status).toBe("failed");
    const [opened] = await alertsOf(flow.flowId);
    expect(opened).toMatchObject({ kind: "run_failed", status: "open", title: "Nightly prices failed", occurrences: 1, lastRunId: first.id, workspaceId: fixture.workspaceId, readAt: null });
    expect(opened!.message).toMatch(/^The last run failed: .*404/);
    await waitFor("the chat notice", async () => (chat.received.length > 0 ? true : undefined));
    expect(texts()).toEqual([expect.stringMatching(new RegExp(`^Nightly prices failed: .*404.* ${TEST_APP_URL}/runs/${first.id}$`))]);
    expect(chat.received[0]!.type).toMatch(/^application\/json/);
    const ended = await database.db.select().from(runEvents).where(eq(runEvents.runId, first.id)).orderBy(asc(runEvents.id));
    expect(ended.at(-1)).toMatchObject({ level: "error", message: expect.stringMatching(/^Failed: .*404/), details: expect.objectContaining({ status: "failed", nodeId: "read" }) });

    const second = await run(flow);
    expect(second.status).toBe("failed");
    expect(await alertsOf(flow.flowId)).toEqual([expect.objectContaining({ id: opened!.id, status: "open", occurrences: 2, lastRunId: second.id, firstAt: opened!.firstAt })]);
    // The grouped failure sends nothing: still the one notice.
    await new Promise((r) => setTimeout(r, 200));
    expect(chat.received).toHaveLength(1);

    supplier.setFault(null);
    expect((await run(flow)).status).toBe("succeeded");
    expect(await alertsOf(flow.flowId)).toEqual([expect.objectContaining({ id: opened!.id, status: "resolved", occurrences: 2, resolvedAt: expect.any(Date) })]);

    // Failing again after it recovered: a new alert, and a new notice.
    supplier.setFault({ kind: "status", status: 404, path: "/products" });
    const third = await run(flow);
    const both = await alertsOf(flow.flowId);
    expect(both.map((a) => [a.status, a.occurrences, a.lastRunId])).toEqual([
      ["resolved", 2, second.id],
      ["open", 1, third.id],
    ]);
    await waitFor("the second notice", async () => (chat.received.length > 1 ? true : undefined));
    expect(texts()[1]).toMatch(new RegExp(`${TEST_APP_URL}/runs/${third.id}$`));
  });

  it("a flow without settings alerts on failure (the default); one whose settings say no raises nothing", async () => {
    supplier.setFault({ kind: "status", status: 404, path: "/products" });
    const byDefault = await flowWith("Default settings", null);
    expect((await run(byDefault)).status).toBe("failed");
    expect(await alertsOf(byDefault.flowId)).toEqual([expect.objectContaining({ status: "open", occurrences: 1 })]);

    const quiet = await flowWith("Quiet flow", { onFailure: false, webhookUrl: chat.url });
    expect((await run(quiet)).status).toBe("failed");
    expect(await alertsOf(quiet.flowId)).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(chat.received).toEqual([]);
  });
});

describe("alerts: changes waiting for approval", () => {
  /** A run of a fresh approval flow that waits for decisions on every product; its change set. */
  async function waitingRun(name: string, settings: Partial<typeof flowAlertSettings.$inferInsert>) {
    const flow = await flowWith(name, settings, supplierToShopWithApprovalFlow({ supplierUrl: supplier.url, shopConnectionId: fixture.shopConnectionId, review: {} }));
    const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId: fixture.workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }));
    await waitFor("the run to wait for approval", async () => ((await runRow(database.db, runId)).status === "awaiting_approval" ? true : undefined));
    const [set] = await database.db.select().from(changeSets).where(eq(changeSets.runId, runId));
    return { flow, runId, set: set! };
  }

  /** The change set was made this long ago (the sweep reads the database's clock against created_at). */
  const age = (changeSetId: string, hours: number) =>
    database.db.update(changeSets).set({ createdAt: sql`now() - ${hours}::float8 * interval '1 hour'` }).where(eq(changeSets.id, changeSetId));

  it("the sweep raises one alert for a change set waiting longer than the flow's hours, tells the chat tool, and the decision resolves it", async () => {
    const { flow, runId, set } = await waitingRun("Prices to approve", { approvalsWaitingHours: 4, webhookUrl: chat.url });
    await age(set.id, 3.9);
    await sweep();
    expect(await alertsOf(flow.flowId)).toEqual([]);

    await age(set.id, 4.1);
    await sweep();
    await sweep();
    const [alert] = await alertsOf(flow.flowId);
    expect(await alertsOf(flow.flowId)).toHaveLength(1);
    expect(alert).toMatchObject({
      kind: "approvals_waiting",
      status: "open",
      title: "Prices to approve: changes wait for approval",
      message: `${PRODUCTS} changes have waited more than 4 hours for approval. Open the change set to approve or reject them; the run sends the approved ones on.`,
      changeSetId: set.id,
      lastRunId: runId,
    });
    expect(texts()).toEqual([`Prices to approve: ${PRODUCTS} changes have waited more than 4 hours for approval: ${TEST_APP_URL}/approvals/${set.id}`]);

    await decideItems(database.db, set.id, supplier.products.map((p) => p.sku), "approved");
    expect((await waitForRunEnd(database.db, runId)).status).toBe("succeeded");
    expect(await alertsOf(flow.flowId)).toEqual([expect.objectContaining({ id: alert!.id, status: "resolved", resolvedAt: expect.any(Date) })]);
  });

  it("a flow without waiting hours raises none; a change set closed because its run ended resolves its alert", async () => {
    const never = await waitingRun("No waiting alerts", { approvalsWaitingHours: null });
    await age(never.set.id, 100);
    await sweep();
    expect(await alertsOf(never.flow.flowId)).toEqual([]);

    const ended = await waitingRun("Ended while waiting", { approvalsWaitingHours: 1 });
    await age(ended.set.id, 2);
    await sweep();
    expect(await alertsOf(ended.flow.flowId)).toEqual([expect.objectContaining({ status: "open", changeSetId: ended.set.id })]);
    // Cancelled while it waits (as the API does): its change set closes, and the alert goes with it.
    await database.db.transaction(async (tx) => {
      await tx.update(runs).set({ status: "cancelled", finishedAt: new Date() }).where(eq(runs.id, ended.runId));
      await closeChangeSetsOfEndedRuns(tx, { runId: ended.runId });
    });
    expect((await database.db.select().from(changeSets).where(eq(changeSets.id, ended.set.id)))[0]!.status).toBe("decided");
    expect(await alertsOf(ended.flow.flowId)).toEqual([expect.objectContaining({ status: "resolved", resolvedAt: expect.any(Date) })]);
  });
});
