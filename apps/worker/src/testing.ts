import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const mainTs = fileURLToPath(new URL("./main.ts", import.meta.url));

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

export { createPostgresConnection, createPublishedFlow, createWorkspace, runRow, waitFor, waitForRunEnd as runFinished } from "@flowgate/runtime/testing";
