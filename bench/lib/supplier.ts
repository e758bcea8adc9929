/** Starts supplier-child.ts and drives it; `catalogue` is the same catalogue (same seed), mirrored here for checks. */
import { Catalogue } from "@flowgate/testkit";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pipeOutput, stopChild } from "../vs-node-red/common";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export interface SupplierProcess {
  url: string;
  /** A mirror of the supplier's catalogue (same seed, same changes), for checking what was written. */
  catalogue: Catalogue;
  /** Changes `percent`% of the products at the supplier (and in the mirror); returns their skus. */
  changePercent(percent: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function startSupplierProcess(count: number, seed = 1): Promise<SupplierProcess> {
  const child = spawn(process.execPath, ["--import", require.resolve("tsx"), path.join(here, "supplier-child.ts"), JSON.stringify({ count, seed })], {
    cwd: here,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const output = pipeOutput(child, "supplier");
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the supplier process exited (${code}):\n${output.tail()}`)));
    child.on("message", (m: { type: string; url?: string }) => m.type === "ready" && resolve(m.url!));
  });
  const catalogue = new Catalogue(count, seed);
  return {
    url,
    catalogue,
    async changePercent(percent) {
      const skus = await new Promise<string[]>((resolve) => {
        const listen = (m: { type: string; skus?: string[] }) => {
          if (m.type !== "changed") return;
          child.off("message", listen);
          resolve(m.skus!);
        };
        child.on("message", listen);
        child.send({ type: "change", percent });
      });
      const mirrored = catalogue.changePercent(percent);
      if (mirrored.join() !== skus.join()) throw new Error("the supplier's changes and the mirror's differ");
      return skus;
    },
    async close() {
      if (child.connected) child.send({ type: "exit" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await stopChild(child);
    },
  };
}
