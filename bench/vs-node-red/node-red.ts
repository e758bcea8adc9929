/**
 * Node-RED 4 as people run it: `node node_modules/node-red/red.js` in a process of its own, with a
 * temporary user directory, the flow deployed through the admin API (`POST /flows`) and each run
 * started through the inject node's admin endpoint (`POST /inject/:id`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, pipeOutput, stopChild, type MeasuredSide } from "./common";
import { INJECT_ID, nodeRedFlow } from "./node-red-flow";

const require = createRequire(import.meta.url);
export const NODE_RED_VERSION = (require("node-red/package.json") as { version: string }).version;
/** After the shop has every expected record, how long Node-RED must stay quiet (no extra writes, no errors). */
const QUIET_MS = 500;

export async function startNodeRed(options: { supplierUrl: string; shopUrl: string; pageSize: number }): Promise<MeasuredSide> {
  const userDir = mkdtempSync(path.join(tmpdir(), "flowgate-bench-node-red-"));
  const port = await freePort();
  writeFileSync(
    path.join(userDir, "settings.js"),
    `module.exports = ${JSON.stringify(
      {
        uiHost: "127.0.0.1",
        uiPort: port,
        flowFile: "flows.json",
        credentialSecret: false,
        logging: { console: { level: "warn", metrics: false, audit: false } },
        diagnostics: { enabled: false, ui: false },
        telemetry: { enabled: false, updateNotification: false },
        externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
        functionExternalModules: true,
        editorTheme: { projects: { enabled: false }, tours: false },
      },
      null,
      2,
    )};\n`,
  );
  const redJs = require.resolve("node-red/red.js");
  const child = spawn(process.execPath, [redJs, "--userDir", userDir, "--settings", path.join(userDir, "settings.js")], {
    cwd: userDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = pipeOutput(child, "node-red");
  let errorLine: string | undefined;
  const watchErrors = (chunk: Buffer) => {
    const line = chunk.toString().split("\n").find((l) => /\[(error|warn)\]/.test(l));
    if (line && !errorLine) errorLine = line.trim();
  };
  child.stdout.on("data", watchErrors);
  child.stderr.on("data", watchErrors);
  const admin = `http://127.0.0.1:${port}`;

  const close = async () => {
    await stopChild(child);
    rmSync(userDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}) while starting:\n${output.tail()}`);
      const ready = await fetch(`${admin}/settings`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`Node-RED did not start within 60 s:\n${output.tail()}`);
      await sleep(100);
    }
    errorLine = undefined; // start-up notices ("Projects disabled", "Using unencrypted credentials") are not problems
    const deployed = await fetch(`${admin}/flows`, {
      method: "POST",
      headers: { "content-type": "application/json", "node-red-api-version": "v1", "node-red-deployment-type": "full" },
      body: JSON.stringify(nodeRedFlow(options)),
    });
    if (!deployed.ok) throw new Error(`deploying the flow to Node-RED failed: ${deployed.status} ${await deployed.text()}`);
    // The function nodes load their `libs` (crypto) asynchronously; give the runtime a moment to settle.
    await sleep(500);
    if (errorLine) throw new Error(`Node-RED reported a problem after the deploy: ${errorLine}`);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    name: `Node-RED ${NODE_RED_VERSION}`,
    pid: child.pid!,
    async trigger() {
      errorLine = undefined;
      const response = await fetch(`${admin}/inject/${INJECT_ID}`, { method: "POST" });
      if (!response.ok) throw new Error(`starting the Node-RED flow failed: ${response.status} ${await response.text()}`);
    },
    async settled(expectedWrites, shop) {
      // Node-RED has no "run finished" of its own: the run is over when the shop holds every expected
      // record (the caller waited for that) and nothing else arrives for a while.
      await sleep(QUIET_MS);
      if (errorLine) throw new Error(`Node-RED reported a problem during the run: ${errorLine}`);
      if (shop.writes.length !== expectedWrites) {
        throw new Error(`Node-RED wrote ${shop.writes.length} records, expected exactly ${expectedWrites}`);
      }
      return {};
    },
    failure() {
      if (child.exitCode !== null || child.signalCode !== null) return `Node-RED exited (${child.exitCode ?? child.signalCode}):\n${output.tail()}`;
      return errorLine && `Node-RED reported a problem during the run: ${errorLine}`;
    },
    close,
  };
}
