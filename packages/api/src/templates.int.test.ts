import { auditLog } from "@flowgate/db";
import { FlowSchema } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { postgresConnectionParts, supplierToShopFlow } from "@flowgate/runtime/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

/**
 * templates.list / get / install / saveFromFlow / delete over a real database: search and
 * categories, install's checks, save → install round trips, versions, visibility across workspaces,
 * roles, and a canary secret that must reach no template.
 */

const CANARY = "canary-7a41c0de-never-in-a-template";

let api: Awaited<ReturnType<typeof createTestApi>>;
/** Owner of workspace A. */
let ana: TestUser;
/** An editor in A. */
let eddie: TestUser;
/** Owner of workspace B. */
let bob: TestUser;
const a = { supplier: "", shop: "" };
const b = { supplier: "", shop: "" };

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  ana = await api.signUp("Ana");
  bob = await api.signUp("Bob");
  eddie = await api.signUp("Eddie");
  await api.joinAs(eddie, ana.workspaceId, "editor");
  const parts = postgresConnectionParts(api.database.connectionString);
  for (const [user, ids] of [
    [ana, a],
    [bob, b],
  ] as const) {
    ids.supplier = (
      await user.caller.connections.create({ kind: "http", name: `${user === ana ? "Ana" : "Bob"}'s supplier`, settings: { baseUrl: "https://ana-and-bob-supplier.example", auth: { type: "bearer" } }, secret: { token: CANARY } })
    ).id;
    ids.shop = (await user.caller.connections.create({ kind: "postgres", name: "Shop", settings: parts.settings, secret: { password: CANARY } })).id;
  }
});
afterAll(() => api.dispose());

/** A flow in the user's workspace: supplier → map → shop, through their connections. */
async function flowOf(user: TestUser, ids: typeof a, name = "Supplier → shop") {
  const document = supplierToShopFlow({ supplierUrl: "", shopConnectionId: ids.shop });
  document.nodes[1]!.config = { ...document.nodes[1]!.config, url: "/products", connectionId: ids.supplier };
  const { id: flowId } = await user.caller.flows.create({ name });
  const { problems, revision } = await user.caller.flows.saveDraft({ flowId, document, baseRevision: 0 });
  expect(problems).toEqual([]);
  return { flowId, document, revision };
}

const about = { description: "Our supplier's products into the shop.", category: "products" as const, tags: ["supplier", "team"] };

