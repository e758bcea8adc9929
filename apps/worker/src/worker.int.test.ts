import { flows, flowVersions, newId, runs, workspaces } from "@flowgate/db";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { enqueueRun } from "@flowgate/runtime";
import { eq } from "drizzle-orm";
import { makeWorkerUtils } from "graphile-worker";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, migrateWorkerSchema, startWorker } from "./index";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

describe("worker", () => {
  it("installs graphile-worker's schema, idempotently and concurrently", async () => {
    await Promise.all([migrateWorkerSchema(database.connectionString), migrateWorkerSchema(database.connectionString)]);
    const result = await database.pool.query("select count(*)::int as n from information_schema.tables where table_schema = 'graphile_worker'");
    expect(result.rows[0].n).toBeGreaterThan(0);
  });

  it("starts against the database, picks up jobs, and stops cleanly", async () => {
    await migrateWorkerSchema(database.connectionString);
    const dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-worker-"));
    const worker = await startWorker({ connectionString: database.connectionString, secret: "worker-test-secret-worker-test-secret-0123", dataDir, appUrl: "http://localhost:3000", log: createLogger("silent") });
    const utils = await makeWorkerUtils({ connectionString: database.connectionString });
    // No task handles this identifier yet, so the job is left for a worker that knows it: not lost, not failed.
    await utils.addJob("not-yet-known", { runId: "r1" });
    await new Promise((r) => setTimeout(r, 300));
    const jobs = await database.pool.query("select task_identifier, attempts from graphile_worker.jobs where task_identifier = 'not-yet-known'");
    expect(jobs.rows).toEqual([{ task_identifier: "not-yet-known", attempts: 0 }]);
    await utils.release();
    await worker.stop();
    await expect(worker.runner.promise).resolves.toBeUndefined();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("runs run-flow jobs: a run whose pinned version does not validate ends failed, with its problems", async () => {
    await migrateWorkerSchema(database.connectionString);
    const dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-worker-"));
    const worker = await startWorker({ connectionString: database.connectionString, secret: "worker-test-secret-worker-test-secret-0123", dataDir, appUrl: "http://localhost:3000", log: createLogger("silent") });
    try {
      const workspaceId = newId();
      const flowId = newId();
      const versionId = newId();
      const document = { schemaVersion: 1, nodes: [], edges: [], settings: {} };
      await database.db.insert(workspaces).values({ id: workspaceId, name: "W", slug: `w-${workspaceId}` });
      await database.db.insert(flows).values({ id: flowId, workspaceId, name: "Empty", draft: document as never });
      await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
      const { runId } = await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId, flowVersionId: versionId, trigger: "manual" }));
      const deadline = Date.now() + 15_000;
      let run = (await database.db.select().from(runs).where(eq(runs.id, runId)))[0]!;
      // The worker takes the run (running), finds its version does not validate, and ends it.
      while ((run.status === "queued" || run.status === "running") && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        run = (await database.db.select().from(runs).where(eq(runs.id, runId)))[0]!;
      }
      expect(run.status).toBe("failed");
      expect(run.error?.problems?.map((p) => p.code)).toContain("no_trigger");
    } finally {
      await worker.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
