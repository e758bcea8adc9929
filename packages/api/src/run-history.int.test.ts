import { auditLog, lineage, recordErrors, runs, runSamples } from "@flowgate/db";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtureFlow } from "./fixtures";
import { createTestApi, type TestUser } from "./testing";

/**
 * runs.retry, retryFailed, samples, errors, dismissErrors and lineage.search over history rows as a
 * worker leaves them (no worker runs here: the runs stay queued unless a test ends them).
 */

let api: Awaited<ReturnType<typeof createTestApi>>;
let editor: TestUser;

beforeAll(async () => {
  api = await createTestApi();
  await installWorkerSchema(api.database.pool);
  editor = await api.signUp("Erin");
});

afterAll(async () => {
  await api?.dispose();
});

async function publishedFlow(name: string) {
  const { id: flowId } = await editor.caller.flows.create({ name });
  await editor.caller.flows.saveDraft({ flowId, document: validFixtureFlow(), baseRevision: 0 });
  const { versionId } = await editor.caller.flows.publish({ flowId });
  return { flowId, versionId };
}

/** A run of the flow that ended (as a worker would end it) with these dead letters, by key (null: without its record). */
async function endedRun(flowId: string, status: "succeeded_with_errors" | "failed" = "succeeded_with_errors", count = 0) {
  const { runId } = await editor.caller.runs.start({ flowId });
  await api.database.db.update(runs).set({ status, finishedAt: new Date() }).where(eq(runs.id, runId));
  if (count > 0) {
    await api.database.pool.query(
      `insert into record_errors (run_id, node_id, batch_index, record_index, key, message, record)
       select $1, 'write', i / 1000, i % 1000, 'SKU-' || i, 'refused: price must be positive', jsonb_build_object('sku', 'SKU-' || i, 'price', -1 - i)
       from generate_series(0, $2 - 1) as i`,
      [runId, count],
    );
  }
  return runId;
}

const auditActions = async (targetId: string) =>
  (await api.database.db.select({ action: auditLog.action, details: auditLog.details }).from(auditLog).where(eq(auditLog.targetId, targetId)));

