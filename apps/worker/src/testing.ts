import { connections, flows, flowVersions, newId, runs, workspaces, type Database, type RunStatus } from "@flowgate/db";
import type { SecretBox } from "@flowgate/db/crypto";
import { postgresConnectionParts } from "@flowgate/runtime/testing";
import { eq } from "drizzle-orm";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const mainTs = fileURLToPath(new URL("./main.ts", import.meta.url));

export const FINISHED_STATUSES: RunStatus[] = ["succeeded", "succeeded_with_errors", "failed", "cancelled"];

export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
}

/**
 * A real worker process, as `npm start` runs it (main.ts through tsx). Metrics are off unless the
 * test asks for them, so parallel test files never compete for a port.
 */
export function startWorkerProcess(env: { DATABASE_URL: string; FLOWGATE_SECRET: string; FLOWGATE_DATA_DIR: string } & Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", mainTs], {
    cwd: path.dirname(mainTs),
    env: { PATH: process.env.PATH, NODE_ENV: "test", FLOWGATE_ALLOW_HOSTS: "127.0.0.1", LOG_LEVEL: "warn", METRICS_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    exited: () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : exit),
  };
}

/** Kills what is still running (SIGKILL): for afterAll. */
export function killAll(processes: readonly WorkerProcess[]): void {
  for (const { child } of processes) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, output?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${output ? `\nworker output:\n${output()}` : ""}`);
}

export async function runRow(db: Database, runId: string) {
  const [row] = await db.select().from(runs).where(eq(runs.id, runId));
  return row!;
}

/** Waits until the run is over and answers its row. */
export function runFinished(db: Database, runId: string, timeoutMs: number, output?: () => string) {
  return waitFor(
    `run ${runId} to finish`,
    async () => {
      const row = await runRow(db, runId);
      return FINISHED_STATUSES.includes(row.status) ? row : undefined;
    },
    timeoutMs,
    output,
  );
}

export async function createWorkspace(db: Database, name: string): Promise<string> {
  const workspaceId = newId();
  await db.insert(workspaces).values({ id: workspaceId, name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${workspaceId}` });
  return workspaceId;
}

/** A PostgreSQL connection to the database of a connection string (the test kit's shop tables live there). */
export async function createPostgresConnection(db: Database, secrets: SecretBox, workspaceId: string, connectionString: string): Promise<string> {
  const id = newId();
  const parts = postgresConnectionParts(connectionString);
  await db.insert(connections).values({ id, workspaceId, kind: "postgres", name: "Shop database", settings: parts.settings, secretCiphertext: secrets.encryptJson(parts.secret) });
  return id;
}

/** A published, enabled flow (version 1); the runs pin that version. */
export async function createPublishedFlow(db: Database, workspaceId: string, document: unknown, name = "Test flow"): Promise<{ flowId: string; versionId: string }> {
  const flowId = newId();
  const versionId = newId();
  await db.insert(flows).values({ id: flowId, workspaceId, name, draft: document as never });
  await db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, number: 1, document: document as never });
  await db.update(flows).set({ activeVersionId: versionId, enabled: true }).where(eq(flows.id, flowId));
  return { flowId, versionId };
}
