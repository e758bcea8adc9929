import { flowSchedules, runs } from "@flowgate/db";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { syncSchedule } from "@flowgate/runtime";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { inArray } from "drizzle-orm";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublishedFlow, createWorkspace, killAll, startWorkerProcess, waitFor, type WorkerProcess } from "./testing";

const SECRET = "two-workers-secret-two-workers-secret-0123456";
/** Four ticks' batches (100 schedules per transaction): concurrent ticks in both processes each claim a share. */
const FLOWS = 400;
const TICKS = 6;

let database: TestDatabase;
let dataDir: string;
const children: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-two-workers-"));
});

afterAll(async () => {
  killAll(children);
  await database?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("two worker processes", () => {
  it("ticking at the same moment, start every due schedule slot exactly once", async () => {
    const workspaceId = await createWorkspace(database.db, "Two workers");
    const document = {
      schemaVersion: 1,
      nodes: [{ id: "start", kind: "trigger.schedule", kindVersion: 1, label: "Every New Year", position: { x: 0, y: 0 }, config: { mode: "cron", cron: "0 0 1 1 *" } }],
      edges: [],
      settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
    };
    // Published over a year ago: each flow's next slot (a New Year) is due, and the one after it is
    // months away, so no tick (the test's, or a worker's own crontab on the minute) can find a second.
    const publishedAt = new Date(Date.now() - 400 * 24 * 3600_000);
    const flowIds: string[] = [];
    for (let i = 0; i < FLOWS; i++) {
      const { flowId } = await createPublishedFlow(database.db, workspaceId, document, `Scheduled ${i}`);
      await syncSchedule(database.db, flowId, publishedAt);
      flowIds.push(flowId);
    }
    const due = new Map((await database.db.select().from(flowSchedules).where(inArray(flowSchedules.flowId, flowIds))).map((s) => [s.flowId, s.nextRunAt]));
    expect([...due.values()].every((slot) => slot.getTime() <= Date.now())).toBe(true);

    const env = { DATABASE_URL: database.connectionString, FLOWGATE_SECRET: SECRET, FLOWGATE_DATA_DIR: dataDir, LOG_LEVEL: "info" };
    const workers = [startWorkerProcess(env), startWorkerProcess(env)];
    children.push(...workers);
    const output = () => workers.map((w, i) => `--- worker ${i + 1}\n${w.output()}`).join("\n");
    await waitFor("both workers to start", async () => (workers.every((w) => w.output().includes('"msg":"worker started"')) ? true : undefined), 20_000, output);

    // Several ticks at once, as if both workers' crontabs fired together (no waiting for the minute).
    await database.pool.query(`select graphile_worker.add_job('schedule-tick', '{}') from generate_series(1, ${TICKS})`);
    await waitFor(
      "the ticks to be done",
      async () => {
        const left = await database.pool.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'schedule-tick'");
        return left.rows[0].n === 0 ? true : undefined;
      },
      20_000,
      output,
    );

    const started = await database.db.select({ flowId: runs.flowId, scheduledFor: runs.scheduledFor, trigger: runs.trigger }).from(runs).where(inArray(runs.flowId, flowIds));
    const perFlow = new Map<string, Date[]>();
    for (const run of started) perFlow.set(run.flowId, [...(perFlow.get(run.flowId) ?? []), run.scheduledFor!]);
    const wrong = flowIds.filter((flowId) => perFlow.get(flowId)?.length !== 1 || perFlow.get(flowId)![0]!.getTime() !== due.get(flowId)!.getTime());
    expect(wrong.map((flowId) => ({ flowId, due: due.get(flowId), runs: perFlow.get(flowId) ?? [] })), output()).toEqual([]);
    expect(started.every((r) => r.trigger === "schedule")).toBe(true);

    // Every schedule moved on past its slot; both workers are still up, and no tick (nor anything but
    // the runs, whose trigger-only flow has nothing to read) logged an error.
    const moved = await database.db.select().from(flowSchedules).where(inArray(flowSchedules.flowId, flowIds));
    expect(moved.filter((s) => s.nextRunAt.getTime() <= due.get(s.flowId)!.getTime())).toEqual([]);
    expect(workers.map((w) => w.child.exitCode)).toEqual([null, null]);
    const errors = output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { level: number; runId?: string })
      .filter((event) => event.level >= 50 && event.runId === undefined);
    expect(errors).toEqual([]);
  }, 60_000);
});