describe("runs.errors", () => {
  it("pages a run's dead letters by id, in the order they arose, without gaps or repeats, with 100,000 of them", async () => {
    const { flowId } = await publishedFlow("Many errors");
    const runId = await endedRun(flowId, "succeeded_with_errors", 100_000);
    const first = await editor.caller.runs.errors({ runId, limit: 500 });
    expect(first.items).toHaveLength(500);
    expect(first.items[0]).toMatchObject({
      nodeId: "write",
      batchIndex: 0,
      index: 0,
      key: "SKU-0",
      message: "refused: price must be positive",
      record: { sku: "SKU-0", price: -1 },
      status: "open",
      attempt: 1,
      retriedBy: null,
    });
    const second = await editor.caller.runs.errors({ runId, limit: 500, cursor: first.nextCursor! });
    expect(second.items[0]!.key).toBe("SKU-500");
    expect(second.items[0]!.id).toBeGreaterThan(first.items.at(-1)!.id);

    // Deep in the list, a page is found the same way; the last page says there is no next one.
    const deep = await editor.caller.runs.errors({ runId, limit: 500, cursor: String(first.items[0]!.id + 99_499) });
    expect(deep.items.map((e) => e.key)).toEqual(Array.from({ length: 500 }, (_, i) => `SKU-${99_500 + i}`));
    expect(deep.nextCursor).toBeNull();

    await expect(editor.caller.runs.errors({ runId, cursor: "not-a-cursor" })).rejects.toThrow(/no longer valid/);
  });

  it("filters by status and by step, and dismissErrors dismisses the open ones asked for (or all), with an audit entry", async () => {
    const { flowId } = await publishedFlow("Some errors");
    const runId = await endedRun(flowId, "succeeded_with_errors", 12);
    // One record failed in another step: the step's panel lists only its own, however many the run has.
    await api.database.db.insert(recordErrors).values({ runId, nodeId: "read", batchIndex: 3, index: 0, key: "SKU-X", message: "not JSON", record: { raw: "<" } });
    expect((await editor.caller.runs.errors({ runId, nodeId: "read" })).items.map((e) => e.key)).toEqual(["SKU-X"]);
    expect((await editor.caller.runs.errors({ runId, nodeId: "write", limit: 100 })).items).toHaveLength(12);
    expect((await editor.caller.runs.errors({ runId, nodeId: "nowhere" })).items).toEqual([]);
    await api.database.db.delete(recordErrors).where(and(eq(recordErrors.runId, runId), eq(recordErrors.nodeId, "read")));
    // What the run page offers to retry.
    expect((await editor.caller.runs.get({ runId })).retryableErrors).toBe(12);
    const all = (await editor.caller.runs.errors({ runId })).items;
    const chosen = [all[0]!.id, all[1]!.id];
    expect(await editor.caller.runs.dismissErrors({ runId, ids: chosen })).toEqual({ dismissed: 2 });
    // Twice is harmless: only open ones are dismissed.
    expect(await editor.caller.runs.dismissErrors({ runId, ids: chosen })).toEqual({ dismissed: 0 });
    expect((await editor.caller.runs.errors({ runId, status: "dismissed" })).items.map((e) => e.id)).toEqual(chosen);
    const open = await editor.caller.runs.errors({ runId, status: "open", limit: 4 });
    expect(open.items.map((e) => e.key)).toEqual(["SKU-2", "SKU-3", "SKU-4", "SKU-5"]);
    const rest = await editor.caller.runs.errors({ runId, status: "open", limit: 100, cursor: open.nextCursor! });
    expect(rest.items.map((e) => e.key)).toEqual(["SKU-6", "SKU-7", "SKU-8", "SKU-9", "SKU-10", "SKU-11"]);

    expect(await editor.caller.runs.dismissErrors({ runId })).toEqual({ dismissed: 10 });
    expect((await editor.caller.runs.errors({ runId, status: "open" })).items).toEqual([]);
    expect((await editor.caller.runs.get({ runId })).retryableErrors).toBe(0);
    expect((await auditActions(runId)).filter((a) => a.action === "run.dismissErrors").map((a) => a.details)).toEqual([
      { dismissed: 2, ids: chosen },
      { dismissed: 0, ids: chosen },
      { dismissed: 10 },
    ]);
    // Nothing left to send again.
    await expect(editor.caller.runs.retryFailed({ runId })).rejects.toThrow(/no failed records left to retry.*use “Retry” instead/);
  });
});

describe("runs.retryFailed", () => {
  it("queues a failed-records run pinned to the same version, once, and refuses while the run is still going", async () => {
    const { flowId, versionId } = await publishedFlow("Retry failed");
    const { runId: running } = await editor.caller.runs.start({ flowId });
    await expect(editor.caller.runs.retryFailed({ runId: running })).rejects.toThrow(/still queued.*Wait for it to end, or cancel it first/);

    const runId = await endedRun(flowId, "succeeded_with_errors", 3);
    // A dead letter without its record (from a step's finish) cannot be sent again and is not counted.
    await api.database.db.insert(recordErrors).values({ runId, nodeId: "write", batchIndex: -1, index: -1, message: "could not close the file" });
    // A newer version does not matter: the failed records go back into the version they failed in.
    await editor.caller.flows.publish({ flowId });

    const retry = await editor.caller.runs.retryFailed({ runId });
    expect(retry.records).toBe(3);
    const [row] = await api.database.db.select().from(runs).where(eq(runs.id, retry.runId));
    expect(row).toMatchObject({ mode: "failed-records", retryOf: runId, flowVersionId: versionId, status: "queued", trigger: "manual", createdBy: editor.id });
    expect((await auditActions(retry.runId)).map((a) => [a.action, a.details])).toEqual([["run.retryFailed", { retryOf: runId, records: 3 }]]);

    // A second click while that one is queued makes no second retry.
    await expect(editor.caller.runs.retryFailed({ runId })).rejects.toThrow(/already queued or running/);
    const retries = await api.database.db.select().from(runs).where(eq(runs.retryOf, runId));
    expect(retries).toHaveLength(1);
  });

  it("two retries at once make one run", async () => {
    const { flowId } = await publishedFlow("Double click");
    const runId = await endedRun(flowId, "succeeded_with_errors", 2);
    const results = await Promise.allSettled([editor.caller.runs.retryFailed({ runId }), editor.caller.runs.retryFailed({ runId })]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await api.database.db.select().from(runs).where(and(eq(runs.retryOf, runId), eq(runs.mode, "failed-records")))).toHaveLength(1);
  });
});