describe("templates.list and get", () => {
  it("list the six built-ins to every workspace, with search in title, description and tags, and categories", async () => {
    const all = await bob.caller.templates.list({});
    expect(all.items.filter((t) => t.visibility === "builtin").map((t) => t.id)).toEqual([
      "builtin.supplier-stock-prices",
      "builtin.csv-price-list",
      "builtin.webhook-orders",
      "builtin.shop-to-marketplace",
      "builtin.merchant-feed",
      "builtin.table-to-csv",
    ]);
    const supplierTemplate = all.items[0]!;
    expect(supplierTemplate).toMatchObject({
      category: "products",
      uses: expect.any(Number),
      version: 1,
      kinds: ["trigger.schedule", "source.http", "transform.changes", "approval.review", "destination.postgres"],
      connections: [
        { ref: "supplier", kind: "http", name: "Supplier API", description: expect.stringMatching(/supplier's product API/) },
        { ref: "shop", kind: "postgres", name: "Shop database", description: expect.any(String) },
      ],
    });
    const ids = async (input: { search?: string; category?: "products" | "orders" | "files" | "databases" | "other" }) =>
      (await bob.caller.templates.list(input)).items.map((t) => t.id);
    expect(await ids({ search: "WINDOWS-1250" })).toEqual(["builtin.csv-price-list"]); // a tag, any case
    expect(await ids({ search: "google merchant" })).toEqual(["builtin.merchant-feed"]);
    expect(await ids({ search: "fulfilment webhook" })).toEqual(["builtin.webhook-orders"]);
    expect(await ids({ search: "nothing like this" })).toEqual([]);
    expect(await ids({ category: "files" })).toEqual(["builtin.csv-price-list", "builtin.merchant-feed"]);
    expect(await ids({ category: "databases", search: "csv" })).toEqual(["builtin.table-to-csv"]);
  });

  it("get gives the preview's document, the parameters to fill in (without their targets), and no edit rights on a built-in", async () => {
    const detail = await ana.caller.templates.get({ templateId: "builtin.csv-price-list" });
    expect(detail.canEdit).toBe(false);
    expect((detail.document["nodes"] as unknown[]).length).toBe(4);
    expect(detail.parameters.map((p) => [p.key, p.type, p.required, p.default])).toEqual([
      ["url", "url", true, null],
      ["encoding", "select", true, "windows-1250"],
      ["table", "text", true, "shop.products"],
    ]);
    expect(JSON.stringify(detail.parameters)).not.toContain("targets");
    await expect(ana.caller.templates.get({ templateId: "builtin.nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("templates.install", () => {
  it("fills the parameters in, assigns the chosen connections, arrives disabled, and counts a use", async () => {
    const uses = (await ana.caller.templates.get({ templateId: "builtin.supplier-stock-prices" })).uses;
    const { flowId, problems } = await ana.caller.templates.install({
      templateId: "builtin.supplier-stock-prices",
      name: "Hourly supplier sync",
      connections: { supplier: a.supplier, shop: a.shop },
      parameters: { maxPriceChange: "25", table: "shop.items" },
    });
    expect(problems).toEqual([]);
    const flow = await ana.caller.flows.get({ flowId });
    expect(flow).toMatchObject({ name: "Hourly supplier sync", enabled: false, activeVersionId: null });
    const draft = FlowSchema.parse(flow.draft);
    const config = (id: string) => draft.nodes.find((n) => n.id === id)!.config;
    expect(config("supplier")["connectionId"]).toBe(a.supplier);
    expect(config("shop")).toMatchObject({ connectionId: a.shop, table: "shop.items" });
    expect(config("review")["autoApprove"]).toBe('op = "create" or (op = "update" and $abs(after.price - before.price) <= before.price * 25 / 100)');
    expect((await ana.caller.templates.get({ templateId: "builtin.supplier-stock-prices" })).uses).toBe(uses + 1);
    // Most used first.
    expect((await bob.caller.templates.list({})).items[0]!.id).toBe("builtin.supplier-stock-prices");
    const [audit] = await api.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, flowId), eq(auditLog.action, "template.install")));
    expect(audit!.details).toMatchObject({ templateId: "builtin.supplier-stock-prices", templateVersion: 1 });
  });

  it("leaves a connection not chosen for the person to pick, and says which", async () => {
    const { problems } = await ana.caller.templates.install({ templateId: "builtin.supplier-stock-prices", connections: { shop: a.shop }, parameters: {} });
    expect(problems).toEqual([
      {
        path: ["nodes", 1, "config", "connectionId"],
        message: "Step “Supplier's products” used the HTTP connection “Supplier API” in the template. Choose one of this workspace's connections for it in the step's settings.",
      },
    ]);
  });

  it("refuses a connection of the wrong kind, another workspace's connection, and missing or malformed parameters, installing nothing", async () => {
    const flowsBefore = (await ana.caller.flows.list()).length;
    const usesBefore = (await ana.caller.templates.get({ templateId: "builtin.csv-price-list" })).uses;
    const install = (connections: Record<string, string>, parameters: Record<string, string | number>) =>
      ana.caller.templates.install({ templateId: "builtin.csv-price-list", connections, parameters });
    const url = "https://supplier.example/prices.csv";

    await expect(install({ shop: a.supplier }, { url })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "“Shop database” needs a PostgreSQL connection, but “Ana's supplier” is an HTTP connection. Choose a PostgreSQL connection for it.",
    });
    const foreign = await install({ shop: b.shop }, { url }).catch((error: unknown) => error);
    expect(foreign).toMatchObject({ code: "NOT_FOUND" });
    expect((foreign as Error).message).toMatch(/^The connection chosen for “Shop database” was not found in this workspace\. .* belongs to another workspace/);
    await expect(install({ elsewhere: a.shop }, { url })).rejects.toThrow(/This template needs no connection “elsewhere”; it needs “shop” \(Shop database\)/);

    const refusal = await install({ shop: a.shop }, { encoding: "koi8-r", table: 7, extra: "x" }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: "BAD_REQUEST" });
    expect((refusal as Error).message.split("\n")).toEqual([
      "Check the template's settings, nothing was installed:",
      "• This template has no setting “extra”. Leave it out.",
      expect.stringMatching(/^• “Price list address” is required: The web address of the CSV file/),
      expect.stringMatching(/^• “Encoding” must be one of “Windows-1250 \(Excel, Central Europe\)”, .*; “koi8-r” is not\.$/),
    ]);
    await expect(install({ shop: a.shop }, { url: "ftp://supplier.example/x.csv" })).rejects.toThrow(/“Price list address” must be a full web address starting with http:\/\/ or https:\/\//);
    await expect(
      ana.caller.templates.install({ templateId: "builtin.supplier-stock-prices", connections: {}, parameters: { maxPriceChange: "ten" } }),
    ).rejects.toThrow(/“Approve price changes above \(%\)” must be a number, such as 10; “ten” is not one\./);

    expect((await ana.caller.flows.list()).length).toBe(flowsBefore);
    expect((await ana.caller.templates.get({ templateId: "builtin.csv-price-list" })).uses).toBe(usesBefore);
  });
});

describe("templates.saveFromFlow", () => {
  it("round trip: a flow saved as a workspace template installs in the same workspace with the connections chosen", async () => {
    const source = await flowOf(ana, a);
    const { templateId, version } = await eddie.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Our supplier sync", ...about, visibility: "workspace" });
    expect(version).toBe(1);
    const detail = await ana.caller.templates.get({ templateId });
    expect(detail).toMatchObject({ title: "Our supplier sync", visibility: "workspace", version: 1, uses: 0, canEdit: true, parameters: [], tags: ["supplier", "team"] });
    expect(detail.connections).toEqual([
      { ref: "connection-1", kind: "http", name: "Ana's supplier", description: "A HTTP connection (the flow used “Ana's supplier”)." },
      { ref: "connection-2", kind: "postgres", name: "Shop", description: "A PostgreSQL connection (the flow used “Shop”)." },
    ]);
    // No id of the workspace's connections in the template.
    expect(JSON.stringify(detail)).not.toContain(a.supplier);
    expect(JSON.stringify(detail)).not.toContain(a.shop);

    const installed = await eddie.caller.templates.install({ templateId, connections: { "connection-1": a.supplier, "connection-2": a.shop }, parameters: {} });
    expect(installed.problems).toEqual([]);
    const flow = await ana.caller.flows.get({ flowId: installed.flowId });
    expect(flow).toMatchObject({ name: "Our supplier sync", enabled: false });
    expect(flow.draft).toEqual(FlowSchema.parse((await ana.caller.flows.get({ flowId: source.flowId })).draft));
    expect((await ana.caller.templates.get({ templateId })).uses).toBe(1);
  });

  it("a new version changes the template, not the flows installed from it; only the template's workspace may update it", async () => {
    const source = await flowOf(ana, a, "Versioned");
    const { templateId } = await ana.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Versioned v1", ...about, visibility: "workspace" });
    const installed = await ana.caller.templates.install({ templateId, connections: { "connection-1": a.supplier, "connection-2": a.shop }, parameters: {} });
    const original = (await ana.caller.flows.get({ flowId: source.flowId })).draft;

    const changed = structuredClone(source.document);
    changed.nodes[2]!.config = { fields: [{ target: "price", expression: "price * 3" }], keyField: "sku" };
    await ana.caller.flows.saveDraft({ flowId: source.flowId, document: changed, baseRevision: source.revision });
    const next = await ana.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Versioned v2", ...about, tags: ["v2"], visibility: "workspace", templateId });
    expect(next).toEqual({ templateId, version: 2 });
    const detail = await ana.caller.templates.get({ templateId });
    expect(detail).toMatchObject({ title: "Versioned v2", version: 2, tags: ["v2"] });
    expect((detail.document["nodes"] as { config: { fields?: { expression: string }[] } }[])[2]!.config.fields![0]!.expression).toBe("price * 3");
    // The flow installed from version 1 is untouched.
    const flow = await ana.caller.flows.get({ flowId: installed.flowId });
    expect(flow.draft).toEqual(FlowSchema.parse(original));
    expect(flow.revision).toBe(0);
    const { rows } = await api.database.pool.query("select number from template_versions where template_id = $1 order by number", [templateId]);
    expect(rows).toEqual([{ number: 1 }, { number: 2 }]);

    // Bob cannot update or delete it, nor put his flow in it.
    const bobs = await flowOf(bob, b);
    await expect(bob.caller.templates.saveFromFlow({ flowId: bobs.flowId, title: "Hijack", ...about, visibility: "workspace", templateId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(bob.caller.templates.delete({ templateId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await ana.caller.templates.get({ templateId })).title).toBe("Versioned v2");
    // Nor can anyone change a built-in.
    await expect(ana.caller.templates.saveFromFlow({ flowId: source.flowId, title: "x", ...about, visibility: "workspace", templateId: "builtin.csv-price-list" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("refuses a flow with problems, listing them", async () => {
    const source = await flowOf(ana, a, "Broken");
    const broken = structuredClone(source.document);
    broken.nodes[2]!.config = { fields: [{ target: "price", expression: "price *" }] };
    await ana.caller.flows.saveDraft({ flowId: source.flowId, document: broken, baseRevision: source.revision });
    await expect(ana.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Broken", ...about, visibility: "workspace" })).rejects.toThrow(
      /^The flow has 1 problem\(s\), so it can't be a template yet\. Fix them in the editor first:\n• Node “map”/,
    );
  });
});

describe("visibility", () => {
  it("a workspace template is invisible to another workspace; an install-wide one is visible to all, and only admins may share or change it", async () => {
    const source = await flowOf(ana, a, "Shared");
    const team = await ana.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Team only", ...about, visibility: "workspace" });
    await expect(eddie.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Everyone", ...about, visibility: "install" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/^Only admins and owners can share a template every workspace sees\./),
    });
    const everyone = await ana.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Everyone", ...about, visibility: "install" });

    const bobSees = (await bob.caller.templates.list({})).items.map((t) => t.id);
    expect(bobSees).toContain(everyone.templateId);
    expect(bobSees).not.toContain(team.templateId);
    await expect(bob.caller.templates.get({ templateId: team.templateId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(bob.caller.templates.install({ templateId: team.templateId, connections: {}, parameters: {} })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const seen = await bob.caller.templates.get({ templateId: everyone.templateId });
    expect(seen).toMatchObject({ visibility: "install", canEdit: false });

    // Bob installs it with his own connections.
    const installed = await bob.caller.templates.install({ templateId: everyone.templateId, connections: { "connection-1": b.supplier, "connection-2": b.shop }, parameters: {} });
    expect(installed.problems).toEqual([]);
    const draft = FlowSchema.parse((await bob.caller.flows.get({ flowId: installed.flowId })).draft);
    expect(draft.nodes.map((n) => n.config["connectionId"]).filter(Boolean)).toEqual([b.supplier, b.shop]);
    // Ana's connections are of no use to Bob.
    await expect(bob.caller.templates.install({ templateId: everyone.templateId, connections: { "connection-1": a.supplier }, parameters: {} })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // An editor of the template's workspace may change a team template, not an install-wide one.
    expect((await eddie.caller.templates.get({ templateId: team.templateId })).canEdit).toBe(true);
    expect((await eddie.caller.templates.get({ templateId: everyone.templateId })).canEdit).toBe(false);
    await expect(eddie.caller.templates.delete({ templateId: everyone.templateId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(eddie.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Edited", ...about, visibility: "workspace", templateId: everyone.templateId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    // Deleting: not a built-in; the template goes from every list, installed flows stay.
    await expect(ana.caller.templates.delete({ templateId: "builtin.webhook-orders" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await ana.caller.templates.delete({ templateId: everyone.templateId })).toEqual({ ok: true });
    expect((await bob.caller.templates.list({})).items.map((t) => t.id)).not.toContain(everyone.templateId);
    expect((await bob.caller.flows.get({ flowId: installed.flowId })).name).toBe("Everyone");
    expect(await eddie.caller.templates.delete({ templateId: team.templateId })).toEqual({ ok: true });
  });
});

describe("the canary secret", () => {
  it("appears in no template: not in list, get or the stored versions", async () => {
    const source = await flowOf(ana, a, "Canary");
    const { templateId } = await ana.caller.templates.saveFromFlow({ flowId: source.flowId, title: "Canary", ...about, visibility: "install" });
    const answers = [
      await ana.caller.templates.list({}),
      await bob.caller.templates.list({}),
      await ana.caller.templates.get({ templateId }),
      await bob.caller.templates.get({ templateId }),
      ...(await Promise.all((await ana.caller.templates.list({})).items.map((t) => ana.caller.templates.get({ templateId: t.id })))),
    ];
    const everything = JSON.stringify(answers);
    expect(everything).toContain("Canary");
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain("ana-and-bob-supplier.example"); // a connection's settings stay out too
    const { rows } = await api.database.pool.query("select content::text as content from template_versions");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows as { content: string }[]) {
      expect(row.content).not.toContain(CANARY);
      expect(row.content).not.toContain("ana-and-bob-supplier.example");
    }
  });
});
