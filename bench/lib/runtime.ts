/**
 * The runtime as the product runs it, for the runtime's scenarios: an embedded PostgreSQL with
 * Flowgate's migrations and graphile-worker's schema, a workspace with connections, published flows,
 * and either the worker in this process (`startWorker` of apps/worker) or as a process of its own
 * (apps/worker/src/main.ts, as `npm start` runs it), so its memory can be measured apart.
 */
import { createDatabase, FINISHED_RUN_STATUSES, runs, type Database } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { migrateDatabase } from "@flowgate/db/migrate";
import { enqueueRun } from "@flowgate/runtime/enqueue";
import { createPostgresConnection, createPublishedFlow, createWorkspace, installWorkerSchema } from "@flowgate/runtime/testing";
import { createLogger, startWorker, type StartedWorker } from "@flowgate/worker";
import { and, inArray, notInArray, sql } from "drizzle-orm";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startBenchPostgres, type BenchPostgres } from "./postgres";

const require = createRequire(import.meta.url);
const workerMain = fileURLToPath(new URL("../../apps/worker/src/main.ts", import.meta.url));
export const BENCH_SECRET = "bench-secret-bench-secret-bench-secret-0123";

export interface BenchRuntime {
  postgres: BenchPostgres;
  db: Database;
  workspaceId: string;
  /** A postgres connection to the bench database itself (the shop tables live there). */
  shopConnectionId: string;
  dataDir: string;
  /** Inserts a flow and its published version 1; returns their ids. */
  publish(name: string, document: unknown): Promise<{ flowId: string; versionId: string }>;
  /** Queued runs and their jobs, `count` per flow, in one transaction per flow. */
  enqueue(flow: { flowId: string; versionId: string }, count: number): Promise<string[]>;
  /** Resolves when every run is over; rejects naming the first that did not succeed. */
  waitForRuns(runIds: string[], timeoutMs: number): Promise<(typeof runs.$inferSelect)[]>;
  /** The worker in this process (apps/worker's startWorker, loopback allowed). */
  startWorker(concurrency?: number): Promise<StartedWorker>;
  /** The worker as a process of its own; `peakRssMb` reads its VmHWM from /proc. */
  startWorkerProcess(extraEnv?: Record<string, string>): Promise<WorkerProcess>;
  close(): Promise<void>;
}

export interface WorkerProcess {
  child: ChildProcess;
  peakRssMb(): number;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startBenchRuntime(name: string): Promise<BenchRuntime> {
  const postgres = await startBenchPostgres(name);
  await migrateDatabase(postgres.connectionString);
  await installWorkerSchema(postgres.pool);
  const handle = createDatabase(postgres.connectionString, { max: 6 });
  const db = handle.db;
  const dataDir = await mkdtemp(path.join(tmpdir(), `flowgate-bench-${name}-`));
  const workspaceId = await createWorkspace(db, "Bench");
  const shopConnectionId = await createPostgresConnection(db, createSecretBox(BENCH_SECRET), workspaceId, postgres.connectionString);
  const workers: StartedWorker[] = [];
  const processes: WorkerProcess[] = [];

  return {
    postgres,
    db,
    workspaceId,
    shopConnectionId,
    dataDir,
    publish: (flowName, document) => createPublishedFlow(db, workspaceId, document, flowName),
    async enqueue(flow, count) {
      return db.transaction(async (tx) => {
        const ids: string[] = [];
        for (let i = 0; i < count; i++) {
          const { runId } = await enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" });
          ids.push(runId);
        }
        return ids;
      });
    },
    async waitForRuns(runIds, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (true) {
        const [{ open }] = (await db
          .select({ open: sql<number>`count(*)::int` })
          .from(runs)
          .where(and(inArray(runs.id, runIds), notInArray(runs.status, [...FINISHED_RUN_STATUSES])))) as [{ open: number }];
        if (open === 0) break;
        if (Date.now() > deadline) throw new Error(`${open} of ${runIds.length} runs did not finish within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const rows = await db.select().from(runs).where(inArray(runs.id, runIds));
      const bad = rows.find((r) => r.status !== "succeeded");
      if (bad) throw new Error(`run ${bad.id} ended ${bad.status}: ${bad.error?.message ?? "no error"}`);
      return rows;
    },
    async startWorker(concurrency = 4) {
      const worker = await startWorker({
        connectionString: postgres.connectionString,
        secret: BENCH_SECRET,
        dataDir,
        appUrl: "http://localhost:3000",
        allow: ["127.0.0.1"],
        concurrency,
        log: createLogger("warn"),
      });
      workers.push(worker);
      return worker;
    },
    async startWorkerProcess(extraEnv = {}) {
      const child = spawn(process.execPath, ["--import", require.resolve("tsx"), workerMain], {
        cwd: path.dirname(workerMain),
        env: {
          PATH: process.env.PATH,
          NODE_ENV: "production",
          DATABASE_URL: postgres.connectionString,
          FLOWGATE_SECRET: BENCH_SECRET,
          FLOWGATE_DATA_DIR: dataDir,
          FLOWGATE_ALLOW_HOSTS: "127.0.0.1",
          LOG_LEVEL: "warn",
          METRICS_PORT: "0",
          ...extraEnv,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-20_000);
      };
      child.stdout!.on("data", keep);
      child.stderr!.on("data", keep);
      let peak = 0;
      const sample = () => {
        try {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
          if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
        } catch {
          // the process is gone
        }
      };
      const sampler = setInterval(sample, 200);
      sampler.unref();
      const proc: WorkerProcess = {
        child,
        peakRssMb: () => {
          sample();
          return Math.round(peak * 10) / 10;
        },
        output: () => output,
        async kill(signal = "SIGTERM") {
          clearInterval(sampler);
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          child.kill(signal);
          await exited;
        },
      };
      processes.push(proc);
      return proc;
    },
    async close() {
      // A scenario may have stopped its worker already (to measure before closing).
      for (const worker of workers) await worker.stop().catch(() => {});
      for (const proc of processes) await proc.kill("SIGKILL");
      await handle.close();
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Percentile (0–100) of sorted-or-not numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
