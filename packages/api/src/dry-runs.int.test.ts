import { dryRuns, flowSchedules } from "@flowgate/db";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema, postgresConnectionParts, startTestWorker, supplierToShopFlow, waitFor, type TestWorker } from "@flowgate/runtime/testing";
import { createShopProductsTable, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let editor: TestUser;
let supplier: SupplierApi;
let shopConnectionId: string;

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  await createShopProductsTable(api.database.pool);
  supplier = await startSupplierApi({ count: 40, seed: 5 });
  editor = await api.signUp("Edith");
  const parts = postgresConnectionParts(api.database.connectionString);
  ({ id: shopConnectionId } = await editor.caller.connections.create({ kind: "postgres", name: "Shop", settings: parts.settings, secret: parts.secret }));
});

afterAll(async () => {
  await supplier?.close();
  await api?.dispose();
});

const demoDocument = () => supplierToShopFlow({ supplierUrl: supplier.url, shopConnectionId, changesOnly: true });

async function jobOf(dryRunId: string) {
  const { rows } = await api.database.pool.query<{ task_identifier: string; payload: unknown; key: string; max_attempts: number }>(
    // The jobs view hides the payload; the table holds it.
    "select t.identifier as task_identifier, j.payload, j.key, j.max_attempts from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1",
    [`dry-run:${dryRunId}`],
  );
  return rows;
}

describe("flows.dryRun and flows.dryRunResult", () => {
  it("queue the document as given, even one that does not validate, with its job in the same transaction", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Half drawn" });
    const document = { ...demoDocument(), edges: [] };
    const { dryRunId } = await editor.caller.flows.dryRun({ flowId, document });

    expect(await jobOf(dryRunId)).toEqual([{ task_identifier: "dry-run", payload: { dryRunId }, key: `dry-run:${dryRunId}`, max_attempts: 2 }]);
    const queued = await editor.caller.flows.dryRunResult({ dryRunId });
    expect(queued).toMatchObject({ id: dryRunId, flowId, status: "queued", options: { limit: 100 }, result: null, error: null, finishedAt: null });
    const [row] = await api.database.db.select().from(dryRuns).where(eq(dryRuns.id, dryRunId));
    expect(row).toMatchObject({ document, createdBy: editor.id });
  });

  it("refuse a node test of a step the document does not have", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Node test" });
    const attempt = editor.caller.flows.dryRun({ flowId, document: demoDocument(), nodeId: "gone", input: [{ sku: "A" }] });
    await expect(attempt).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(attempt).rejects.toThrow(/The step “gone” is not in this flow/);
    const { dryRunId } = await editor.caller.flows.dryRun({ flowId, document: demoDocument(), nodeId: "map", input: [{ sku: "A", price: 1 }], limit: 10 });
    expect((await editor.caller.flows.dryRunResult({ dryRunId })).options).toEqual({ limit: 10, nodeId: "map", input: [{ sku: "A", price: 1 }] });
  });

  it("come back from a worker with what the flow would do, in the result's shape", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Dry run through the API" });
    const worker: TestWorker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
    try {
      const { dryRunId } = await editor.caller.flows.dryRun({ flowId, document: demoDocument(), limit: 25 });
      const done = await waitFor("the dry run to end", async () => {
        const result = await editor.caller.flows.dryRunResult({ dryRunId });
        return result.status === "succeeded" || result.status === "failed" ? result : undefined;
      });
      expect(done.error).toBeNull();
      expect(done.status).toBe("succeeded");
      expect(done.finishedAt).not.toBeNull();
      expect(done.result).toMatchObject({ status: "succeeded", recordsRead: 25, truncated: true, edges: { e4: 25 } });
      expect(done.result!.planned.shop).toHaveLength(25);
      expect((await api.database.pool.query("select count(*)::int as n from shop.products")).rows).toEqual([{ n: 0 }]);
    } finally {
      await worker.stop();
    }
  });

  it("say a dry run failed when its worker stopped answering long ago", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Lost worker" });
    const { dryRunId } = await editor.caller.flows.dryRun({ flowId, document: demoDocument() });
    await api.database.db.update(dryRuns).set({ status: "running", startedAt: new Date(Date.now() - 11 * 60_000) }).where(eq(dryRuns.id, dryRunId));
    expect(await editor.caller.flows.dryRunResult({ dryRunId })).toMatchObject({ status: "failed", error: expect.stringMatching(/stopped before it finished/) });
    await api.database.db.update(dryRuns).set({ startedAt: new Date() }).where(eq(dryRuns.id, dryRunId));
    expect(await editor.caller.flows.dryRunResult({ dryRunId })).toMatchObject({ status: "running", error: null });
  });
});

describe("flows.list with a real schedule", () => {
  it("shows the next slot of an enabled scheduled flow, and none once it is disabled", async () => {
    const { id: flowId } = await editor.caller.flows.create({ name: "Hourly" });
    const document = demoDocument();
    document.nodes[0] = { ...document.nodes[0]!, kind: "trigger.schedule", config: { mode: "cron", cron: "0 * * * *" } };
    const { problems } = await editor.caller.flows.saveDraft({ flowId, document, baseRevision: 0 });
    expect(problems).toEqual([]);
    await editor.caller.flows.publish({ flowId });
    const entry = async () => (await editor.caller.flows.list()).find((f) => f.id === flowId)!;
    expect((await entry()).nextRunAt).toBeNull();

    await editor.caller.flows.setEnabled({ flowId, enabled: true });
    const [schedule] = await api.database.db.select().from(flowSchedules).where(eq(flowSchedules.flowId, flowId));
    const listed = await entry();
    expect(listed.nextRunAt).toBe(schedule!.nextRunAt.toISOString());
    expect(new Date(listed.nextRunAt!).getUTCMinutes()).toBe(0);
    expect(listed.triggerKind).toBe("trigger.schedule");

    await editor.caller.flows.setEnabled({ flowId, enabled: false });
    expect((await entry()).nextRunAt).toBeNull();
  });
});
