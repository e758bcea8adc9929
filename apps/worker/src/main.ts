import { getEnv, requireEnv } from "@flowgate/db";
import { createLogger, startWorker } from "./index";

const env = getEnv();
const log = createLogger(env.LOG_LEVEL);

async function main() {
  const { runner, pool } = await startWorker({ connectionString: requireEnv("DATABASE_URL"), log });
  log.info({ tasks: 0 }, "worker started");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: finishing running jobs");
    try {
      await runner.stop();
      await pool.end();
      log.info("worker stopped");
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "worker did not stop cleanly");
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  await runner.promise;
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, error instanceof Error ? error.message : String(error));
  process.exit(1);
});
