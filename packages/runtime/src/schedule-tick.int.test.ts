import { flowSchedules, flows, flowVersions, newId, runs, workspaces } from "@flowgate/db";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLog } from "./log";
import { syncSchedule } from "./schedules";
import { scheduleTick } from "./tasks/schedule-tick";
import { installWorkerSchema } from "./testing";

let database: TestDatabase;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  workspaceId = newId();
  await database.db.insert(workspaces).values({ id: workspaceId, name: "Schedule tests", slug: `schedules-${workspaceId}` });
});
afterAll(() => database?.dispose());

const at = (iso: string) => new Date(iso);
const tick = (now: Date) => scheduleTick({ db: database.db, log: silentLog }, { now });

/** A published, enabled flow started by a schedule; its row written as publish writes it. */
async function scheduledFlow(options: { schedule: Record<string, unknown>; missedSchedules?: "skip" | "once"; publishedAt: Date }) {
  const document = {
    schemaVersion: 1,
    nodes: [{ id: "start", kind: "trigger.schedule", kindVersion: 1, label: "Every minute", position: { x: 0, y: 0 }, config: options.schedule }],
    edges: [],
    settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail", ...(options.missedSchedules ? { missedSchedules: options.missedSchedules } : {}) },
  };
  const flowId = newId();
  const versionId = newId();
  await database.db.insert(flows).values({ id: flowId, workspaceId, name: "Scheduled", draft: document as never });
  await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
  await database.db.transaction(async (tx) => {
    await tx.update(flows).set({ activeVersionId: versionId, enabled: true }).where(eq(flows.id, flowId));
    await syncSchedule(tx, flowId, options.publishedAt);
  });
  return { flowId, versionId };
}

const everyMinute = { mode: "cron", cron: "* * * * *" };

async function scheduleRow(flowId: string) {
  return (await database.db.select().from(flowSchedules).where(eq(flowSchedules.flowId, flowId)))[0];
}

async function runsOf(flowId: string) {
  return database.db.select().from(runs).where(eq(runs.flowId, flowId)).orderBy(asc(runs.scheduledFor));
}

async function jobKeysOf(flowId: string): Promise<string[]> {
  const result = await database.pool.query("select key from graphile_worker.jobs where key like $1 order by key", [`schedule:${flowId}:%`]);
  return result.rows.map((r) => r.key as string);
}

