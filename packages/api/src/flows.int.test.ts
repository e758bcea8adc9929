import { auditLog, flows, flowSchedules, flowVersions } from "@flowgate/db";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtureFlow } from "./fixtures";
import { copyName } from "./services/flows";
import { createTestApi, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let editor: TestUser;
/** A second editor in Edith's workspace. */
let dana: TestUser;

beforeAll(async () => {
  api = await createTestApi();
  await installWorkerSchema(api.database.pool);
  editor = await api.signUp("Edith");
  dana = await api.signUp("Dana");
  await api.joinAs(dana, editor.workspaceId, "editor");
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
    const { problems } = await editor.caller.flows.saveDraft({ flowId: id, document: draft, baseRevision: 0 });
    expect(problems.map((p) => p.code)).toContain("dangling_edge");
    const stored = await editor.caller.flows.get({ flowId: id });
    expect(stored.draft).toEqual(draft);
    expect(stored.problems).toEqual(problems);
  });

  it("publish immutable, numbered versions and pin the active one", async () => {
    const { id } = await editor.caller.flows.create({ name: "Prices" });
    const saved = await editor.caller.flows.saveDraft({ flowId: id, document: validFixtureFlow(), baseRevision: 0 });
    const v1 = await editor.caller.flows.publish({ flowId: id, message: "first" });
    expect(v1.number).toBe(1);
    expect((await editor.caller.flows.list()).find((f) => f.id === id)).toMatchObject({ activeVersionNumber: 1, hasUnpublishedChanges: false, triggerKind: "trigger.manual" });

    const changed = validFixtureFlow();
    changed.nodes[1]!.label = "Read all products";
    await editor.caller.flows.saveDraft({ flowId: id, document: changed, baseRevision: saved.revision });
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
    await editor.caller.flows.saveDraft({ flowId: id, document: validFixtureFlow(), baseRevision: 0 });
    const results = await Promise.all([1, 2, 3, 4].map(() => editor.caller.flows.publish({ flowId: id })));
    expect(results.map((r) => r.number).sort()).toEqual([1, 2, 3, 4]);
  });

  it("open a document saved in an older schema version", async () => {
    const { id } = await editor.caller.flows.create({ name: "Old" });
    const old = validFixtureFlow() as unknown as Record<string, unknown>;
    delete old.schemaVersion;
    delete old.settings;
    await editor.caller.flows.saveDraft({ flowId: id, document: old, baseRevision: 0 });
    const flow = await editor.caller.flows.get({ flowId: id });
    expect((flow.draft as { schemaVersion: number }).schemaVersion).toBe(1);
    expect(flow.problems).toEqual([]);
  });

  it("rename and delete, taking versions with them", async () => {
    const { id } = await editor.caller.flows.create({ name: "Doomed" });
    await editor.caller.flows.saveDraft({ flowId: id, document: validFixtureFlow(), baseRevision: 0 });
    await editor.caller.flows.publish({ flowId: id });
    expect(await editor.caller.flows.rename({ flowId: id, name: "Still doomed" })).toEqual({ id, name: "Still doomed" });
    await expect(editor.caller.flows.rename({ flowId: id, name: "   " })).rejects.toThrow(/Give it a name/);
    await editor.caller.flows.delete({ flowId: id });
    await expect(editor.caller.flows.get({ flowId: id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await api.database.db.select().from(flowVersions).where(eq(flowVersions.flowId, id))).toEqual([]);
  });
});

/** A flow's draft with a label changed, so two versions of it can be told apart. */
function labelled(label: string) {
  const document = validFixtureFlow();
  document.nodes[1]!.label = label;
  return document;
}

async function auditOf(flowId: string, action: string) {
  return api.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, flowId), eq(auditLog.action, action)));
}

