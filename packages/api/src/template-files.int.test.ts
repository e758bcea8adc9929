import { templates } from "@flowgate/db";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { postgresConnectionParts, supplierToShopFlow } from "@flowgate/runtime/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

/**
 * templates.export / validateImport / import over a real database: a round trip into another
 * workspace, a canary secret and the connections' ids and settings never in the file, every problem
 * listed, and who may import.
 */

const CANARY = "canary-5e1f-never-in-a-template-file";
const CANARY_HOST = "canary-host-5e1f.example";

let api: Awaited<ReturnType<typeof createTestApi>>;
/** Owner of workspace A. */
let ana: TestUser;
/** Owner of workspace B; Eddie is an editor in B and Vera a viewer. */
let bob: TestUser;
let eddie: TestUser;
let vera: TestUser;
let savedTemplateId = "";
const ids: string[] = [];

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  ana = await api.signUp("Ana");
  bob = await api.signUp("Bob");
  eddie = await api.signUp("Eddie");
  vera = await api.signUp("Vera");
  await api.joinAs(eddie, bob.workspaceId, "editor");
  await api.joinAs(vera, bob.workspaceId, "viewer");
  const parts = postgresConnectionParts(api.database.connectionString);
  const supplier = await ana.caller.connections.create({
    kind: "http",
    name: "Ana's supplier",
    settings: { baseUrl: `https://${CANARY_HOST}`, auth: { type: "bearer" } },
    secret: { token: CANARY },
  });
  const shop = await ana.caller.connections.create({ kind: "postgres", name: "Shop", settings: parts.settings, secret: { password: CANARY } });
  ids.push(supplier.id, shop.id);
  const document = supplierToShopFlow({ supplierUrl: "", shopConnectionId: shop.id });
  document.nodes[1]!.config = { ...document.nodes[1]!.config, url: "/products", connectionId: supplier.id };
  const { id: flowId } = await ana.caller.flows.create({ name: "Supplier → shop" });
  await ana.caller.flows.saveDraft({ flowId, document, baseRevision: 0 });
  ({ templateId: savedTemplateId } = await ana.caller.templates.saveFromFlow({
    flowId,
    title: "Ana's supplier → shop",
    description: "Products into the shop.",
    category: "products",
    tags: ["supplier"],
    visibility: "workspace",
  }));
});
afterAll(() => api.dispose());

const templateCount = async (workspaceId: string) => (await api.database.db.select({ id: templates.id }).from(templates).where(eq(templates.workspaceId, workspaceId))).length;

