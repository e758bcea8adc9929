import { recordErrors, runBatches, runEvents, runs } from "@flowgate/db";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtureFlow } from "./fixtures";
import { createTestApi, type TestUser } from "./testing";

/**
 * runs.list's search, runs.events and runs.batches (the run page's log and timeline), retryFailed
 * with chosen ids (the claim the runtime replays), and the log lines people's actions leave. No
 * worker runs here: runs end when a test says so (destination-faults.int.test.ts replays for real).
 */

let api: Awaited<ReturnType<typeof createTestApi>>;
let erin: TestUser;

beforeAll(async () => {
  api = await createTestApi();
  await installWorkerSchema(api.database.pool);
  erin = await api.signUp("Erin");
});

afterAll(async () => {
  await api?.dispose();
});

async function publishedFlow(name: string) {
  const { id: flowId } = await erin.caller.flows.create({ name });
  await erin.caller.flows.saveDraft({ flowId, document: validFixtureFlow(), baseRevision: 0 });
  await erin.caller.flows.publish({ flowId });
  return flowId;
}

/** A run of the flow that ended with `count` dead letters (SKU-0…), as a worker leaves it. */
async function endedRun(flowId: string, count = 0) {
  const { runId } = await erin.caller.runs.start({ flowId });
  await api.database.db.update(runs).set({ status: "succeeded_with_errors", finishedAt: new Date() }).where(eq(runs.id, runId));
  if (count > 0) {
    await api.database.pool.query(
      `insert into record_errors (run_id, node_id, batch_index, record_index, key, message, record)
       select $1, 'write', 0, i, 'SKU-' || i, 'refused', jsonb_build_object('sku', 'SKU-' || i) from generate_series(0, $2 - 1) as i`,
      [runId, count],
    );
  }
  return runId;
}

const lettersOf = (runId: string) =>
  api.database.db
    .select({ id: recordErrors.id, key: recordErrors.key, status: recordErrors.status, retriedBy: recordErrors.retriedBy })
    .from(recordErrors)
    .where(eq(recordErrors.runId, runId))
    .orderBy(asc(recordErrors.id));

const logOf = async (runId: string) => (await erin.caller.runs.events({ runId })).items.map((e) => [e.level, e.message]);

describe("runs.list search", () => {
  it("finds runs by a part of their flow's name (any case, % and _ as themselves) or by a run's exact id", async () => {
    const prices = await publishedFlow("Supplier prices");
    const stock = await publishedFlow("Warehouse stock");
    const odd = await publishedFlow("100% _special_");
    const p1 = (await erin.caller.runs.start({ flowId: prices })).runId;
    const s1 = (await erin.caller.runs.start({ flowId: stock })).runId;
    const p2 = (await erin.caller.runs.start({ flowId: prices })).runId;
    const o1 = (await erin.caller.runs.start({ flowId: odd })).runId;

    const ids = async (input: Parameters<typeof erin.caller.runs.list>[0]) => (await erin.caller.runs.list(input)).items.map((r) => r.id);
    expect(await ids({ search: "PRICES" })).toEqual([p2, p1]);
    expect(await ids({ search: "R" })).toEqual([p2, s1, p1]);
    expect(await ids({ search: s1 })).toEqual([s1]);
    expect(await ids({ search: "100%" })).toEqual([o1]);
    expect(await ids({ search: "_" })).toEqual([o1]);
    expect(await ids({ search: "%" })).toEqual([o1]);
    expect(await ids({ search: "nothing like it" })).toEqual([]);
    // A part of an id is not a search for it.
    expect(await ids({ search: s1.slice(0, 8) })).toEqual([]);
    // With the other filters and the cursor.
    expect(await ids({ search: "prices", status: "queued", limit: 1 })).toEqual([p2]);
    const first = await erin.caller.runs.list({ search: "prices", limit: 1 });
    expect(await ids({ search: "prices", limit: 1, cursor: first.nextCursor! })).toEqual([p1]);
    // Another workspace's flow of the same name, and its run id, find nothing here.
    const other = await api.signUp("Otto");
    const { id: theirs } = await other.caller.flows.create({ name: "Supplier prices" });
    await other.caller.flows.saveDraft({ flowId: theirs, document: validFixtureFlow(), baseRevision: 0 });
    await other.caller.flows.publish({ flowId: theirs });
    const theirRun = (await other.caller.runs.start({ flowId: theirs })).runId;
    expect(await ids({ search: "prices" })).toEqual([p2, p1]);
    expect(await ids({ search: theirRun })).toEqual([]);
  });
});

describe("runs.events and runs.batches", () => {
  it("page the run's log by id and its timeline by batch, oldest first", async () => {
    const runId = await endedRun(await publishedFlow("Log"));
    await api.database.db.insert(runEvents).values(Array.from({ length: 5 }, (_, i) => ({ runId, level: i === 4 ? ("error" as const) : ("info" as const), message: `line ${i}`, details: i === 0 ? { attempt: 1 } : null })));
    const first = await erin.caller.runs.events({ runId, limit: 3 });
    expect(first.items.map((e) => [e.level, e.message, e.details])).toEqual([
      ["info", "line 0", { attempt: 1 }],
      ["info", "line 1", null],
      ["info", "line 2", null],
    ]);
    const rest = await erin.caller.runs.events({ runId, limit: 3, cursor: first.nextCursor! });
    expect(rest.items.map((e) => [e.level, e.message])).toEqual([
      ["info", "line 3"],
      ["error", "line 4"],
    ]);
    expect(rest.nextCursor).toBeNull();
    expect(Date.parse(rest.items[0]!.at)).not.toBeNaN();
    await expect(erin.caller.runs.events({ runId, cursor: "later" })).rejects.toThrow(/no longer valid/);

    // Batches written out of order come back in order; a run without any has an empty timeline.
    await api.database.db.insert(runBatches).values([2, 0, 1, 3].map((batchIndex) => ({ runId, batchIndex, records: 1000, errors: batchIndex, ms: 100 + batchIndex })));
    const batches = await erin.caller.runs.batches({ runId, limit: 3 });
    expect(batches.items.map((b) => [b.batchIndex, b.records, b.errors, b.ms])).toEqual([
      [0, 1000, 0, 100],
      [1, 1000, 1, 101],
      [2, 1000, 2, 102],
    ]);
    expect((await erin.caller.runs.batches({ runId, limit: 3, cursor: batches.nextCursor! })).items.map((b) => b.batchIndex)).toEqual([3]);
    expect(await erin.caller.runs.batches({ runId: await endedRun(await publishedFlow("Quiet")) })).toEqual({ items: [], nextCursor: null });
  });
});