describe("saving a draft someone else saved meanwhile", () => {
  it("refuses the second save from the same revision, names who saved and when, and loses nothing", async () => {
    const { id } = await editor.caller.flows.create({ name: "Shared" });
    const opened = await editor.caller.flows.get({ flowId: id });
    expect(opened).toMatchObject({ revision: 0, draftUpdatedByName: null });
    const theirs = await dana.caller.flows.get({ flowId: id });

    const danaSaved = await dana.caller.flows.saveDraft({ flowId: id, document: labelled("Dana's source"), baseRevision: theirs.revision });
    expect(danaSaved.revision).toBe(1);
    expect(Date.parse(danaSaved.savedAt)).not.toBeNaN();

    const refused = editor.caller.flows.saveDraft({ flowId: id, document: labelled("Edith's source"), baseRevision: opened.revision });
    await expect(refused).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(refused).rejects.toThrow(/^Dana saved this flow at \d\d:\d\d:\d\d UTC, after you opened it\. Reload to see their version, or save again to replace it with yours\.$/);
    const stored = await editor.caller.flows.get({ flowId: id });
    expect(stored).toMatchObject({ revision: 1, draftUpdatedByName: "Dana", draftUpdatedAt: danaSaved.savedAt });
    expect((stored.draft as ReturnType<typeof validFixtureFlow>).nodes[1]!.label).toBe("Dana's source");

    // "Keep mine": save again, knowingly, from their revision.
    const mine = await editor.caller.flows.saveDraft({ flowId: id, document: labelled("Edith's source"), baseRevision: stored.revision });
    expect(mine.revision).toBe(2);
    const kept = await dana.caller.flows.get({ flowId: id });
    expect(kept).toMatchObject({ revision: 2, draftUpdatedByName: "Edith" });
    expect((kept.draft as ReturnType<typeof validFixtureFlow>).nodes[1]!.label).toBe("Edith's source");
  });

  it("lets exactly one of two simultaneous saves from the same revision win", async () => {
    const { id } = await editor.caller.flows.create({ name: "Simultaneous" });
    const results = await Promise.allSettled([
      editor.caller.flows.saveDraft({ flowId: id, document: labelled("one"), baseRevision: 0 }),
      dana.caller.flows.saveDraft({ flowId: id, document: labelled("two"), baseRevision: 0 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "CONFLICT" });
    const winner = results.findIndex((r) => r.status === "fulfilled");
    const stored = await editor.caller.flows.get({ flowId: id });
    expect(stored.revision).toBe(1);
    expect((stored.draft as ReturnType<typeof validFixtureFlow>).nodes[1]!.label).toBe(winner === 0 ? "one" : "two");
  });

  it("tells a person their own save from another tab apart from someone else's", async () => {
    const { id } = await editor.caller.flows.create({ name: "Two tabs" });
    await editor.caller.flows.saveDraft({ flowId: id, document: labelled("tab one"), baseRevision: 0 });
    await expect(editor.caller.flows.saveDraft({ flowId: id, document: labelled("tab two"), baseRevision: 0 })).rejects.toThrow(
      /^You saved this flow at .* in another tab or window, after you opened it\./,
    );
  });
});

describe("duplicate", () => {
  it("copies the draft into a new disabled flow without versions, named “(copy)”, then “(copy 2)”", async () => {
    const { id } = await editor.caller.flows.create({ name: "Prices" });
    await editor.caller.flows.saveDraft({ flowId: id, document: labelled("Draft source"), baseRevision: 0 });
    await editor.caller.flows.publish({ flowId: id });
    await editor.caller.flows.setEnabled({ flowId: id, enabled: true });

    const copy = await editor.caller.flows.duplicate({ flowId: id });
    expect(copy.name).toBe("Prices (copy)");
    const flow = await editor.caller.flows.get({ flowId: copy.id });
    expect(flow).toMatchObject({ name: "Prices (copy)", enabled: false, activeVersionId: null, revision: 0 });
    expect(flow.draft).toEqual((await editor.caller.flows.get({ flowId: id })).draft);
    expect(await editor.caller.flows.versions({ flowId: copy.id })).toEqual([]);
    expect(await auditOf(copy.id, "flow.duplicate")).toMatchObject([{ actorId: editor.id, details: { from: id, name: "Prices (copy)" } }]);

    expect((await editor.caller.flows.duplicate({ flowId: id })).name).toBe("Prices (copy 2)");
    // A copy of a copy counts on from the original's name.
    expect((await dana.caller.flows.duplicate({ flowId: copy.id })).name).toBe("Prices (copy 3)");
    // The original is untouched.
    expect(await editor.caller.flows.get({ flowId: id })).toMatchObject({ name: "Prices", enabled: true, activeVersionNumber: 1 });
  });

  it("keeps a long name's copy within the name limit", () => {
    const long = "x".repeat(120);
    expect(copyName(long, new Set())).toHaveLength(120);
    expect(copyName(long, new Set([`${"x".repeat(113)} (copy)`]))).toBe(`${"x".repeat(111)} (copy 2)`);
  });
});

describe("restore a version", () => {
  it("makes the version's document the draft, as a new revision, and leaves the published version and enabled state alone", async () => {
    const { id } = await editor.caller.flows.create({ name: "Restorable" });
    let { revision } = await editor.caller.flows.saveDraft({ flowId: id, document: labelled("first"), baseRevision: 0 });
    const v1 = await editor.caller.flows.publish({ flowId: id });
    ({ revision } = await editor.caller.flows.saveDraft({ flowId: id, document: labelled("second"), baseRevision: revision }));
    const v2 = await editor.caller.flows.publish({ flowId: id });
    await editor.caller.flows.setEnabled({ flowId: id, enabled: true });
    ({ revision } = await editor.caller.flows.saveDraft({ flowId: id, document: labelled("work in progress"), baseRevision: revision }));

    const restored = await dana.caller.flows.restoreVersion({ flowId: id, versionId: v1.versionId });
    expect(restored.revision).toBe(revision + 1);
    const flow = await editor.caller.flows.get({ flowId: id });
    expect(flow).toMatchObject({ revision: revision + 1, enabled: true, activeVersionId: v2.versionId, activeVersionNumber: 2, hasUnpublishedChanges: true, draftUpdatedByName: "Dana" });
    expect(flow.draft).toEqual((await editor.caller.flows.getVersion({ flowId: id, versionId: v1.versionId })).document);
    expect(await editor.caller.flows.versions({ flowId: id })).toHaveLength(2);
    expect(await auditOf(id, "flow.restore")).toMatchObject([{ actorId: dana.id, details: { versionId: v1.versionId, number: 1 } }]);

    // An editor still on the old revision is told, not overwritten.
    await expect(editor.caller.flows.saveDraft({ flowId: id, document: labelled("stale"), baseRevision: revision })).rejects.toMatchObject({ code: "CONFLICT" });
    // A version of another flow is not this flow's.
    const other = await editor.caller.flows.create({ name: "Other" });
    await expect(editor.caller.flows.restoreVersion({ flowId: other.id, versionId: v1.versionId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the flows list", () => {
  it("shows each flow's newest run and, for a scheduled flow, its next slot", async () => {
    const { id } = await editor.caller.flows.create({ name: "With runs" });
    await editor.caller.flows.saveDraft({ flowId: id, document: validFixtureFlow(), baseRevision: 0 });
    const { versionId } = await editor.caller.flows.publish({ flowId: id });
    const { id: quiet } = await editor.caller.flows.create({ name: "Never ran" });

    const entry = async (flowId: string) => (await editor.caller.flows.list()).find((f) => f.id === flowId)!;
    expect(await entry(id)).toMatchObject({ lastRun: null, nextRunAt: null });
    await editor.caller.runs.start({ flowId: id });
    const { runId: newest } = await editor.caller.runs.start({ flowId: id });
    const listed = await entry(id);
    expect(listed.lastRun).toMatchObject({ id: newest, status: "queued" });
    expect(Date.parse(listed.lastRun!.createdAt)).not.toBeNaN();
    expect(await entry(quiet)).toMatchObject({ lastRun: null, nextRunAt: null });

    // The schedule row is syncSchedule's (real-kinds.int.test.ts covers that it follows publish and enable).
    const nextRunAt = new Date("2030-01-01T09:00:00Z");
    await api.database.db.insert(flowSchedules).values({ flowId: id, workspaceId: editor.workspaceId, flowVersionId: versionId, nextRunAt });
    expect((await entry(id)).nextRunAt).toBe(nextRunAt.toISOString());
    expect((await entry(quiet)).nextRunAt).toBeNull();
  });
});