describe("template files", () => {
  it("export → import into another workspace gives the same template (document, connections, parameters, texts), version 1", async () => {
    for (const templateId of [savedTemplateId, "builtin.csv-price-list"]) {
      const original = await ana.caller.templates.get({ templateId });
      const { fileName, fileText } = await ana.caller.templates.export({ templateId });
      expect(fileName).toMatch(/\.template\.json$/);
      expect(JSON.parse(fileText)).toMatchObject({ schemaVersion: 1, kind: "flowgate.template", title: original.title });
      expect(await eddie.caller.templates.validateImport({ fileText })).toEqual({ ok: true, problems: [] });

      const { templateId: importedId } = await eddie.caller.templates.import({ fileText, visibility: "workspace" });
      const imported = await bob.caller.templates.get({ templateId: importedId });
      const same = ({ title, description, category, tags, document, connections, parameters, kinds }: typeof original) => ({
        title,
        description,
        category,
        tags,
        document,
        connections,
        parameters,
        kinds,
      });
      expect(same(imported)).toEqual(same(original));
      expect(imported).toMatchObject({ visibility: "workspace", version: 1, uses: 0, canEdit: true });
      // Exported again, it is the same file (the database may order an object's keys its own way): parameters' targets included.
      expect(JSON.parse((await bob.caller.templates.export({ templateId: importedId })).fileText)).toEqual(JSON.parse(fileText));
    }
    // The built-in's parameters went into the file with their targets.
    const builtin = JSON.parse((await ana.caller.templates.export({ templateId: "builtin.csv-price-list" })).fileText);
    expect(builtin.parameters[0]).toMatchObject({ key: "url", targets: [{ nodeId: "file", path: ["location", "url"] }] });
  });

  it("never holds a secret, a connection's settings or its id", async () => {
    const { fileText } = await ana.caller.templates.export({ templateId: savedTemplateId });
    expect(fileText).not.toContain(CANARY);
    expect(fileText).not.toContain(CANARY_HOST);
    for (const id of ids) expect(fileText).not.toContain(id);
    expect(JSON.parse(fileText).connections.map((c: { ref: string; kind: string }) => c.kind).sort()).toEqual(["http", "postgres"]);
  });

  it("is not exported from another workspace", async () => {
    await expect(bob.caller.templates.export({ templateId: savedTemplateId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists every problem: unknown kind, bad parameter target, wrong category; imports nothing", async () => {
    const file = JSON.parse((await ana.caller.templates.export({ templateId: "builtin.csv-price-list" })).fileText);
    file.category = "toys";
    file.document.nodes[1].kind = "vendor.erp-sync";
    file.parameters[0].targets[0].nodeId = "ghost";
    const fileText = JSON.stringify(file);
    const validation = await eddie.caller.templates.validateImport({ fileText });
    expect(validation.ok).toBe(false);
    expect(validation.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([["category"], ["document", "nodes", 1, "kind"], ["parameters", 0, "targets", 0, "nodeId"]]),
    );
    expect(validation.problems.map((p) => p.message).join("\n")).toMatch(/Unknown step kind “vendor\.erp-sync”/);

    const before = await templateCount(bob.workspaceId);
    const refusal = await eddie.caller.templates.import({ fileText, visibility: "workspace" }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: "BAD_REQUEST" });
    expect((refusal as Error).message).toMatch(new RegExp(`^The file has ${validation.problems.length} problem\\(s\\), so nothing was imported:`));
    for (const problem of validation.problems) expect((refusal as Error).message).toContain(problem.message);
    expect(await templateCount(bob.workspaceId)).toBe(before);
  });

  it("refuses a file too large or too deep with a plain sentence, and a flow file with where to import it", async () => {
    const huge = `{"kind":"flowgate.template","padding":"${"x".repeat(6 * 1024 * 1024)}"}`;
    for (const call of [() => eddie.caller.templates.validateImport({ fileText: huge }), () => eddie.caller.templates.import({ fileText: huge, visibility: "workspace" })]) {
      const refusal = await call().catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
      expect((refusal as Error).message).toMatch(/^The file is too large \(6 MB\): a Flowgate template file can be at most 5 MB\./);
    }
    const { fileText } = await ana.caller.templates.export({ templateId: "builtin.csv-price-list" });
    const deep = fileText.replace('"tags": [', `"deep": ${"[".repeat(10_000)}${"]".repeat(10_000)}, "tags": [`);
    expect(await eddie.caller.templates.validateImport({ fileText: deep })).toEqual({
      ok: false,
      problems: [{ path: [], message: expect.stringMatching(/more than 64 levels deep .*a Flowgate template file never does/) }],
    });
    await expect(eddie.caller.templates.import({ fileText: deep, visibility: "workspace" })).rejects.toThrow(/more than 64 levels deep/);

    const { id: flowId } = await ana.caller.flows.create({ name: "A flow" });
    const flowFile = (await ana.caller.flows.export({ flowId })).fileText;
    expect((await eddie.caller.templates.validateImport({ fileText: flowFile })).problems[0]!.message).toMatch(/a flow file, not a template file/);
  });

  it("is refused to a viewer, and install-wide to an editor; an owner may share it install-wide", async () => {
    const { fileText } = await ana.caller.templates.export({ templateId: "builtin.table-to-csv" });
    expect((await vera.caller.templates.validateImport({ fileText })).ok).toBe(true);
    await expect(vera.caller.templates.import({ fileText, visibility: "workspace" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(eddie.caller.templates.import({ fileText, visibility: "install" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/Only admins and owners can import a template every workspace sees/),
    });
    const { templateId } = await bob.caller.templates.import({ fileText, visibility: "install" });
    expect(await ana.caller.templates.get({ templateId })).toMatchObject({ visibility: "install", canEdit: false });
  });
});
