import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";

const colour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint(1);
export const dim = paint(2);
const COLOURS: Record<string, (t: string) => string> = { db: paint(34), web: paint(35), worker: paint(36), build: paint(33), start: paint(32), supplier: paint(33) };

export function label(name: string, line: string): string {
  const tag = `[${name}]`.padEnd(11);
  return `${(COLOURS[name] ?? dim)(tag)}${line}`;
}

export interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number>;
  /** Asks politely (SIGTERM). */
  stop(): void;
  /** Insists (SIGKILL), for a child that ignored stop(). */
  kill(): void;
}

/** Wraps a process started in its own group (detached), so stop() and kill() reach its children too. */
function asChild(name: string, child: ChildProcess): Child {
  const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal); // the whole group: next spawns workers of its own
    } catch {
      child.kill(signal);
    }
  };
  return { name, process: child, exited, stop: () => signalGroup("SIGTERM"), kill: () => signalGroup("SIGKILL") };
}

/** Starts a process in its own group, its output prefixed with its name. */
export function startLabelled(name: string, command: string, args: string[], options: SpawnOptions): Child {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on("line", (line) => console.log(label(name, line)));
  }
  return asChild(name, child);
}

/**
 * Starts a script of ours (scripts/db-server.ts, scripts/supplier.ts) in its own process group and
 * waits for its one-line JSON answer on stdout (`{ error }` when it could not start); its later
 * lines are printed under its name. Its stdin stays open: when start.ts dies, it ends and the
 * script stops itself, so nothing is left behind even after a kill -9.
 */
export function startScript<Answer extends object>(
  name: string,
  /** What the script serves, for messages: "PostgreSQL", "the demo supplier API". */
  what: string,
  script: string,
  args: string[],
): Promise<{ child: Child; answer: Answer } | { error: string }> {
  // One process (tsx as a loader, not its CLI wrapper), so its exit is the script's stop being done.
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: path.join(path.dirname(script), ".."),
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  const handle = asChild(name, child);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on("line", (line) => stderr.push(line));
  return new Promise((resolve) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      try {
        const answer = JSON.parse(line) as Answer | { error: string };
        resolve("error" in answer ? { error: answer.error } : { child: handle, answer });
      } catch {
        resolve({ error: `the ${name} process said: ${line}` });
      }
      lines.on("line", (l) => console.log(label(name, l)));
    });
    void handle.exited.then((code) => resolve({ error: `the ${name} process exited (${code}) before ${what} was ready. ${stderr.slice(-3).join(" ")}` }));
  });
}

/** Starts scripts/db-server.ts and waits until PostgreSQL is ready. */
export async function startDatabaseServer(
  script: string,
  dataDir: string,
  preferredPort: number,
): Promise<{ child: Child; connectionString: string; port: number } | { error: string }> {
  const started = await startScript<{ connectionString: string; port: number }>("db", "PostgreSQL", script, [dataDir, String(preferredPort)]);
  if ("error" in started) return started;
  return { child: started.child, ...started.answer };
}

/** Waits until a file is gone (PostgreSQL removes postmaster.pid as the last step of its shutdown). */
export async function waitUntilGone(file: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(file)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

export async function runToEnd(name: string, command: string, args: string[], options: SpawnOptions): Promise<number> {
  return startLabelled(name, command, args, options).exited;
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
}

/** The newest modification time of any file under the given folders. */
export async function newestMtime(folders: string[]): Promise<number> {
  let newest = 0;
  async function walk(dir: string) {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else newest = Math.max(newest, (await stat(full)).mtimeMs);
    }
  }
  for (const folder of folders) await walk(folder);
  return newest;
}
