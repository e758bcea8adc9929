import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
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
  /** The demo supplier API's address as the banner printed it (embedded database only). */
  supplierUrl: string | null;
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

/** Products started and not yet stopped, so a failed test does not leave one running. */
const running = new Set<Product>();

/** Stops every product a test started and left running (an assertion failed before its stop). */
export async function stopStartedProducts(): Promise<void> {
  await Promise.all([...running].map((product) => product.stop()));
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
  const product: Product = {
    url: `http://localhost:${port}`,
    dataDir,
    output,
    process: child,
    demo: null,
    supplierUrl: null,
    async stop() {
      if (child.exitCode === null) child.kill("SIGINT");
      const code = await exited;
      running.delete(product);
      return code;
    },
  };
  running.add(product);
  await ready;
  const log = output.join("");
  const demoMatch = /Demo sign-in: (\S+)\s+password: (\S+)/.exec(log);
  const supplierMatch = /Demo supplier API: (\S+)/.exec(log);
  product.demo = demoMatch ? { email: demoMatch[1]!, password: demoMatch[2]! } : null;
  product.supplierUrl = supplierMatch ? supplierMatch[1]! : null;
  return product;
}

export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
}

/** The connection string of a running product's embedded PostgreSQL (its port from the log, its password from the data folder). */
export async function embeddedDatabaseUrl(product: Product): Promise<string> {
  const port = /PostgreSQL ready on 127\.0\.0\.1:(\d+)/.exec(product.output.join(""))?.[1];
  if (!port) throw new Error("the product's log names no embedded PostgreSQL");
  const password = (await readFile(path.join(product.dataDir, "pg", "password"), "utf8")).trim();
  return `postgres://flowgate:${encodeURIComponent(password)}@127.0.0.1:${port}/flowgate`;
}

/** Every process below `pid` (children, grandchildren…), with its command line; read from /proc (Linux). */
export function descendantsOf(pid: number): { pid: number; command: string }[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in field 2 may hold spaces; the parent pid is the second field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below = (candidate: number): boolean => {
    for (let p = parentOf.get(candidate); p !== undefined && p > 1; p = parentOf.get(p)) if (p === pid) return true;
    return false;
  };
  return [...parentOf.keys()].filter(below).flatMap((child) => {
    try {
      return [{ pid: child, command: readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0").join(" ").trim() }];
    } catch {
      return [];
    }
  });
}

/** Whether the process still runs (a zombie, dead but not yet reaped, counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
