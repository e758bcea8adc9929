import { alerts, changeSets, flows, flowVersions, newId, runEvents, runs, workspaces } from "@flowgate/db";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueResumeApproval, enqueueRun } from "../enqueue";
import { installWorkerSchema } from "../testing";
import { MAX_RUN_STARTS, sweepRuns } from "./sweep-runs";

let database: TestDatabase;
let workspaceId: string;
let flowId: string;
let versionId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  workspaceId = newId();
  flowId = newId();
  versionId = newId();
  const document = { schemaVersion: 1, nodes: [], edges: [], settings: {} };
  await database.db.insert(workspaces).values({ id: workspaceId, name: "Sweep tests", slug: `sweep-${workspaceId}` });
  await database.db.insert(flows).values({ id: flowId, workspaceId, name: "F", draft: document as never });
  await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
});

afterAll(() => database?.dispose());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** A running run whose job a worker (no real one: nothing executes here) locked at `lockedAt`. */
async function runningRun(options: { heartbeatAt: Date | null; lockedAt: Date | null; workerId?: string; jobKey?: string; attempt?: number; jobAttempts?: number }): Promise<string> {
  const { runId } = await database.db.transaction((tx) =>
    enqueueRun(tx, { workspaceId, flowId, flowVersionId: versionId, trigger: options.jobKey ? "schedule" : "manual", jobKey: options.jobKey }),
  );
  await database.db.update(runs).set({ status: "running", attempt: options.attempt ?? 1, heartbeatAt: options.heartbeatAt }).where(eq(runs.id, runId));
  if (options.lockedAt) {
    await database.pool.query("update graphile_worker._private_jobs set locked_at = $2, locked_by = $3, attempts = $4 where key = $1", [
      options.jobKey ?? `run:${runId}`,
      options.lockedAt,
      options.workerId ?? `worker-${runId}`,
      options.jobAttempts ?? 1,
    ]);
  }
  return runId;
}

/** A change set of the run's approval node "review" (its items do not matter here). */
async function changeSetFor(runId: string): Promise<string> {
  const id = newId();
  const rules = { approverRole: "admin", approvalsRequired: 1, allowPublisher: true, publishedBy: null, timeoutHours: null, timeoutAction: "expire" } as const;
  await database.db.insert(changeSets).values({ id, workspaceId, flowId, runId, nodeId: "review", rules });
  return id;
}

async function eventsOf(runId: string) {
  return (await database.db.select().from(runEvents).where(eq(runEvents.runId, runId)).orderBy(asc(runEvents.id))).map((e) => ({ level: e.level, message: e.message, details: e.details }));
}

async function state(runId: string) {
  const [run] = await database.db.select().from(runs).where(eq(runs.id, runId));
  const job = (await database.pool.query("select locked_by, locked_at, attempts, max_attempts from graphile_worker.jobs where key = $1", [`run:${runId}`])).rows[0] as
    | { locked_by: string | null; attempts: number; max_attempts: number }
    | undefined;
  return { status: run!.status, attempt: run!.attempt, lockedBy: job?.locked_by ?? null, jobAttempts: job?.attempts, error: run!.error?.message };
}

