import pg from "pg";
import type { Logger as PinoLogger } from "pino";

/** Error codes (system and PostgreSQL's) that mean "the database is not reachable right now", not "this query is wrong". */
const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "57P01", // admin_shutdown: terminating connection due to administrator command
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the database system is starting up / shutting down
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
]);

/** Whether an error is the database going away (a restart, a network cut), through any `cause` chain. */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) return true;
    // node-postgres says so in words only.
    if (typeof message === "string" && /Connection terminated|connection error and is not queryable|Client was closed and is not queryable/i.test(message)) return true;
  }
  return false;
}

/** How long a connection attempt waits for the database to come back before it gives up (and the caller sees the error). */
export const DEFAULT_RECONNECT_WAIT_MS = 60_000;

/**
 * graphile-worker's pool. While the database is unreachable (a restart), `connect()` waits for it
 * to come back instead of failing at once.
 *
 * graphile-worker 0.17 retries only a few error codes (not "connection refused") when it marks a
 * job done or failed, and does not await that promise (without the batching options): a job that
 * ended while PostgreSQL restarted took the whole process down with an unhandled rejection. With
 * this pool, marking the job waits for the database and then succeeds.
 */
export class ReconnectingPool extends pg.Pool {
  private outageSince: number | null = null;

  constructor(
    config: pg.PoolConfig,
    // Not `log`: pg-pool has a method of that name.
    private readonly logger: PinoLogger,
    private readonly maxWaitMs = DEFAULT_RECONNECT_WAIT_MS,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    // The callback form is pg's own (pool.query); it keeps its immediate errors.
    if (callback) return super.connect(callback);
    return this.connectWhenReachable();
  }

  private async connectWhenReachable(): Promise<pg.PoolClient> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const client = await super.connect();
        if (this.outageSince !== null) {
          this.logger.info({ downForMs: Date.now() - this.outageSince }, "database: reachable again");
          this.outageSince = null;
        }
        return client;
      } catch (error) {
        if (!isConnectionError(error) || this.ending || Date.now() - started >= this.maxWaitMs) throw error;
        if (this.outageSince === null) {
          this.outageSince = Date.now();
          this.logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            `database: unreachable; jobs wait for it to come back (each connection attempt up to ${Math.round(this.maxWaitMs / 1000)} s)`,
          );
        }
        // 100 ms, growing to 2 s between attempts, with a little jitter so workers do not knock in step.
        const delay = Math.min(2_000, 100 * 1.5 ** attempt) * (0.8 + Math.random() * 0.4);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
