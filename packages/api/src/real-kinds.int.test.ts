import { flowSchedules } from "@flowgate/db";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let editor: TestUser;

beforeAll(async () => {
  api = await createTestApi({ registry: kindRegistry });
  editor = await api.signUp("Rita");
});
afterAll(() => api.dispose());

const node = (id: string, kind: string, config: unknown, x = 0) => ({ id, kind, kindVersion: 1, label: id, position: { x, y: 0 }, config });
const flowWith = (mapExpression: string) => ({
  schemaVersion: 1,
  nodes: [
    node("start", "trigger.schedule", { mode: "interval", every: 1, unit: "hours" }),
    node("read", "source.http", { url: "https://supplier.example/products", pagination: { mode: "page" } }, 200),
    node("map", "transform.map", { fields: [{ target: "gross", expression: mapExpression }] }, 400),
    node("write", "destination.http", { url: "https://shop.example/products/{sku}", keyField: "sku" }, 600),
  ],
  edges: [
    { id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" },
    { id: "e2", source: "read", sourcePort: "out", target: "map", targetPort: "in" },
    { id: "e3", source: "map", sourcePort: "out", target: "write", targetPort: "in" },
  ],
  settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: "Europe/Warsaw", errorPolicy: "fail" },
});

describe("flows with the real node kinds", () => {
  it("report a JSONata syntax error at save time, with its node, field and position, and refuse to publish it", async () => {
    const { id } = await editor.caller.flows.create({ name: "Prices with VAT" });
    const { problems, revision } = await editor.caller.flows.saveDraft({ flowId: id, document: flowWith("price * "), baseRevision: 0 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "invalid_config", nodeId: "map", path: ["nodes", 2, "config", "fields", 0, "expression"] });
    expect(problems[0]!.message).toMatch(/position \d+/);
    await expect(editor.caller.flows.publish({ flowId: id })).rejects.toThrow(/position \d+/);

    const fixed = await editor.caller.flows.saveDraft({ flowId: id, document: flowWith("$round(price * 1.23, 2)"), baseRevision: revision });
    expect(fixed.problems).toEqual([]);
    expect((await editor.caller.flows.publish({ flowId: id })).number).toBe(1);
  });

  it("keep a scheduled flow's schedule in step with publish, enable and disable", async () => {
    const scheduleRow = async (flowId: string) => (await api.database.db.select().from(flowSchedules).where(eq(flowSchedules.flowId, flowId)))[0];
    const { id } = await editor.caller.flows.create({ name: "Every minute" });
    const document = flowWith("price");
    document.nodes[0]!.config = { mode: "cron", cron: "* * * * *" };
    const { revision } = await editor.caller.flows.saveDraft({ flowId: id, document, baseRevision: 0 });
    const v1 = await editor.caller.flows.publish({ flowId: id });
    // Published but not enabled: nothing runs on the schedule yet.
    expect(await scheduleRow(id)).toBeUndefined();

    const before = Date.now();
    await editor.caller.flows.setEnabled({ flowId: id, enabled: true });
    const row = await scheduleRow(id);
    expect(row).toMatchObject({ flowVersionId: v1.versionId, missedPolicy: "once", lastSlotAt: null });
    expect(row!.nextRunAt.getTime()).toBeGreaterThan(before);
    expect(row!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(row!.nextRunAt.getUTCSeconds()).toBe(0);

    // Publishing an enabled flow moves its schedule to the new version, with its missed-slot policy.
    await editor.caller.flows.saveDraft({ flowId: id, document: { ...document, settings: { ...document.settings, missedSchedules: "skip" } }, baseRevision: revision });
    const v2 = await editor.caller.flows.publish({ flowId: id });
    expect(await scheduleRow(id)).toMatchObject({ flowVersionId: v2.versionId, missedPolicy: "skip" });

    await editor.caller.flows.setEnabled({ flowId: id, enabled: false });
    expect(await scheduleRow(id)).toBeUndefined();

    // A version without a schedule trigger has no schedule, even when enabled.
    await editor.caller.flows.setEnabled({ flowId: id, enabled: true });
    expect(await scheduleRow(id)).toBeDefined();
    await editor.caller.flows.saveDraft({ flowId: id, document: { ...document, nodes: [{ ...document.nodes[0]!, kind: "trigger.manual", config: {} }, ...document.nodes.slice(1)] }, baseRevision: revision + 1 });
    await editor.caller.flows.publish({ flowId: id });
    expect(await scheduleRow(id)).toBeUndefined();
  });
});