describe("runs.retryFailed with ids", () => {
  it("claims exactly the chosen open dead letters for the new run, refuses others by id, and takes over a claim of a retry that ended", async () => {
    const flowId = await publishedFlow("Chosen");
    const runId = await endedRun(flowId, 6);
    const otherRunId = await endedRun(flowId, 1);
    const [a, b, c, d, e, f] = (await lettersOf(runId)).map((l) => l.id);
    const [foreign] = (await lettersOf(otherRunId)).map((l) => l.id);
    await erin.caller.runs.dismissErrors({ runId, ids: [d!] });
    await api.database.db.update(recordErrors).set({ status: "retried" }).where(eq(recordErrors.id, e!));
    await api.database.db.update(recordErrors).set({ record: null }).where(eq(recordErrors.id, f!));

    // Dismissed, retried, without a record, another run's, or no dead letter at all: refused, and nothing is queued.
    for (const bad of [d!, e!, f!, foreign!, 999_999]) {
      await expect(erin.caller.runs.retryFailed({ runId, ids: [a!, bad] })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(new RegExp(`One of the chosen failed records \\(${bad}\\) cannot be retried.*Reload the errors and choose again`)),
      });
    }
    await expect(erin.caller.runs.retryFailed({ runId, ids: [d!, e!] })).rejects.toThrow(/2 of the chosen failed records/);
    expect(await api.database.db.select().from(runs).where(eq(runs.retryOf, runId))).toEqual([]);
    expect((await lettersOf(runId)).every((l) => l.retriedBy === null)).toBe(true);

    const retry = await erin.caller.runs.retryFailed({ runId, ids: [a!, c!, a!] });
    expect(retry.records).toBe(2);
    expect((await lettersOf(runId)).map((l) => [l.key, l.status, l.retriedBy])).toEqual([
      ["SKU-0", "open", retry.runId],
      ["SKU-1", "open", null],
      ["SKU-2", "open", retry.runId],
      ["SKU-3", "dismissed", null],
      ["SKU-4", "retried", null],
      ["SKU-5", "open", null],
    ]);
    expect(await lettersOf(otherRunId)).toMatchObject([{ retriedBy: null }]);

    // That retry failed without sending them: a new retry of all takes over its claim, and claims b too (not f: no record).
    await api.database.db.update(runs).set({ status: "failed", finishedAt: new Date() }).where(eq(runs.id, retry.runId));
    const again = await erin.caller.runs.retryFailed({ runId });
    expect(again.records).toBe(3);
    expect((await lettersOf(runId)).map((l) => l.retriedBy)).toEqual([again.runId, again.runId, again.runId, null, null, null]);
    expect((await api.database.db.select().from(runs).where(and(eq(runs.retryOf, runId), eq(runs.status, "queued")))).map((r) => r.id)).toEqual([again.runId]);
  });
});

describe("the run's log of what people do", () => {
  it("says who cancelled, retried, retried failed records and dismissed them, on the run they did it to", async () => {
    const flowId = await publishedFlow("Logged");
    const { runId: queued } = await erin.caller.runs.start({ flowId });
    await erin.caller.runs.cancel({ runId: queued });
    const cancelLog = await logOf(queued);
    expect(cancelLog[0]).toEqual(["info", "Cancel asked by Erin."]);
    expect(cancelLog.at(-1)![1]).toMatch(/^Cancelled/);

    const { runId: running } = await erin.caller.runs.start({ flowId });
    await api.database.db.update(runs).set({ status: "running" }).where(eq(runs.id, running));
    await erin.caller.runs.cancel({ runId: running });
    // A worker holds it: it stops at its next checkpoint, and the worker logs that.
    expect(await logOf(running)).toEqual([["info", "Cancel asked by Erin."]]);
    expect((await erin.caller.runs.events({ runId: running })).items[0]!.details).toEqual({ by: erin.id });

    const runId = await endedRun(flowId, 3);
    const { runId: again } = await erin.caller.runs.retry({ runId, version: "latest" });
    await erin.caller.runs.dismissErrors({ runId, ids: [(await lettersOf(runId))[0]!.id] });
    const { runId: failedOnes } = await erin.caller.runs.retryFailed({ runId });
    expect(await logOf(runId)).toEqual([
      ["info", `Retry from the start (the latest version) started by Erin as run ${again}.`],
      ["info", "1 failed record dismissed by Erin: a retry of the failed records leaves it out."],
      ["info", `Retry of 2 failed records started by Erin as run ${failedOnes}.`],
    ]);
    // A dismissal that dismissed nothing leaves no line.
    await erin.caller.runs.dismissErrors({ runId, ids: [(await lettersOf(runId))[0]!.id] });
    expect(await logOf(runId)).toHaveLength(3);
  });
});
