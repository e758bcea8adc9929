import { connections, flows, flowSchedules, newId } from "@flowgate/db";
import { FlowSchema } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { installWorkerSchema, postgresConnectionParts, startTestWorker, supplierToShopFlow, type TestWorker } from "@flowgate/runtime/testing";
import { createShopProductsTable, startSupplierApi, type SupplierApi } from "@flowgate/testkit";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

/**
 * Flow files (issue 8, import and export): exported from one workspace with the real node kinds,
 * validated and imported into another, where the person picks their own connections and the flow runs
 * on a real worker against the test kit's supplier and the shop table. A canary secret sits in a
 * connection's secret (the supplier's bearer token) and in a connection's settings (a password in an
 * older connection's address); it must reach no file and no API answer.
 */

const CANARY = "canary-5d1e9b07-never-export";
const PRODUCTS = 40;

let api: Awaited<ReturnType<typeof createTestApi>>;
let supplier: SupplierApi;
let worker: TestWorker;
/** Owner of workspace A, where the flows are made. */
let ana: TestUser;
/** Owner of workspace B, where they are imported. */
let bob: TestUser;
/** A viewer in workspace A. */
let vera: TestUser;
let supplierConnectionId: string;
let shopConnectionId: string;
let legacyConnectionId: string;
let shopParts: ReturnType<typeof postgresConnectionParts>;

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  await installWorkerSchema(api.database.pool);
  await createShopProductsTable(api.database.pool);
  supplier = await startSupplierApi({ count: PRODUCTS, seed: 8, auth: { type: "bearer", token: CANARY } });
  ana = await api.signUp("Ana");
  bob = await api.signUp("Bob");
  vera = await api.signUp("Vera");
  await api.joinAs(vera, ana.workspaceId, "viewer");

  // The supplier's token is the canary: a run that succeeds has used it.
  ({ id: supplierConnectionId } = await ana.caller.connections.create({
    kind: "http",
    name: "Supplier API",
    settings: { baseUrl: supplier.url, auth: { type: "bearer" } },
    secret: { token: CANARY },
  }));
  shopParts = postgresConnectionParts(api.database.connectionString);
  ({ id: shopConnectionId } = await ana.caller.connections.create({ kind: "postgres", name: "Shop database", settings: shopParts.settings, secret: shopParts.secret }));
  // Saved before the API refused a password in the address (it does now, see below): the row as it would be.
  legacyConnectionId = newId();
  await api.database.db.insert(connections).values({
    id: legacyConnectionId,
    workspaceId: ana.workspaceId,
    kind: "http",
    name: "Old supplier",
    settings: { baseUrl: `${supplier.url.replace("http://", `http://importer:${CANARY}@`)}/v1`, headers: {} },
    secretCiphertext: api.deps.secrets.encryptJson({ token: CANARY }),
  });
  worker = await startTestWorker({ db: api.database.db, pool: api.database.pool, secrets: api.deps.secrets });
});

afterAll(async () => {
  await worker?.stop();
  await supplier?.close();
  await api?.dispose();
});

/** The test kit's supplier → shop flow, hourly, reading through a stored HTTP connection. */
function supplierToShop(supplierConnection: string, shopConnection: string) {
  const document = supplierToShopFlow({ supplierUrl: "", shopConnectionId: shopConnection, batchSize: 20 });
  document.nodes[0] = { ...document.nodes[0]!, kind: "trigger.schedule", label: "Every hour", config: { mode: "interval", every: 1, unit: "hours" } };
  document.nodes[1]!.config = { ...document.nodes[1]!.config, url: "/products", connectionId: supplierConnection };
  return document;
}

async function savedFlow(user: TestUser, name: string, document: unknown, options: { publish?: boolean } = {}) {
  const { id: flowId } = await user.caller.flows.create({ name });
  const { problems, revision } = await user.caller.flows.saveDraft({ flowId, document, baseRevision: 0 });
  expect(problems).toEqual([]);
  if (options.publish) await user.caller.flows.publish({ flowId });
  return { flowId, revision };
}

