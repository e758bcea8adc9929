import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { requireEnv } from "./env";
import * as schema from "./schema/index";

export type Database = NodePgDatabase<typeof schema>;
export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function createDatabase(connectionString: string, options: { max?: number } = {}): DatabaseHandle {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", (error) => {
    console.error(`[db] idle connection error: ${error.message}`);
  });
  // A client that errors while checked out fails its query; this keeps the error from also being
  // unhandled (graphile-worker asks for both handlers on a pool it is given).
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzle(pool, { schema });
  return { db, pool, close: () => pool.end() };
}

let shared: DatabaseHandle | undefined;

/** The process-wide database of the web app and worker, from DATABASE_URL. */
export function getDatabase(): DatabaseHandle {
  shared ??= createDatabase(requireEnv("DATABASE_URL"));
  return shared;
}
