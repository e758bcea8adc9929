import { createDatabase } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import {
  createRuntimeServices,
  createTaskList,
  PRUNE_HISTORY_CRON,
  PRUNE_HISTORY_TASK,
  SCHEDULE_TICK_CRON_ITEM,
  SWEEP_RUNS_CRON,
  SWEEP_RUNS_TASK,
} from "@flowgate/runtime";
import { parseCronItems, run, runMigrations, type Runner } from "graphile-worker";
import type { Logger as PinoLogger } from "pino";
import { ReconnectingPool } from "./database";
import { createLogger, graphileLogger } from "./logger";
import { createWorkerMetrics, serveMetrics } from "./metrics";

export { createLogger } from "./logger";

/** Creates or upgrades graphile-worker's own schema (graphile_worker.*). Safe to call concurrently. */
export async function migrateWorkerSchema(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: graphileLogger(createLogger("warn")) });
}

export interface WorkerOptions {
  connectionString: string;
  /** FLOWGATE_SECRET: decrypts the connections' secrets. */
  secret: string;
  /** Where runs keep the files they write (FLOWGATE_DATA_DIR). */
  dataDir: string;
  /** Let flows reach loopback addresses (the demo's and tests' fake APIs); off in production. */
  allowLoopback?: boolean;
  /** Further hosts, IPs or CIDR ranges flows may reach (FLOWGATE_ALLOW_HOSTS). */
  allow?: readonly string[];
  concurrency?: number;
  log: PinoLogger;
  /** Where people reach Flowgate (FLOWGATE_URL): notifications link there. */
  appUrl: string;
  /** Serve Prometheus metrics at http://host:port/metrics (port 0: any free port); none when absent. */
  metrics?: { port: number; host?: string };
}

export interface StartedWorker {
  runner: Runner;
  /** Where /metrics is served, when it is. */
  metricsUrl: string | null;
  /** Stops taking jobs, lets running ones reach their end, then closes the pools. */
  stop(): Promise<void>;
}

export async function startWorker({ connectionString, secret, dataDir, appUrl, allowLoopback = false, allow = [], concurrency = 4, log, metrics: metricsOptions }: WorkerOptions): Promise<StartedWorker> {
  // What it was started with, for a debug session; the logger redacts the secret and the connection string.
  log.debug({ connectionString, secret, dataDir, allowLoopback, allow, concurrency, metrics: metricsOptions ?? null }, "worker: starting");
  // A database restart makes job bookkeeping wait for it, rather than fail (see ReconnectingPool).
  const pool = new ReconnectingPool({ connectionString, max: concurrency + 2 }, log);
  pool.on("error", (error) => log.warn({ err: error.message }, "idle database connection failed"));
  pool.on("connect", (client) => client.on("error", (error) => log.warn({ err: error.message }, "database connection failed")));
  // The runs' own queries (checkpoints, state) use a pool apart from graphile-worker's job polling.
  const database = createDatabase(connectionString, { max: concurrency * 2 + 2 });
  const services = createRuntimeServices({ db: database.db, secrets: createSecretBox(secret), dataDir, allowLoopback, allow });
  const metrics = metricsOptions ? createWorkerMetrics({ db: database.db, log }) : undefined;
  const runner = await run({
    pgPool: pool,
    concurrency,
    taskList: createTaskList({ db: database.db, services, log, appUrl, ...(metrics && { metrics: metrics.runMetrics }) }),
    logger: graphileLogger(log),
    // Our main.ts owns signals, so a stop drains jobs before the pool closes.
    noHandleSignals: true,
    // Housekeeping runs from graphile-worker's crontab, declared here (never a crontab file).
    parsedCronItems: parseCronItems([
      // Frees the jobs of runs whose worker died (graphile-worker alone would hold them for hours).
      { task: SWEEP_RUNS_TASK, match: SWEEP_RUNS_CRON, identifier: SWEEP_RUNS_TASK },
      // Starts the flows' due scheduled runs (flow_schedules); one job per minute, whatever the number of workers.
      SCHEDULE_TICK_CRON_ITEM,
      // Removes run history older than each workspace keeps it (workspace_settings.retention_days).
      { task: PRUNE_HISTORY_TASK, match: PRUNE_HISTORY_CRON, identifier: PRUNE_HISTORY_TASK },
    ]),
    pollInterval: 2000,
  });
  const metricsServer = metrics && metricsOptions ? await serveMetrics(metrics.registry, { ...metricsOptions, log }) : null;
  if (metricsServer) log.info({ url: metricsServer.url }, `metrics at ${metricsServer.url}`);
  return {
    runner,
    metricsUrl: metricsServer?.url ?? null,
    async stop() {
      await metricsServer?.close();
      await runner.stop();
      await services.close();
      await database.close();
      await pool.end();
    },
  };
}
