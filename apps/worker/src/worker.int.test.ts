import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { makeWorkerUtils } from "graphile-worker";
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
    const { runner, pool } = await startWorker({ connectionString: database.connectionString, log: createLogger("silent") });
    const utils = await makeWorkerUtils({ connectionString: database.connectionString });
    // No task handles this identifier yet, so the job is left for a worker that knows it: not lost, not failed.
    await utils.addJob("not-yet-known", { runId: "r1" });
    await new Promise((r) => setTimeout(r, 300));
    const jobs = await database.pool.query("select task_identifier, attempts from graphile_worker.jobs");
    expect(jobs.rows).toEqual([{ task_identifier: "not-yet-known", attempts: 0 }]);
    await utils.release();
    await runner.stop();
    await pool.end();
    await expect(runner.promise).resolves.toBeUndefined();
  });
});
