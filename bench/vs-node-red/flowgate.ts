/** Starts Flowgate's side (flowgate-child.ts) in a process of its own and drives it over IPC. */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { pipeOutput, stopChild, type MeasuredSide } from "./common";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface DoneMessage {
  type: "done";
  run: number;
  report: {
    status: string;
    error?: { message: string };
    recordsRead?: number;
    errorCount?: number;
    errors?: unknown[];
    nodes?: Record<string, { in: number; out: Record<string, number>; errors: number; ms: number }>;
  };
}

export async function startFlowgate(options: { supplierUrl: string; shopUrl: string; pageSize: number; batchSize: number; products: number }): Promise<MeasuredSide> {
  // `node --import tsx`, not the tsx CLI: the CLI starts the script in a second process, and the
  // process measured must be the one doing the work.
  const child = spawn(process.execPath, ["--import", require.resolve("tsx"), path.join(here, "flowgate-child.ts"), JSON.stringify(options)], {
    cwd: here,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const output = pipeOutput(child, "flowgate");
  let run = 0;
  let done: DoneMessage | undefined;
  let doneAt = 0;
  let onDone: ((message: DoneMessage) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the Flowgate process exited (${code}) while starting:\n${output.tail()}`)));
    child.on("message", (message: { type: string }) => {
      if (message.type === "ready") resolve();
      if (message.type === "done") {
        done = message as DoneMessage;
        doneAt = Date.now();
        onDone?.(done);
      }
    });
  });
  try {
    await ready;
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const failed = (report: DoneMessage["report"]) => report.status !== "succeeded";

  return {
    name: "Flowgate",
    pid: child.pid!,
    async trigger() {
      done = undefined;
      run++;
      child.send({ type: "run", run });
    },
    async settled(expectedWrites, shop) {
      const message = done ?? (await new Promise<DoneMessage>((resolve) => (onDone = resolve)));
      onDone = undefined;
      const { report } = message;
      if (failed(report)) throw new Error(`the Flowgate run ${report.status}: ${JSON.stringify(report.error)} ${JSON.stringify(report.errors ?? [])}`);
      if (report.recordsRead !== options.products) throw new Error(`Flowgate read ${report.recordsRead} records, expected ${options.products}`);
      if (report.errorCount) throw new Error(`Flowgate had ${report.errorCount} record errors: ${JSON.stringify(report.errors)}`);
      const written = report.nodes?.shop?.in;
      if (written !== expectedWrites || shop.writes.length !== expectedWrites) {
        throw new Error(`Flowgate sent ${written} records to the shop, which holds ${shop.writes.length}; expected exactly ${expectedWrites}`);
      }
      return { nodes: report.nodes };
    },
    failure() {
      if (child.exitCode !== null || child.signalCode !== null) return `the Flowgate process exited (${child.exitCode ?? child.signalCode}):\n${output.tail()}`;
      if (done && failed(done.report)) return `the Flowgate run ${done.report.status}: ${JSON.stringify(done.report.error)} ${JSON.stringify(done.report.errors ?? [])}`;
      // The destination waits for the shop's answers, so once the run is over the shop holds everything.
      if (done && Date.now() - doneAt > 2000) return `the Flowgate run ${done.report.status} 2 s ago, but the shop does not hold every expected record yet`;
      return undefined;
    },
    async close() {
      if (child.connected && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.send({ type: "exit" });
        await Promise.race([exited, sleep(3000)]);
      }
      await stopChild(child);
    },
  };
}
