import { Logger, run, runMigrations, type Runner, type TaskList } from "graphile-worker";
import pg from "pg";
import { pino, type Logger as PinoLogger } from "pino";

/**
 * The worker's task list. The runtime package (run-flow, schedule-tick, prune-history,
 * resume-approval) plugs its tasks in here when it arrives; each task parses its payload with zod.
 */
export const taskList: TaskList = {};

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
  concurrency?: number;
  log: PinoLogger;
}

export async function startWorker({ connectionString, concurrency = 4, log }: WorkerOptions): Promise<{ runner: Runner; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString, max: concurrency + 2 });
  pool.on("error", (error) => log.warn({ err: error.message }, "idle database connection failed"));
  pool.on("connect", (client) => client.on("error", (error) => log.warn({ err: error.message }, "database connection failed")));
  const runner = await run({
    pgPool: pool,
    concurrency,
    taskList,
    logger: graphileLogger(log),
    // Our main.ts owns signals, so a stop drains jobs before the pool closes.
    noHandleSignals: true,
    // Schedules are Flowgate's own (flows' triggers), never a crontab file.
    parsedCronItems: [],
    pollInterval: 2000,
  });
  return { runner, pool };
}