describe("schedule-tick", () => {
  it("starts one queued run per due slot, pinned to the published version, and moves the schedule on", async () => {
    const flow = await scheduledFlow({ schedule: everyMinute, publishedAt: at("2026-11-28T12:00:30Z") });
    expect(await scheduleRow(flow.flowId)).toMatchObject({ flowVersionId: flow.versionId, nextRunAt: at("2026-11-28T12:01:00Z"), lastSlotAt: null, missedPolicy: "once" });

    // Nothing is due before the slot.
    await tick(at("2026-11-28T12:00:59Z"));
    expect(await runsOf(flow.flowId)).toEqual([]);

    await tick(at("2026-11-28T12:01:00.300Z"));
    const started = await runsOf(flow.flowId);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ status: "queued", trigger: "schedule", flowVersionId: flow.versionId, scheduledFor: at("2026-11-28T12:01:00Z"), backfilled: false });
    expect(await jobKeysOf(flow.flowId)).toEqual([`schedule:${flow.flowId}:2026-11-28T12:01:00.000Z`]);
    expect(await scheduleRow(flow.flowId)).toMatchObject({ nextRunAt: at("2026-11-28T12:02:00Z"), lastSlotAt: at("2026-11-28T12:01:00Z") });

    // A second tick in the same minute finds nothing due.
    await tick(at("2026-11-28T12:01:30Z"));
    expect(await runsOf(flow.flowId)).toHaveLength(1);
  });

  it("starts a slot once when two ticks (two workers) run at the same moment", async () => {
    const flow = await scheduledFlow({ schedule: everyMinute, publishedAt: at("2026-11-28T13:00:10Z") });
    const now = at("2026-11-28T13:01:00.100Z");
    const results = await Promise.all([tick(now), tick(now)]);
    expect(results.flatMap((r) => r.started).filter((s) => s.flowId === flow.flowId)).toHaveLength(1);
    const started = await runsOf(flow.flowId);
    expect(started.map((r) => r.scheduledFor)).toEqual([at("2026-11-28T13:01:00Z")]);
    expect(await jobKeysOf(flow.flowId)).toEqual([`schedule:${flow.flowId}:2026-11-28T13:01:00.000Z`]);
  });

  it("never starts a slot twice, even if its schedule were set back to a slot that already ran", async () => {
    const flow = await scheduledFlow({ schedule: everyMinute, publishedAt: at("2026-11-28T13:30:10Z") });
    await tick(at("2026-11-28T13:31:00.100Z"));
    await database.db.update(flowSchedules).set({ nextRunAt: at("2026-11-28T13:31:00Z") }).where(eq(flowSchedules.flowId, flow.flowId));
    const again = await tick(at("2026-11-28T13:31:00.200Z"));
    expect(again.started.filter((s) => s.flowId === flow.flowId)).toEqual([]);
    expect((await runsOf(flow.flowId)).map((r) => r.scheduledFor)).toEqual([at("2026-11-28T13:31:00Z")]);
    expect(await scheduleRow(flow.flowId)).toMatchObject({ nextRunAt: at("2026-11-28T13:32:00Z") });
  });

  it("with many flows due and two concurrent ticks, every due schedule runs exactly once", async () => {
    const publishedAt = at("2026-11-28T14:00:10Z");
    const many = await Promise.all(Array.from({ length: 30 }, () => scheduledFlow({ schedule: everyMinute, publishedAt })));
    await Promise.all([tick(at("2026-11-28T14:01:00.500Z")), tick(at("2026-11-28T14:01:00.500Z")), tick(at("2026-11-28T14:01:00.500Z"))]);
    for (const flow of many) {
      expect((await runsOf(flow.flowId)).map((r) => r.scheduledFor)).toEqual([at("2026-11-28T14:01:00Z")]);
    }
  });

  it("after workers were stopped for three minutes, policy once starts one backfilled run, not three", async () => {
    const flow = await scheduledFlow({ schedule: everyMinute, publishedAt: at("2026-11-28T15:00:10Z") });
    const { nextRunAt } = (await scheduleRow(flow.flowId))!;
    await tick(new Date(nextRunAt.getTime() + 3 * 60_000));
    const started = await runsOf(flow.flowId);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ trigger: "schedule", backfilled: true, status: "queued" });
    expect(await scheduleRow(flow.flowId)).toMatchObject({ nextRunAt: at("2026-11-28T15:05:00Z") });
    // The next minute is back to normal: one run, not backfilled.
    await tick(at("2026-11-28T15:05:00.200Z"));
    expect((await runsOf(flow.flowId)).map((r) => [r.scheduledFor, r.backfilled])).toEqual([
      [at("2026-11-28T15:01:00Z"), true],
      [at("2026-11-28T15:05:00Z"), false],
    ]);
  });

  it("after workers were stopped for three minutes, policy skip starts nothing for the missed slots, only the current one", async () => {
    const flow = await scheduledFlow({ schedule: everyMinute, missedSchedules: "skip", publishedAt: at("2026-11-28T16:00:10Z") });
    const { nextRunAt, missedPolicy } = (await scheduleRow(flow.flowId))!;
    expect(missedPolicy).toBe("skip");
    await tick(new Date(nextRunAt.getTime() + 3 * 60_000));
    // 16:01, 16:02 and 16:03 were missed; 16:04 is the slot of this very tick.
    expect((await runsOf(flow.flowId)).map((r) => [r.scheduledFor, r.backfilled])).toEqual([[at("2026-11-28T16:04:00Z"), false]]);

    // A five-minute schedule whose every slot passed while no worker ran: no run at all, and on to the next slot.
    const sparse = await scheduledFlow({ schedule: { mode: "interval", every: 5, unit: "minutes" }, missedSchedules: "skip", publishedAt: at("2026-11-28T16:00:10Z") });
    await tick(at("2026-11-28T16:11:30Z"));
    expect(await runsOf(sparse.flowId)).toEqual([]);
    expect(await scheduleRow(sparse.flowId)).toMatchObject({ nextRunAt: at("2026-11-28T16:15:00Z"), lastSlotAt: null });
  });

  it("disabling the flow removes its schedule; enabling puts it back from now, without backfilling the disabled time", async () => {
    const flow = await scheduledFlow({ schedule: everyMinute, publishedAt: at("2026-11-28T17:00:10Z") });
    await database.db.transaction(async (tx) => {
      await tx.update(flows).set({ enabled: false }).where(eq(flows.id, flow.flowId));
      await syncSchedule(tx, flow.flowId, at("2026-11-28T17:00:20Z"));
    });
    expect(await scheduleRow(flow.flowId)).toBeUndefined();
    await tick(at("2026-11-28T17:05:00Z"));
    expect(await runsOf(flow.flowId)).toEqual([]);

    await database.db.transaction(async (tx) => {
      await tx.update(flows).set({ enabled: true }).where(eq(flows.id, flow.flowId));
      await syncSchedule(tx, flow.flowId, at("2026-11-28T17:10:20Z"));
    });
    expect(await scheduleRow(flow.flowId)).toMatchObject({ nextRunAt: at("2026-11-28T17:11:00Z") });
  });
});