describe("sweep-runs", () => {
  it("releases the job of a run whose worker stopped beating and queues the run again", async () => {
    const runId = await runningRun({ heartbeatAt: minutesAgo(5), lockedAt: minutesAgo(6), workerId: "worker-dead" });
    expect(await sweepRuns(database.db)).toEqual([{ runId, workerId: "worker-dead" }]);
    // The attempt is counted by the worker that picks the run up next.
    // The dead worker's job attempt is given back: crashes do not use up the transient-failure retries.
    expect(await state(runId)).toMatchObject({ status: "queued", attempt: 1, lockedBy: null, jobAttempts: 0 });
    // The run's log says so.
    expect(await eventsOf(runId)).toEqual([
      {
        level: "warn",
        message: "The worker running this run stopped answering (killed, restarted or out of memory); the run goes on from its last checkpoint on the next free worker.",
        details: { workerId: "worker-dead" },
      },
    ]);
    expect(await sweepRuns(database.db)).toEqual([]);
  });

  it("a run killed more often than graphile-worker's max_attempts still resumes; one whose worker died MAX_RUN_STARTS times fails, saying why", async () => {
    // Its fifth start was killed too: without the attempt given back, graphile-worker would never run the job again.
    const killedOften = await runningRun({ heartbeatAt: minutesAgo(5), lockedAt: minutesAgo(6), attempt: 5, jobAttempts: 5 });
    const spent = await runningRun({ heartbeatAt: minutesAgo(5), lockedAt: minutesAgo(6), attempt: MAX_RUN_STARTS, jobAttempts: 5 });
    expect(await sweepRuns(database.db)).toHaveLength(2);
    expect(await state(killedOften)).toMatchObject({ status: "queued", lockedBy: null, jobAttempts: 4 });
    const failed = await state(spent);
    expect(failed).toMatchObject({ status: "failed", lockedBy: null });
    expect(failed.error).toMatch(/stopped 30 times .* start a new run/);
    // Ended like any failed run: its log says why, and the flow's failure alert is raised.
    expect((await eventsOf(spent)).at(-1)).toMatchObject({ level: "error", message: expect.stringMatching(/^Failed: The worker running this run stopped 30 times/) });
    expect(await database.db.select().from(alerts).where(eq(alerts.flowId, flowId))).toEqual([
      expect.objectContaining({ kind: "run_failed", status: "open", title: "F failed", occurrences: 1, lastRunId: spent }),
    ]);
    // Its job is failed for good: no worker takes it again.
    const [job] = (await database.pool.query("select attempts, max_attempts from graphile_worker.jobs where key = $1", [`run:${spent}`])).rows as { attempts: number; max_attempts: number }[];
    expect(job!.attempts).toBe(job!.max_attempts);
  });

  it("finds a scheduled run's job too, whose key names the flow and slot, not the run", async () => {
    const runId = await runningRun({ heartbeatAt: minutesAgo(5), lockedAt: minutesAgo(6), workerId: "worker-gone", jobKey: `schedule:${flowId}:2026-11-28T10:00:00.000Z` });
    expect(await sweepRuns(database.db)).toEqual([{ runId, workerId: "worker-gone" }]);
    const [run] = await database.db.select().from(runs).where(eq(runs.id, runId));
    expect(run!.status).toBe("queued");
  });

  it("leaves alone a run that beats, and a job a worker has only just locked", async () => {
    const beating = await runningRun({ heartbeatAt: new Date(), lockedAt: minutesAgo(10) });
    // A retried job picked up a moment ago: the run's heartbeat is still the old attempt's.
    const justLocked = await runningRun({ heartbeatAt: minutesAgo(10), lockedAt: new Date() });
    // A job waiting for its retry (unlocked): graphile-worker will run it on its own.
    const waiting = await runningRun({ heartbeatAt: minutesAgo(10), lockedAt: null });
    expect(await sweepRuns(database.db)).toEqual([]);
    expect((await state(beating)).lockedBy).not.toBeNull();
    expect((await state(justLocked)).lockedBy).not.toBeNull();
    expect((await state(waiting)).status).toBe("running");
  });

  it("takes its clock and threshold from the caller", async () => {
    const runId = await runningRun({ heartbeatAt: new Date(), lockedAt: new Date(), workerId: "worker-later" });
    expect(await sweepRuns(database.db, { staleAfterMs: 60_000 })).toEqual([]);
    // (The earlier tests' runs are stale by then too.)
    expect(await sweepRuns(database.db, { now: new Date(Date.now() + 61_000), staleAfterMs: 60_000 })).toContainEqual({ runId, workerId: "worker-later" });
    expect((await state(runId)).status).toBe("queued");
  });
  it("releases the job of a run whose worker died sending approved changes on; the run waits for its resume again", async () => {
    const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId, flowVersionId: versionId, trigger: "manual" }));
    await database.pool.query("delete from graphile_worker._private_jobs where key = $1", [`run:${runId}`]);
    const changeSetId = await changeSetFor(runId);
    await database.db.transaction((tx) => enqueueResumeApproval(tx, changeSetId));
    await database.db.update(runs).set({ status: "running", heartbeatAt: minutesAgo(5) }).where(eq(runs.id, runId));
    await database.pool.query("update graphile_worker._private_jobs set locked_at = $2, locked_by = 'worker-gone', attempts = 1 where key = $1", [`resume-approval:${changeSetId}`, minutesAgo(6)]);

    expect(await sweepRuns(database.db)).toEqual([{ runId, workerId: "worker-gone" }]);
    const [run] = await database.db.select().from(runs).where(eq(runs.id, runId));
    expect(run!.status).toBe("awaiting_approval");
    const job = (await database.pool.query("select locked_by, attempts from graphile_worker.jobs where key = $1", [`resume-approval:${changeSetId}`])).rows[0];
    expect(job).toEqual({ locked_by: null, attempts: 0 });
  });

  it("gives back a run a resume left running when its job failed without saying so (its database went away): it waits for its resume again", async () => {
    const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId, flowVersionId: versionId, trigger: "manual" }));
    // The first pass is over (its job is gone); the resume's job failed and waits for its retry, holding nothing.
    await database.pool.query("delete from graphile_worker._private_jobs where key = $1", [`run:${runId}`]);
    const changeSetId = await changeSetFor(runId);
    await database.db.transaction((tx) => enqueueResumeApproval(tx, changeSetId));
    await database.pool.query("update graphile_worker._private_jobs set run_at = now() + interval '1 minute', attempts = 1, last_error = 'Connection terminated' where key = $1", [`resume-approval:${changeSetId}`]);
    await database.db.update(runs).set({ status: "running", heartbeatAt: minutesAgo(5) }).where(eq(runs.id, runId));

    // A fresh heartbeat is a resume at work: left alone.
    await database.db.update(runs).set({ heartbeatAt: new Date() }).where(eq(runs.id, runId));
    await sweepRuns(database.db);
    expect((await database.db.select().from(runs).where(eq(runs.id, runId)))[0]!.status).toBe("running");

    await database.db.update(runs).set({ heartbeatAt: minutesAgo(5) }).where(eq(runs.id, runId));
    expect(await sweepRuns(database.db)).toEqual([]);
    const [run] = await database.db.select().from(runs).where(eq(runs.id, runId));
    expect(run!.status).toBe("awaiting_approval");
    // Its resume is due now, not after the failed job's backoff.
    const job = (await database.pool.query("select run_at <= now() as due from graphile_worker.jobs where key = $1", [`resume-approval:${changeSetId}`])).rows[0];
    expect(job).toEqual({ due: true });
    expect((await eventsOf(runId)).map((e) => e.message)).toContain("Sending the decided changes on stopped (the database went away); it goes on with the changes not yet sent.");

    // A first pass whose job waits for its retry is run-flow's to take again: left alone.
    const { runId: firstPass } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId, flowVersionId: versionId, trigger: "manual" }));
    await changeSetFor(firstPass);
    await database.db.update(runs).set({ status: "running", heartbeatAt: minutesAgo(5) }).where(eq(runs.id, firstPass));
    await sweepRuns(database.db);
    expect((await database.db.select().from(runs).where(eq(runs.id, firstPass)))[0]!.status).toBe("running");
  });
});
