import { flows, flowVersions, lineage, newId, recordErrors, runs, runSamples, webhookDeliveries, workspaces, workspaceSettings, type RunStatus } from "@flowgate/db";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneHistory } from "./prune-history";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.dispose());

const NOW = new Date("2026-12-01T03:17:00Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

async function workspace(retentionDays?: number) {
  const workspaceId = newId();
  await database.db.insert(workspaces).values({ id: workspaceId, name: "Pruned", slug: `prune-${workspaceId}` });
  if (retentionDays !== undefined) await database.db.insert(workspaceSettings).values({ workspaceId, retentionDays });
  const flowId = newId();
  const versionId = newId();
  const document = { schemaVersion: 1, nodes: [], edges: [], settings: {} };
  await database.db.insert(flows).values({ id: flowId, workspaceId, name: "History", draft: document as never });
  await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
  return { workspaceId, flowId, versionId };
}

/** A run of `days` ago with what it left behind: `rows` samples, dead letters and lineage rows, and the webhook delivery that started it. */
async function historyOf(ws: Awaited<ReturnType<typeof workspace>>, days: number, options: { rows?: number; status?: RunStatus } = {}) {
  const at = daysAgo(days);
  const runId = newId();
  const deliveryId = newId();
  const rows = options.rows ?? 1;
  await database.db.insert(webhookDeliveries).values({ id: deliveryId, workspaceId: ws.workspaceId, flowId: ws.flowId, webhookId: deliveryId, runId, body: Buffer.from("[]"), receivedAt: at });
  await database.db.insert(runs).values({
    id: runId,
    workspaceId: ws.workspaceId,
    flowId: ws.flowId,
    flowVersionId: ws.versionId,
    trigger: "webhook",
    status: options.status ?? "succeeded",
    webhookDeliveryId: deliveryId,
    createdAt: at,
  });
  const each = Array.from({ length: rows }, (_, i) => i);
  await database.db.insert(runSamples).values(each.map((i) => ({ runId, nodeId: `node-${i}`, port: "out", records: [{ sku: `S-${i}` }], createdAt: at })));
  await database.db.insert(recordErrors).values(each.map((i) => ({ runId, nodeId: "shop", batchIndex: 0, index: i, key: `S-${i}`, message: "refused", createdAt: at })));
  await database.db.insert(lineage).values(
    each.map((i) => ({ workspaceId: ws.workspaceId, flowId: ws.flowId, runId, nodeId: "shop", key: `S-${i}`, op: "upsert", outcome: "written" as const, createdAt: at })),
  );
  return { runId, deliveryId };
}

async function leftOf(runIds: string[]) {
  const count = async (rows: Promise<{ runId: string | null }[]>) => {
    const byRun = new Map<string, number>();
    for (const row of await rows) byRun.set(row.runId!, (byRun.get(row.runId!) ?? 0) + 1);
    return runIds.map((id) => byRun.get(id) ?? 0);
  };
  return {
    samples: await count(database.db.select({ runId: runSamples.runId }).from(runSamples).where(inArray(runSamples.runId, runIds))),
    errors: await count(database.db.select({ runId: recordErrors.runId }).from(recordErrors).where(inArray(recordErrors.runId, runIds))),
    lineage: await count(database.db.select({ runId: lineage.runId }).from(lineage).where(inArray(lineage.runId, runIds))),
    deliveries: await count(database.db.select({ runId: webhookDeliveries.runId }).from(webhookDeliveries).where(inArray(webhookDeliveries.runId, runIds))),
    runs: await count(database.db.select({ runId: runs.id }).from(runs).where(inArray(runs.id, runIds))),
  };
}

describe("prune-history", () => {
  it("removes each workspace's samples, dead letters, lineage and webhook bodies older than its retention, in chunks; recent rows and runs stay", async () => {
    const week = await workspace(7);
    const standard = await workspace(); // no settings row: 30 days
    const weekRuns = [await historyOf(week, 3), await historyOf(week, 10, { rows: 11 }), await historyOf(week, 40)];
    const standardRuns = [await historyOf(standard, 3), await historyOf(standard, 10), await historyOf(standard, 40, { rows: 9 })];
    // An old delivery whose run has not run yet: its body is what the run will read.
    const waiting = await historyOf(standard, 45, { status: "queued" });

    // Chunks of 4 rows: the 11 old rows of one run take several statements.
    const pruned = await pruneHistory(database.db, { now: NOW, chunkRows: 4 });

    expect(await leftOf(weekRuns.map((r) => r.runId))).toEqual({ samples: [1, 0, 0], errors: [1, 0, 0], lineage: [1, 0, 0], deliveries: [1, 0, 0], runs: [1, 1, 1] });
    expect(await leftOf(standardRuns.map((r) => r.runId))).toEqual({ samples: [1, 1, 0], errors: [1, 1, 0], lineage: [1, 1, 0], deliveries: [1, 1, 0], runs: [1, 1, 1] });
    expect((await leftOf([waiting.runId])).deliveries).toEqual([1]);
    expect(pruned).toEqual({ runSamples: 11 + 1 + 9 + 1, recordErrors: 11 + 1 + 9 + 1, lineage: 11 + 1 + 9 + 1, webhookDeliveries: 3 });

    // Nothing left to do: a second pass removes nothing.
    expect(await pruneHistory(database.db, { now: NOW, chunkRows: 4 })).toEqual({ runSamples: 0, recordErrors: 0, lineage: 0, webhookDeliveries: 0 });
  });

  it("follows a changed setting on the next pass", async () => {
    const ws = await workspace();
    const run = await historyOf(ws, 10);
    await pruneHistory(database.db, { now: NOW });
    expect((await leftOf([run.runId])).lineage).toEqual([1]);
    await database.db.insert(workspaceSettings).values({ workspaceId: ws.workspaceId, retentionDays: 5 });
    await pruneHistory(database.db, { now: NOW });
    expect(await leftOf([run.runId])).toEqual({ samples: [0], errors: [0], lineage: [0], deliveries: [0], runs: [1] });
    expect((await database.db.select().from(runs).where(eq(runs.id, run.runId)))[0]?.webhookDeliveryId).toBe(run.deliveryId);
  });
});
