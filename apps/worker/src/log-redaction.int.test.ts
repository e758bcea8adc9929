import { connections, newId } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { createTestDatabase, type TestDatabase } from "@flowgate/db/testing";
import { enqueueRun } from "@flowgate/runtime";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublishedFlow, createWorkspace, killAll, runFinished, startWorkerProcess, type WorkerProcess } from "./testing";

const SECRET = "canary-test-secret-canary-test-secret-012345";
const secrets = createSecretBox(SECRET);
/** Secrets no log line may ever show, in any of the forms they travel in. */
const BEARER = `canary-bearer-${randomBytes(8).toString("hex")}`;
const PASSWORD = `canary-password-${randomBytes(8).toString("hex")}`;
const API_KEY = `canary-key-${randomBytes(8).toString("hex")}`;

let database: TestDatabase;
const suppliers: SupplierApi[] = [];
let dataDir: string;
const children: WorkerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await installWorkerSchema(database.pool);
  dataDir = await mkdtemp(path.join(tmpdir(), "flowgate-canary-"));
});

afterAll(async () => {
  killAll(children);
  for (const supplier of suppliers) await supplier.close();
  await database?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function supplier(options: Parameters<typeof startSupplierApi>[0]) {
  const api = await startSupplierApi({ count: 20, ...options });
  suppliers.push(api);
  return api;
}

/** An HTTP connection to the supplier with the given auth settings and secret, and a flow that reads its products through it. */
async function flowThrough(workspaceId: string, baseUrl: string, auth: Record<string, string>, secret: Record<string, string>) {
  const connectionId = newId();
  await database.db.insert(connections).values({ id: connectionId, workspaceId, kind: "http", name: "Supplier", settings: { baseUrl, auth }, secretCiphertext: secrets.encryptJson(secret) });
  const node = (id: string, kind: string, config: Record<string, unknown>) => ({ id, kind, kindVersion: 1, label: id, position: { x: 0, y: 0 }, config });
  return createPublishedFlow(database.db, workspaceId, {
    schemaVersion: 1,
    nodes: [
      node("start", "trigger.manual", {}),
      node("read-supplier", "source.http", { connectionId, url: "/products", recordsPath: "data", retries: 1, pagination: { mode: "page", pageSize: 10 } }),
      node("map", "transform.map", { fields: [{ target: "price", expression: "price * 2" }], keyField: "sku" }),
    ],
    edges: [
      { id: "e1", source: "start", sourcePort: "out", target: "read-supplier", targetPort: "in" },
      { id: "e2", source: "read-supplier", sourcePort: "out", target: "map", targetPort: "in" },
    ],
    settings: { batchSize: 10, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  });
}

describe("worker logs", () => {
  it("at debug level, runs that fail against APIs holding canary secrets log one JSON line per event with run and node ids, and never a secret", async () => {
    const workspaceId = await createWorkspace(database.db, "Canary");
    // 401: the supplier wants another token / key than the connection's.
    const bearerApi = await supplier({ auth: { type: "bearer", token: "the-right-token" } });
    const keyApi = await supplier({ auth: { type: "api-key", in: "query", name: "key", value: "the-right-key" } });
    // 500 twice: the credentials are right, the server fails; the run's first attempt stops (a transient
    // failure, logged by the runtime and by graphile-worker) and its retry succeeds.
    const basicApi = await supplier({ auth: { type: "basic", username: "shop", password: PASSWORD } });
    basicApi.setFault({ kind: "status", status: 500, times: 2 });

    const flows = [
      await flowThrough(workspaceId, bearerApi.url, { type: "bearer" }, { token: BEARER }),
      await flowThrough(workspaceId, keyApi.url, { type: "api-key", in: "query", name: "key" }, { apiKey: API_KEY }),
      await flowThrough(workspaceId, basicApi.url, { type: "basic", username: "shop" }, { password: PASSWORD }),
    ];
    const runIds = await database.db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const flow of flows) ids.push((await enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" })).runId);
      return ids;
    });

    const worker = startWorkerProcess({ DATABASE_URL: database.connectionString, FLOWGATE_SECRET: SECRET, FLOWGATE_DATA_DIR: dataDir, LOG_LEVEL: "debug" });
    children.push(worker);
    for (const runId of runIds.slice(0, 2)) {
      const run = await runFinished(database.db, runId, 30_000, worker.output);
      expect(run.status, worker.output()).toBe("failed");
      expect(run.error?.nodeId).toBe("read-supplier");
    }
    const retried = await runFinished(database.db, runIds[2]!, 30_000, worker.output);
    expect(retried.status, worker.output()).toBe("succeeded");
    expect(retried.attempt).toBe(2);
    // The canaries did reach the suppliers (else this proves nothing).
    expect(bearerApi.requests.log.some((r) => r.path === "/products")).toBe(true);
    expect(basicApi.faultHits).toBeGreaterThan(0);
    expect(keyApi.requests.log.some((r) => r.query.key === API_KEY)).toBe(true);

    worker.child.kill("SIGTERM");
    await worker.exited();
    const output = worker.output();

    const canaries = [
      BEARER,
      PASSWORD,
      API_KEY,
      Buffer.from(`shop:${PASSWORD}`).toString("base64"),
      encodeURIComponent(API_KEY),
      SECRET,
      decodeURIComponent(new URL(database.connectionString).password),
    ];
    for (const canary of canaries) expect(output.includes(canary), `the worker's output shows “${canary}”:\n${output}`).toBe(false);

    const lines = output.split("\n").filter((line) => line.trim() !== "");
    const events = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    for (const runId of runIds.slice(0, 2)) {
      const finished = events.find((e) => e.runId === runId && e.msg === "run-flow: finished");
      expect(finished, `no "finished" line for ${runId}:\n${output}`).toMatchObject({ level: 30, service: "worker", status: "failed", nodeId: "read-supplier" });
      expect(typeof finished!.error).toBe("string");
    }
    // The retried run: its first attempt's warning names the node and the error, its second ends well.
    const stopped = events.find((e) => e.runId === runIds[2] && e.msg === "run-flow: transient failure; the job will be retried");
    expect(stopped, output).toMatchObject({ level: 40, nodeId: "read-supplier", attempt: 1 });
    expect(events.find((e) => e.runId === runIds[2] && e.msg === "run-flow: finished"), output).toMatchObject({ status: "succeeded", attempt: 2 });
    expect(events.some((e) => e.level === 20), "debug lines are written at LOG_LEVEL=debug").toBe(true);
  }, 60_000);
});