async function waitForEnd(user: TestUser, runId: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const run = await user.caller.runs.get({ runId });
    if (["succeeded", "succeeded_with_errors", "failed", "cancelled"].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

type FileJson = { schemaVersion: number; kind: string; name: string; description: string; document: ReturnType<typeof supplierToShop>; connections: unknown[] };
const parse = (fileText: string) => JSON.parse(fileText) as FileJson;
/** The document without its connection fields, as FlowSchema stores it. */
function withoutConnections(document: unknown) {
  const copy = FlowSchema.parse(structuredClone(document));
  for (const node of copy.nodes) delete node.config["connectionId"];
  return copy;
}
const flowCount = async (workspaceId: string) => (await api.database.db.select({ id: flows.id }).from(flows).where(eq(flows.workspaceId, workspaceId))).length;

describe("flows.export", () => {
  it("exports the published version, connections as refs with their kind and name only", async () => {
    const { flowId, revision } = await savedFlow(ana, "Supplier → shop", supplierToShop(supplierConnectionId, shopConnectionId), { publish: true });
    // An unpublished change stays out of the file: it holds what runs.
    const changed = supplierToShop(supplierConnectionId, shopConnectionId);
    changed.nodes[2]!.label = "Work in progress";
    await ana.caller.flows.saveDraft({ flowId, document: changed, baseRevision: revision });

    const { fileName, fileText } = await ana.caller.flows.export({ flowId });
    expect(fileName).toBe("supplier-shop.flow.json");
    const file = parse(fileText);
    expect(file).toMatchObject({ schemaVersion: 1, kind: "flowgate.flow", name: "Supplier → shop", description: "" });
    expect(file.connections).toEqual([
      { ref: "connection-1", kind: "http", name: "Supplier API" },
      { ref: "connection-2", kind: "postgres", name: "Shop database" },
    ]);
    expect(file.document.nodes.map((n) => [n.id, n.label, n.config["connectionId"]])).toEqual([
      ["start", "Every hour", undefined],
      ["read", "read", "connection-1"],
      ["map", "map", undefined],
      ["shop", "shop", "connection-2"],
    ]);
    expect(withoutConnections(file.document)).toEqual(withoutConnections(supplierToShop("x", "y")));
    // No id of this workspace, and nothing of the connections' settings (the supplier's address, the database's name).
    for (const text of [supplierConnectionId, shopConnectionId, flowId, ana.workspaceId, supplier.url, String(shopParts.settings["database"]), CANARY]) {
      expect(fileText).not.toContain(text);
    }

    // A flow never published exports its draft; a connection deleted since is left out, not carried as an id.
    const { id: tempId } = await ana.caller.connections.create({ kind: "http", name: "Temporary", settings: { baseUrl: "https://temp.example" } });
    const { flowId: draftOnly } = await savedFlow(ana, "Draft only", supplierToShop(tempId, shopConnectionId));
    await ana.caller.connections.delete({ connectionId: tempId });
    const draftFile = parse((await ana.caller.flows.export({ flowId: draftOnly })).fileText);
    expect(draftFile.connections).toEqual([{ ref: "connection-1", kind: "postgres", name: "Shop database" }]);
    expect(draftFile.document.nodes[1]!.config["connectionId"]).toBeUndefined();
    expect(draftFile.document.nodes[3]!.config["connectionId"]).toBe("connection-1");
  });

  it("is open to viewers; another workspace's flow is not found", async () => {
    const { flowId } = await savedFlow(ana, "For viewers", supplierToShop(supplierConnectionId, shopConnectionId));
    expect((await vera.caller.flows.export({ flowId })).fileName).toBe("for-viewers.flow.json");
    await expect(bob.caller.flows.export({ flowId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.anonymousCaller().flows.export({ flowId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("the canary secret", () => {
  it("is refused in a connection's address, and appears in no export and no API answer", async () => {
    await expect(
      ana.caller.connections.create({ kind: "http", name: "Bad", settings: { baseUrl: `https://importer:${CANARY}@supplier.example` } }),
    ).rejects.toThrow(/baseUrl: Don't put a password in the address: choose Basic authentication/);
    await expect(
      ana.caller.connections.update({ connectionId: supplierConnectionId, settings: { baseUrl: `https://importer:${CANARY}@supplier.example` } }),
    ).rejects.toThrow(/Don't put a password in the address/);

    const main = await savedFlow(ana, "Canary main", supplierToShop(supplierConnectionId, shopConnectionId), { publish: true });
    const legacy = await savedFlow(ana, "Canary legacy", supplierToShop(legacyConnectionId, shopConnectionId), { publish: true });
    // One run that used the secret, one that failed on the address with the password in it.
    const good = await waitForEnd(ana, (await ana.caller.runs.start({ flowId: main.flowId })).runId);
    expect(good).toMatchObject({ status: "succeeded", counts: { read: PRODUCTS, written: PRODUCTS, errors: 0 } });
    const bad = await waitForEnd(ana, (await ana.caller.runs.start({ flowId: legacy.flowId })).runId);
    expect(bad.status).toBe("failed");
    expect(bad.error?.message).toMatch(/401/);

    const answers: unknown[] = [];
    for (const { flowId } of [main, legacy]) {
      answers.push(await ana.caller.flows.get({ flowId }), await ana.caller.flows.export({ flowId }), await ana.caller.flows.versions({ flowId }));
    }
    answers.push(await ana.caller.flows.list(), await ana.caller.connections.list(), await ana.caller.runs.list({}));
    for (const run of [good, bad]) {
      answers.push(run, await ana.caller.runs.events({ runId: run.id }), await ana.caller.runs.batches({ runId: run.id }), await ana.caller.runs.errors({ runId: run.id }));
    }
    const everything = JSON.stringify(answers);
    expect(everything).not.toContain(CANARY);
    expect(everything).toContain("importer@"); // the legacy address is there, its password is not
    const exported = parse((await ana.caller.flows.export({ flowId: legacy.flowId })).fileText);
    expect(exported.connections).toEqual([
      { ref: "connection-1", kind: "http", name: "Old supplier" },
      { ref: "connection-2", kind: "postgres", name: "Shop database" },
    ]);
  });
});

describe("flows.validateImport and flows.import", () => {
  it("bring a file from another workspace in disabled, triggers off, connections to choose; chosen, it publishes and runs", async () => {
    const source = await savedFlow(ana, "Supplier → shop (round trip)", supplierToShop(supplierConnectionId, shopConnectionId), { publish: true });
    const { fileText } = await ana.caller.flows.export({ flowId: source.flowId });

    expect(await bob.caller.flows.validateImport({ fileText })).toEqual({ ok: true, problems: [] });
    const before = await flowCount(bob.workspaceId);
    const imported = await bob.caller.flows.import({ fileText });
    expect(await flowCount(bob.workspaceId)).toBe(before + 1);
    expect(imported.problems).toEqual([
      {
        code: "connection_unassigned",
        message: "Step “read” used the HTTP connection “Supplier API” where the flow was exported. Choose one of this workspace's connections for it in the step's settings.",
        nodeId: "read",
        path: ["nodes", 1, "config", "connectionId"],
      },
      {
        code: "connection_unassigned",
        message: "Step “shop” used the PostgreSQL connection “Shop database” where the flow was exported. Choose one of this workspace's connections for it in the step's settings.",
        nodeId: "shop",
        path: ["nodes", 3, "config", "connectionId"],
      },
    ]);

    const flow = await bob.caller.flows.get({ flowId: imported.flowId });
    expect(flow).toMatchObject({ name: "Supplier → shop (round trip)", enabled: false, activeVersionId: null });
    expect(flow.draft).toEqual(withoutConnections(parse(fileText).document));
    // The schedule is not live and no webhook address listens: nothing runs until someone publishes and enables it.
    expect(await api.database.db.select().from(flowSchedules).where(eq(flowSchedules.flowId, imported.flowId))).toEqual([]);
    expect((await bob.caller.flows.list()).find((f) => f.id === imported.flowId)).toMatchObject({ enabled: false, nextRunAt: null, activeVersionNumber: null });
    // What flows.get reports: the required PostgreSQL connection is missing.
    expect(flow.problems.map((p) => [p.nodeId, p.path.join(".")])).toEqual([["shop", "nodes.3.config.connectionId"]]);
    await expect(bob.caller.flows.publish({ flowId: imported.flowId })).rejects.toThrow(/Node “shop”: the setting “connectionId” is missing/);

    // Bob picks his own connections; the flow publishes and runs in his workspace.
    const { id: bobSupplier } = await bob.caller.connections.create({ kind: "http", name: "Our supplier", settings: { baseUrl: supplier.url, auth: { type: "bearer" } }, secret: { token: CANARY } });
    const { id: bobShop } = await bob.caller.connections.create({ kind: "postgres", name: "Our shop", settings: shopParts.settings, secret: shopParts.secret });
    const draft = structuredClone(flow.draft) as ReturnType<typeof supplierToShop>;
    draft.nodes[1]!.config["connectionId"] = bobSupplier;
    draft.nodes[3]!.config["connectionId"] = bobShop;
    expect((await bob.caller.flows.saveDraft({ flowId: imported.flowId, document: draft, baseRevision: flow.revision })).problems).toEqual([]);
    await bob.caller.flows.publish({ flowId: imported.flowId });
    supplier.changePercent(50);
    const run = await waitForEnd(bob, (await bob.caller.runs.start({ flowId: imported.flowId })).runId);
    expect(run).toMatchObject({ status: "succeeded", counts: { read: PRODUCTS, written: PRODUCTS, errors: 0 } });
    const shop = await api.database.pool.query("select sku, price::float8 as price from shop.products order by sku");
    expect(shop.rows).toEqual(supplier.products.map((p) => ({ sku: p.sku, price: p.price * 2 })));

    // Exported again from Bob's workspace: the same file but for his connections' names, and none of Ana's ids.
    const again = await bob.caller.flows.export({ flowId: imported.flowId });
    expect(parse(again.fileText).document).toEqual(parse(fileText).document);
    expect(parse(again.fileText).connections).toEqual([
      { ref: "connection-1", kind: "http", name: "Our supplier" },
      { ref: "connection-2", kind: "postgres", name: "Our shop" },
    ]);
    for (const text of [supplierConnectionId, shopConnectionId, source.flowId, ana.workspaceId]) {
      expect(JSON.stringify(await bob.caller.flows.get({ flowId: imported.flowId }))).not.toContain(text);
      expect(again.fileText).not.toContain(text);
    }
  });

  it("take a new name, and need an editor to import", async () => {
    const { flowId } = await savedFlow(ana, "Named", supplierToShop(supplierConnectionId, shopConnectionId));
    const { fileText } = await ana.caller.flows.export({ flowId });
    const { flowId: copy } = await ana.caller.flows.import({ fileText, name: "  Named, imported  " });
    expect((await ana.caller.flows.get({ flowId: copy })).name).toBe("Named, imported");

    expect((await vera.caller.flows.validateImport({ fileText })).ok).toBe(true);
    await expect(vera.caller.flows.import({ fileText })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuse a file with problems, listing every one: unknown kinds by name, the flow's problems, refs that do not resolve", async () => {
    const { flowId } = await savedFlow(ana, "To break", supplierToShop(supplierConnectionId, shopConnectionId));
    const file = parse((await ana.caller.flows.export({ flowId })).fileText);
    file.document.nodes.push({ id: "erp", kind: "vendor.erp-sync", kindVersion: 1, label: "Sync to ERP", position: { x: 800, y: 0 }, config: {} });
    file.document.nodes[3]!.config["connectionId"] = "connection-7";
    file.document.nodes[2]!.config = { fields: [{ target: "price", expression: "price * " }], keyField: "sku" };
    const fileText = JSON.stringify(file);

    const validation = await bob.caller.flows.validateImport({ fileText });
    expect(validation.ok).toBe(false);
    expect(validation.problems.map((p) => p.path)).toEqual([
      ["document", "nodes", 4, "kind"],
      ["document", "nodes", 2, "config", "fields", 0, "expression"],
      ["document", "nodes", 3, "config", "connectionId"],
    ]);
    expect(validation.problems[0]!.message).toMatch(/^Unknown step kind “vendor\.erp-sync” at node “Sync to ERP” \(id “erp”\)\./);
    expect(validation.problems[2]!.message).toMatch(/uses the connection “connection-7”, which is not in the file's “connections” list/);

    const before = await flowCount(bob.workspaceId);
    const refusal = await bob.caller.flows.import({ fileText }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: "BAD_REQUEST" });
    const message = (refusal as Error).message;
    expect(message).toMatch(/^The file has 3 problem\(s\), so nothing was imported:\n• Unknown step kind “vendor\.erp-sync”/);
    for (const problem of validation.problems) expect(message).toContain(problem.message);
    expect(await flowCount(bob.workspaceId)).toBe(before);

    // Not a flow file at all.
    expect((await bob.caller.flows.validateImport({ fileText: "{ not json" })).problems[0]!.message).toMatch(/^The file is not valid JSON/);
    expect((await bob.caller.flows.validateImport({ fileText: JSON.stringify(file.document) })).problems[0]!.message).toMatch(/bare flow document/);
  });

  it("refuse 50 MB at once with a plain sentence, and 10,000 levels of nesting without a stack overflow", async () => {
    const before = await flowCount(bob.workspaceId);
    const huge = `{"kind":"flowgate.flow","padding":"${"x".repeat(50 * 1024 * 1024)}"}`;
    for (const call of [() => bob.caller.flows.validateImport({ fileText: huge }), () => bob.caller.flows.import({ fileText: huge })]) {
      const refusal = await call().catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      expect((refusal as Error).message).toMatch(/^The file is too large \(50 MB\): a Flowgate flow file can be at most 5 MB\./);
    }

    const { flowId } = await savedFlow(ana, "Deep", supplierToShop(supplierConnectionId, shopConnectionId));
    const deep = (await ana.caller.flows.export({ flowId })).fileText.replace('"keyField": "sku"', `"keyField": "sku", "deep": ${"[".repeat(10_000)}${"]".repeat(10_000)}`);
    expect(deep).toContain("[[[[");
    const validation = await bob.caller.flows.validateImport({ fileText: deep });
    expect(validation).toEqual({ ok: false, problems: [{ path: [], message: expect.stringMatching(/nests lists and groups more than 64 levels deep \(line \d+, column \d+\)/) }] });
    await expect(bob.caller.flows.import({ fileText: deep })).rejects.toThrow(/more than 64 levels deep/);
    expect(await flowCount(bob.workspaceId)).toBe(before);
  });
});
