import { execFileSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { ShopApi } from "@flowgate/testkit";

/** A process measured by the scenario: both sides run in one of these, measured the same way. */
export interface MeasuredSide {
  name: string;
  /** The measured process (the one doing the work, not a launcher). */
  pid: number;
  /** Starts one run of the flow; resolves once it was started. */
  trigger(): Promise<void>;
  /** Resolves when the side says (or shows) that the run is over, with what it can tell about it. */
  settled(expectedWrites: number, shop: ShopApi): Promise<Record<string, unknown>>;
  /** Why the run cannot finish (the process died, it logged an error), while waiting for the shop. */
  failure(): string | undefined;
  close(): Promise<void>;
}

/** Peak and current resident set of a live process, from /proc (Linux), in MB. */
export function procMemoryMb(pid: number): { peakRssMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  const mb = (value: number) => Math.round((value / 1024) * 10) / 10;
  return { peakRssMb: mb(kb("VmHWM")), rssMb: mb(kb("VmRSS")) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until the shop holds `count` writes; rejects after `timeoutMs`, or when `failed()` says why. */
export async function waitForWrites(shop: ShopApi, count: number, timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (shop.writes.length < count) {
    const why = failed();
    if (why) throw new Error(why);
    if (Date.now() > deadline) throw new Error(`the shop received ${shop.writes.length.toLocaleString("en")} of ${count.toLocaleString("en")} records within ${timeoutMs / 1000} s`);
    await sleep(1);
  }
}

/** Prefixes a child's output lines and keeps the last ones for error messages. */
export function pipeOutput(child: ChildProcess, prefix: string): { tail(): string } {
  const lines: string[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      process.stderr.write(`[${prefix}] ${line}\n`);
    }
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  return { tail: () => lines.join("\n") };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Resident set of an idle `node` with these flags (e.g. the tsx loader), in MB: what a process pays before any code of its own. */
export function idleNodeRssMb(flags: string[]): number {
  const kb = execFileSync(
    process.execPath,
    [...flags, "-e", `setTimeout(() => process.stdout.write(/VmRSS:\\s+(\\d+)/.exec(require("fs").readFileSync("/proc/self/status", "utf8"))[1]), 200)`],
    { encoding: "utf8" },
  );
  return Math.round((Number(kb) / 1024) * 10) / 10;
}
