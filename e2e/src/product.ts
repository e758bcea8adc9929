import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface Product {
  url: string;
  dataDir: string;
  output: string[];
  process: ChildProcess;
  demo: { email: string; password: string } | null;
  /** Ctrl-C: SIGINT, then waits for the exit code. */
  stop(): Promise<number>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export function newDataDir(): string {
  return path.join(repoRoot, ".flowgate", `e2e-${randomBytes(4).toString("hex")}`);
}

/** Runs `npm start`'s script as a user would, in a data folder of its own. */
export async function startProduct(options: { dataDir?: string; port?: number; env?: Record<string, string>; readyTimeoutMs?: number } = {}): Promise<Product> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? newDataDir();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), FLOWGATE_DATA_DIR: dataDir, NO_COLOR: "1", ...options.env };
  delete env.DATABASE_URL;
  if (options.env?.DATABASE_URL) env.DATABASE_URL = options.env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "scripts/start.ts")], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      if (process.env.E2E_VERBOSE) process.stdout.write(text);
      if (output.join("").includes("Press Ctrl-C to stop.")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output.join("")}`)));
    setTimeout(() => reject(new Error(`npm start was not ready in time:\n${output.join("")}`)), options.readyTimeoutMs ?? 280_000).unref();
  });
  await ready;
  const log = output.join("");
  const demoMatch = /Demo sign-in: (\S+)\s+password: (\S+)/.exec(log);
  return {
    url: `http://localhost:${port}`,
    dataDir,
    output,
    process: child,
    demo: demoMatch ? { email: demoMatch[1]!, password: demoMatch[2]! } : null,
    async stop() {
      if (child.exitCode === null) child.kill("SIGINT");
      return exited;
    },
  };
}

export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
}
