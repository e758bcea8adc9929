import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { fileURLToPath } from "node:url";
import { createDatabase } from "./client";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../drizzle", import.meta.url));

// Any number of web and worker processes may start at once (docker compose --scale);
// an advisory lock makes them apply the migrations one after the other.
const MIGRATION_LOCK_ID = 7_318_203_911;

/** Applies the committed drizzle migrations. Safe to call concurrently and repeatedly. */
export async function migrateDatabase(connectionString: string): Promise<void> {
  const handle = createDatabase(connectionString, { max: 1 });
  try {
    await handle.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`);
    try {
      await migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await handle.db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
    }
  } finally {
    await handle.close();
  }
}