describe("runs.retry", () => {
  it("starts a new full run from the start, with the same or the latest version, pointing back at the run", async () => {
    const { flowId, versionId } = await publishedFlow("Retry all");
    const { runId: running } = await editor.caller.runs.start({ flowId });
    await expect(editor.caller.runs.retry({ runId: running, version: "same" })).rejects.toThrow(/still queued/);

    const runId = await endedRun(flowId, "failed");
    const { versionId: latest } = await editor.caller.flows.publish({ flowId });
    const same = await editor.caller.runs.retry({ runId, version: "same" });
    const newer = await editor.caller.runs.retry({ runId, version: "latest" });
    const rows = await api.database.db.select().from(runs).where(eq(runs.retryOf, runId));
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(same.runId)).toMatchObject({ flowVersionId: versionId, mode: "full", status: "queued", trigger: "manual", createdBy: editor.id });
    expect(byId.get(newer.runId)).toMatchObject({ flowVersionId: latest, mode: "full", status: "queued" });
    expect((await auditActions(newer.runId)).map((a) => [a.action, a.details])).toEqual([["run.retry", { retryOf: runId, version: "latest", versionId: latest }]]);
    expect((await editor.caller.runs.list({ flowId, status: "queued" })).items.map((r) => r.id)).toEqual(expect.arrayContaining([same.runId, newer.runId]));
  });
});

describe("runs.samples", () => {
  it("returns the first records that left a node by a port, and none for a port that saw none", async () => {
    const { flowId } = await publishedFlow("Samples");
    const runId = await endedRun(flowId);
    const records = Array.from({ length: 20 }, (_, i) => ({ sku: `SKU-${i}`, price: i }));
    await api.database.db.insert(runSamples).values({ runId, nodeId: "cheap", port: "kept", records });
    const sample = await editor.caller.runs.samples({ runId, nodeId: "cheap", port: "kept" });
    expect(sample).toMatchObject({ nodeId: "cheap", port: "kept", records });
    expect(sample.takenAt).not.toBeNull();
    expect(await editor.caller.runs.samples({ runId, nodeId: "cheap", port: "discarded" })).toEqual({ nodeId: "cheap", port: "discarded", records: [], takenAt: null });
  });
});

describe("lineage.search", () => {
  it("finds a key's history across flows, newest first, with the flow's name and how its run ended, page by page", async () => {
    const one = await publishedFlow("Prices");
    const two = await publishedFlow("Stock");
    const failedRun = await endedRun(one.flowId, "succeeded_with_errors");
    const laterRun = await endedRun(two.flowId, "failed");
    const row = (flowId: string, runId: string, outcome: "written" | "failed", detail: string, at: string) => ({
      workspaceId: editor.workspaceId,
      flowId,
      runId,
      nodeId: "write",
      key: "SKU-42",
      op: outcome === "written" ? "update" : "error",
      outcome,
      detail,
      record: { sku: "SKU-42" },
      createdAt: new Date(at),
    });
    await api.database.db.insert(lineage).values([
      row(one.flowId, failedRun, "failed", "HTTP 422: price must be positive", "2024-05-01T10:00:00Z"),
      row(one.flowId, failedRun, "written", "HTTP 200", "2024-05-01T11:00:00Z"),
      row(two.flowId, laterRun, "written", "HTTP 201", "2024-05-01T12:00:00Z"),
      { ...row(two.flowId, laterRun, "written", "HTTP 201", "2024-05-01T13:00:00Z"), key: "SKU-43" },
    ]);
    const first = await editor.caller.lineage.search({ key: "SKU-42", limit: 2 });
    expect(first.items.map((i) => [i.flowName, i.runStatus, i.outcome, i.detail])).toEqual([
      ["Stock", "failed", "written", "HTTP 201"],
      ["Prices", "succeeded_with_errors", "written", "HTTP 200"],
    ]);
    const second = await editor.caller.lineage.search({ key: "SKU-42", limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((i) => [i.flowName, i.op, i.outcome, i.detail])).toEqual([["Prices", "error", "failed", "HTTP 422: price must be positive"]]);
    expect(second.nextCursor).toBeNull();
    expect((await editor.caller.lineage.search({ key: "SKU-404" })).items).toEqual([]);
  });
});
