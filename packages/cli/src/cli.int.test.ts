import { createTestApi, type TestHttpServer, type TestUser } from "@flowgate/api/testing";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema, startTestWorker, type TestWorker } from "@flowgate/runtime/testing";
import { startShopApi, startSupplierApi, type ShopApi, type SupplierApi } from "@flowgate/testkit";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/flowgate.js", import.meta.url));
const PRODUCTS = 30;

let api: Awaited<ReturnType<typeof createTestApi>>;
let server: TestHttpServer;
let worker: TestWorker;
let supplier: SupplierApi;
let shop: ShopApi;
let owner: TestUser;
let home: string;
let token: string;
let flowId: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `flowgate` bin in a child process, with its own HOME and no FLOWGATE_* from the test's environment. */
function flowgate(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const { FLOWGATE_URL: _url, FLOWGATE_TOKEN: _token, XDG_CONFIG_HOME: _config, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...inherited, HOME: home, ...env }, cwd: home, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

function json<T>(result: Result): T {
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout) as T;
}

/** Supplier products, prices reshaped by `expression`, PUT into the shop API one by one: no stored connection. */
function supplierToShopApi(expression: string) {
  const node = (id: string, kind: string, config: Record<string, unknown>, x: number) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
  const nodes = [
    node("start", "trigger.manual", {}, 0),
    node("read", "source.http", { url: `${supplier.url}/products`, recordsPath: "data", pagination: { mode: "page", pageSize: 10 } }, 200),
    node("map", "transform.map", { fields: [{ target: "price", expression }], keyField: "sku" }, 400),
    node("shop", "destination.http", { url: `${shop.url}/products/{sku}`, keyField: "sku" }, 600),
  ];
  return {
    schemaVersion: 1,
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ id: `e${i + 1}`, source: nodes[i]!.id, sourcePort: "out", target: n.id, targetPort: "in" })),
    settings: { batchSize: 10, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  };
}

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  [server, worker, supplier, shop, home] = await Promise.all([
    api.serveHttp(),
    startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets }),
    startSupplierApi({ count: PRODUCTS, seed: 8 }),
    startShopApi(),
    mkdtemp(path.join(tmpdir(), "flowgate-cli-")),
  ]);
  owner = await api.signUp("Cleo");
  ({ id: flowId } = await owner.caller.flows.create({ name: "Supplier to shop" }));
  const { problems } = await owner.caller.flows.saveDraft({ flowId, baseRevision: 0, document: supplierToShopApi("price * 2") });
  expect(problems).toEqual([]);
  await owner.caller.flows.publish({ flowId });
  ({ token } = await owner.caller.tokens.create({ name: "CI", role: "editor" }));
});

