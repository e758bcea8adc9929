import { flowVersions } from "@flowgate/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtureFlow } from "./fixtures";
import { createTestApi, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let editor: TestUser;

beforeAll(async () => {
  api = await createTestApi();
  editor = await api.signUp("Edith");
});
afterAll(() => api.dispose());

describe("flows", () => {
  it("start as an empty draft that cannot be published yet, and say why", async () => {
    const { id } = await editor.caller.flows.create({ name: "  Supplier → shop  " });
    const flow = await editor.caller.flows.get({ flowId: id });
    expect(flow).toMatchObject({ name: "Supplier → shop", enabled: false, activeVersionId: null });
    expect(flow.problems.map((p) => p.code)).toEqual(["no_trigger"]);
    await expect(editor.caller.flows.publish({ flowId: id })).rejects.toThrow(/1 problem\(s\) to fix before it can be published/);
    await expect(editor.caller.flows.setEnabled({ flowId: id, enabled: true })).rejects.toThrow(/Publish the flow before enabling it/);
  });

  it("store an invalid draft as it is, with its problems, and lose nothing", async () => {
    const { id } = await editor.caller.flows.create({ name: "Work in progress" });
    const draft = { ...validFixtureFlow(), edges: [{ id: "e9", source: "start", sourcePort: "out", target: "missing", targetPort: "in" }] };
    const { problems } = await editor.caller.flows.saveDraft({ flowId: id, document: draft });
    expect(problems.map((p) => p.code)).toContain("dangling_edge");
    const stored = await editor.caller.flows.get({ flowId: id });
    expect(stored.draft).toEqual(draft);
    expect(stored.problems).toEqual(problems);
  });

  it("publish immutable, numbered versions and pin the active one", async () => {
    const { id } = await editor.caller.flows.create({ name: "Prices" });
    await editor.caller.flows.saveDraft({ flowId: id, document: validFixtureFlow() });
    const v1 = await editor.caller.flows.publish({ flowId: id, message: "first" });
    expect(v1.number).toBe(1);
    expect((await editor.caller.flows.list()).find((f) => f.id === id)).toMatchObject({ activeVersionNumber: 1, hasUnpublishedChanges: false, triggerKind: "trigger.manual" });

    const changed = validFixtureFlow();
    changed.nodes[1]!.label = "Read all products";
    await editor.caller.flows.saveDraft({ flowId: id, document: changed });
    expect((await editor.caller.flows.list()).find((f) => f.id === id)?.hasUnpublishedChanges).toBe(true);
    const v2 = await editor.caller.flows.publish({ flowId: id });
    expect(v2.number).toBe(2);

    const versions = await editor.caller.flows.versions({ flowId: id });
    expect(versions.map((v) => [v.number, v.message, v.authorName])).toEqual([
      [2, null, "Edith"],
      [1, "first", "Edith"],
    ]);
    const first = await editor.caller.flows.getVersion({ flowId: id, versionId: v1.versionId });
    expect((first.document as ReturnType<typeof validFixtureFlow>).nodes[1]!.label).toBe("Read products");
    const flow = await editor.caller.flows.get({ flowId: id });
    expect(flow).toMatchObject({ activeVersionId: v2.versionId, activeVersionNumber: 2, hasUnpublishedChanges: false });
    expect(await editor.caller.flows.setEnabled({ flowId: id, enabled: true })).toEqual({ id, enabled: true });
  });

  it("number concurrent publishes without a gap or a clash", async () => {
    const { id } = await editor.caller.flows.create({ name: "Race" });
    await editor.caller.flows.saveDraft({ flowId: id, document: validFixtureFlow() });
    const results = await Promise.all([1, 2, 3, 4].map(() => editor.caller.flows.publish({ flowId: id })));
    expect(results.map((r) => r.number).sort()).toEqual([1, 2, 3, 4]);
  });

  it("open a document saved in an older schema version", async () => {
    const { id } = await editor.caller.flows.create({ name: "Old" });
    const old = validFixtureFlow() as unknown as Record<string, unknown>;
    delete old.schemaVersion;
    delete old.settings;
    await editor.caller.flows.saveDraft({ flowId: id, document: old });
    const flow = await editor.caller.flows.get({ flowId: id });
    expect((flow.draft as { schemaVersion: number }).schemaVersion).toBe(1);
    expect(flow.problems).toEqual([]);
  });

  it("rename and delete, taking versions with them", async () => {
    const { id } = await editor.caller.flows.create({ name: "Doomed" });
    await editor.caller.flows.saveDraft({ flowId: id, document: validFixtureFlow() });
    await editor.caller.flows.publish({ flowId: id });
    expect(await editor.caller.flows.rename({ flowId: id, name: "Still doomed" })).toEqual({ id, name: "Still doomed" });
    await expect(editor.caller.flows.rename({ flowId: id, name: "   " })).rejects.toThrow(/Give it a name/);
    await editor.caller.flows.delete({ flowId: id });
    await expect(editor.caller.flows.get({ flowId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await api.database.db.select().from(flowVersions).where(eq(flowVersions.flowId, id))).toEqual([]);
  });
});
