import { createDatabase } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createRuntimeServices, createTaskList, SCHEDULE_TICK_CRON_ITEM, SWEEP_RUNS_CRON, SWEEP_RUNS_TASK } from "@flowgate/runtime";
import { Logger, parseCronItems, run, runMigrations, type Runner } from "graphile-worker";
import pg from "pg";
import { pino, type Logger as PinoLogger } from "pino";

export function createLogger(level: string): PinoLogger {
  return pino({ level, base: { service: "worker" } });
}

/** graphile-worker's log lines, through pino. */
function graphileLogger(log: PinoLogger): Logger {
  return new Logger((scope) => (level, message, meta) => {
    const method = level === "error" ? "error" : level === "warning" ? "warn" : level === "debug" ? "debug" : "info";
    log[method]({ ...scope, ...meta }, message);
  });
}

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
}

export interface StartedWorker {
  runner: Runner;
  /** Stops taking jobs, lets running ones reach their end, then closes the pools. */
  stop(): Promise<void>;
}

export async function startWorker({ connectionString, secret, dataDir, allowLoopback = false, allow = [], concurrency = 4, log }: WorkerOptions): Promise<StartedWorker> {
  const pool = new pg.Pool({ connectionString, max: concurrency + 2 });
  pool.on("error", (error) => log.warn({ err: error.message }, "idle database connection failed"));
  pool.on("connect", (client) => client.on("error", (error) => log.warn({ err: error.message }, "database connection failed")));
  // The runs' own queries (checkpoints, state) use a pool apart from graphile-worker's job polling.
  const database = createDatabase(connectionString, { max: concurrency * 2 + 2 });
  const services = createRuntimeServices({ db: database.db, secrets: createSecretBox(secret), dataDir, allowLoopback, allow });
  const runner = await run({
    pgPool: pool,
    concurrency,
    taskList: createTaskList({ db: database.db, services, log }),
    logger: graphileLogger(log),
    // Our main.ts owns signals, so a stop drains jobs before the pool closes.
    noHandleSignals: true,
    // Housekeeping runs from graphile-worker's crontab, declared here (never a crontab file).
    parsedCronItems: parseCronItems([
      // Frees the jobs of runs whose worker died (graphile-worker alone would hold them for hours).
      { task: SWEEP_RUNS_TASK, match: SWEEP_RUNS_CRON, identifier: SWEEP_RUNS_TASK },
      // Starts the flows' due scheduled runs (flow_schedules); one job per minute, whatever the number of workers.
      SCHEDULE_TICK_CRON_ITEM,
    ]),
    pollInterval: 2000,
  });
  return {
    runner,
    async stop() {
      await runner.stop();
      await services.close();
      await database.close();
      await pool.end();
    },
  };
}
