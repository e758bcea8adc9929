import { getEnv, requireEnv } from "@flowgate/db";
import path from "node:path";
import { isConnectionError } from "./database";
import { createLogger, startWorker } from "./index";

const env = getEnv();
const log = createLogger(env.LOG_LEVEL);

// graphile-worker marks jobs done or failed in promises it does not await; one that meets a lost
// database connection must not end the process (the job's run resumes through sweep-runs). Any
// other unhandled rejection is a bug: it ends the process, as Node would.
process.on("unhandledRejection", (reason) => {
  if (isConnectionError(reason)) {
    log.error({ err: reason }, "lost the database connection while updating a job; its run is swept and resumed once the database is back");
    return;
  }
  log.fatal({ err: reason }, "unhandled rejection");
  process.exit(1);
});

async function main() {
  const worker = await startWorker({
    connectionString: requireEnv("DATABASE_URL"),
    secret: requireEnv("FLOWGATE_SECRET"),
    dataDir: path.resolve(env.FLOWGATE_DATA_DIR),
    appUrl: env.FLOWGATE_URL,
    // Private and loopback addresses stay closed unless FLOWGATE_ALLOW_HOSTS names them.
    allow: env.FLOWGATE_ALLOW_HOSTS,
    log,
    // METRICS_PORT=0 turns /metrics off.
    ...(env.METRICS_PORT > 0 && { metrics: { port: env.METRICS_PORT } }),
  });
  log.info("worker started");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing running jobs");
    try {
      await worker.stop();
      log.info("worker stopped");
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "worker did not stop cleanly");
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  await worker.runner.promise;
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, error instanceof Error ? error.message : String(error));
  process.exit(1);
});
