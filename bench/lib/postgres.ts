/** An embedded PostgreSQL for a scenario: its own ephemeral cluster under /work/main/.flowgate/bench-<name>. */
import { startEmbeddedPostgres } from "@flowgate/db/embedded";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface BenchPostgres {
  connectionString: string;
  pool: pg.Pool;
  stop(): Promise<void>;
}

export async function startBenchPostgres(name: string): Promise<BenchPostgres> {
  const server = await startEmbeddedPostgres({ dataDir: path.join(root, ".flowgate", `bench-${name}`), ephemeral: true });
  const pool = new pg.Pool({ connectionString: server.connectionString, max: 4 });
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return {
    connectionString: server.connectionString,
    pool,
    async stop() {
      await pool.end();
      await server.stop();
    },
  };
}