afterAll(async () => {
  await worker?.stop();
  await server?.close();
  await Promise.all([supplier?.close(), shop?.close()]);
  await api?.dispose();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("flowgate", () => {
  it("deploys a changed flow file with a token: login, list, export, validate, import, publish, run --wait", async () => {
    const login = await flowgate(["login", "--url", `${server.url}/`, "--token", token]);
    expect(login, login.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(`workspace "Cleo's workspace" as editor`) });
    const configFile = path.join(home, ".config", "flowgate", "config.json");
    expect(JSON.parse(await readFile(configFile, "utf8"))).toEqual({ url: server.url, token });
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);

    const listed = json<{ id: string; name: string }[]>(await flowgate(["flows", "list", "--json"]));
    expect(listed.map((f) => [f.id, f.name])).toEqual([[flowId, "Supplier to shop"]]);

    const file = path.join(home, "supplier-to-shop.json");
    const exported = await flowgate(["flows", "export", flowId, "-o", file]);
    expect(exported, exported.stderr).toMatchObject({ code: 0 });
    const flowFile = JSON.parse(await readFile(file, "utf8")) as { kind: string; name: string; document: ReturnType<typeof supplierToShopApi> };
    expect(flowFile).toMatchObject({ schemaVersion: 1, kind: "flowgate.flow", name: "Supplier to shop" });

    // What a person does in git: change the price rule, save the file.
    const map = flowFile.document.nodes.find((n) => n.id === "map")!;
    map.config = { ...map.config, fields: [{ target: "price", expression: "price * 3" }] };
    await writeFile(file, JSON.stringify(flowFile, null, 2));
    const validated = await flowgate(["flows", "validate", file]);
    expect(validated, validated.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining("can be imported") });

    const imported = json<{ flowId: string; problems: unknown[] }>(await flowgate(["flows", "import", file, "--name", "Supplier to shop ×3", "--json"]));
    expect(imported.flowId).not.toBe(flowId);
    const published = await flowgate(["flows", "publish", imported.flowId, "-m", "from CI"]);
    expect(published, published.stderr).toMatchObject({ code: 0, stdout: `Published flow ${imported.flowId} as version 1.\n` });

    const run = json<{ id: string; status: string; counts: { read: number; written: number } }>(await flowgate(["flows", "run", imported.flowId, "--wait", "--json"]));
    expect(run).toMatchObject({ status: "succeeded", counts: { read: PRODUCTS, written: PRODUCTS } });
    const bySku = (a: { sku: string }, b: { sku: string }) => a.sku.localeCompare(b.sku);
    expect([...shop.state.values()].sort(bySku).map((p) => [p.sku, p["price"]])).toEqual([...supplier.products].sort(bySku).map((p) => [p.sku, p.price * 3]));

    const runs = json<{ id: string; flowName: string }[]>(await flowgate(["runs", "list", "--flow", imported.flowId, "--json"]));
    expect(runs.map((r) => [r.id, r.flowName])).toEqual([[run.id, "Supplier to shop ×3"]]);
    const shown = await flowgate(["runs", "get", run.id]);
    expect(shown, shown.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining(`Run ${run.id} succeeded: ${PRODUCTS} read, ${PRODUCTS} written, 0 with errors.`) });
  });

  it("exits 1 with the problems of a file that can't be imported, a failed run, and the reason of a refused call", async () => {
    const broken = path.join(home, "broken.json");
    const document = supplierToShopApi("price");
    document.nodes[2]!.kind = "transform.teleport";
    await writeFile(broken, JSON.stringify({ schemaVersion: 1, kind: "flowgate.flow", name: "Broken", description: "", document, connections: [] }));
    const env = { FLOWGATE_URL: server.url, FLOWGATE_TOKEN: token };
    const validated = await flowgate(["flows", "validate", broken], env);
    expect(validated).toMatchObject({ code: 1, stderr: expect.stringContaining("transform.teleport") });

    const sku = supplier.products[3]!.sku;
    shop.failSku(sku, { status: 422, message: `The shop refuses ${sku}` });
    try {
      const failed = await flowgate(["flows", "run", flowId, "--wait"], env);
      expect(failed).toMatchObject({ code: 1, stdout: expect.stringMatching(/^Run \S+ failed:/), stderr: expect.stringMatching(/^flowgate: Run \S+ failed: .+/) });
    } finally {
      shop.clearFailures();
    }

    const missing = await flowgate(["flows", "publish", "no-such-flow"], env);
    expect(missing).toMatchObject({ code: 1, stdout: "", stderr: expect.stringMatching(/^flowgate: The flow was not found in this workspace/) });
    const unreachable = await flowgate(["flows", "list"], { FLOWGATE_URL: "http://127.0.0.1:9", FLOWGATE_TOKEN: token });
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringContaining("Could not talk to Flowgate at http://127.0.0.1:9") });
  });

  it("exits 2 with the usage on wrong usage", async () => {
    const wrong = [[], ["flows"], ["flows", "export"], ["flows", "list", "--bogus"], ["runs", "get", "a", "b"], ["login", "--url", server.url], ["flows", "run", "x", "--timeout", "5"]];
    const results = await Promise.all(wrong.map((args) => flowgate(args)));
    results.forEach((result, i) => expect(result, wrong[i]!.join(" ")).toMatchObject({ code: 2, stdout: "", stderr: expect.stringContaining("Usage: flowgate") }));
    expect(await flowgate(["flows", "run", "--help"])).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: flowgate flows run <flow id>") });
  });

  it("refuses a revoked token with exit 1 and says what to do", async () => {
    const laptop = await owner.caller.tokens.create({ name: "Laptop", role: "viewer" });
    expect((await flowgate(["login", "--url", server.url, "--token", laptop.token])).code).toBe(0);
    expect((await flowgate(["flows", "list"])).code).toBe(0);
    await owner.caller.tokens.revoke({ id: laptop.id });
    const result = await flowgate(["flows", "list"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "flowgate: This API token is not valid (revoked, expired or unknown). Create a new one in Settings → API tokens.\n",
    });
    const login = await flowgate(["login", "--url", server.url, "--token", laptop.token]);
    expect(login.code).toBe(1);
  });
});
