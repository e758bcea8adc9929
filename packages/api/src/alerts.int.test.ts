import { alerts, auditLog, flowAlertSettings, newId } from "@flowgate/db";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

/**
 * alerts.* over alerts as the runtime leaves them (inserted here; the runtime's own tests raise and
 * resolve them), and the per-flow settings the runtime reads.
 */

let api: Awaited<ReturnType<typeof createTestApi>>;
let owner: TestUser; // Olive
let vera: TestUser; // viewer in Olive's workspace
let erin: TestUser; // editor in Olive's workspace
let stranger: TestUser; // owner of another workspace
let flowId: string;
let otherFlowId: string;
let thirdFlowId: string;
let theirFlowId: string;

beforeAll(async () => {
  api = await createTestApi();
  await installWorkerSchema(api.database.pool);
  owner = await api.signUp("Olive");
  vera = await api.signUp("Vera");
  erin = await api.signUp("Erin");
  stranger = await api.signUp("Sam");
  await api.joinAs(vera, owner.workspaceId, "viewer");
  await api.joinAs(erin, owner.workspaceId, "editor");
  ({ id: flowId } = await owner.caller.flows.create({ name: "Prices" }));
  ({ id: otherFlowId } = await owner.caller.flows.create({ name: "Stock" }));
  ({ id: thirdFlowId } = await owner.caller.flows.create({ name: "Orders" }));
  ({ id: theirFlowId } = await stranger.caller.flows.create({ name: "Theirs" }));
});

afterAll(async () => {
  await api?.dispose();
});

let minute = 0;
/** An alert as the runtime leaves it, its last occurrence a minute after the previous one's. */
async function alert(values: { workspaceId?: string; flowId?: string; status?: "open" | "resolved"; title?: string; occurrences?: number; runId?: string } = {}) {
  const id = newId();
  const at = new Date(Date.UTC(2025, 2, 10, 12, minute++));
  await api.database.db.insert(alerts).values({
    id,
    workspaceId: values.workspaceId ?? owner.workspaceId,
    flowId: values.flowId ?? flowId,
    kind: "run_failed",
    status: values.status ?? "open",
    title: values.title ?? "Prices failed",
    message: "The shop answered 503. Open the run to see which step failed, then retry it.",
    occurrences: values.occurrences ?? 1,
    firstAt: at,
    lastAt: at,
    resolvedAt: values.status === "resolved" ? at : null,
  });
  return id;
}

describe("alerts", () => {
  it("lists the workspace's open alerts newest first in pages, or the resolved ones, or one flow's; counts the unread and marks them read", async () => {
    const first = await alert({ title: "first", occurrences: 3 });
    const second = await alert({ title: "second", flowId: otherFlowId });
    const third = await alert({ title: "third", flowId: thirdFlowId });
    const resolved = await alert({ title: "resolved", status: "resolved" });
    const theirs = await alert({ title: "theirs", workspaceId: stranger.workspaceId, flowId: theirFlowId });

    const page1 = await vera.caller.alerts.list({ limit: 2 });
    expect(page1.items.map((a) => a.title)).toEqual(["third", "second"]);
    expect(page1.items[1]).toMatchObject({ id: second, flowId: otherFlowId, flowName: "Stock", kind: "run_failed", status: "open", read: false, resolvedAt: null });
    const page2 = await vera.caller.alerts.list({ limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((a) => [a.title, a.occurrences])).toEqual([["first", 3]]);
    expect(page2.nextCursor).toBeNull();
    expect((await vera.caller.alerts.list({ status: "resolved" })).items.map((a) => a.id)).toEqual([resolved]);
    expect((await vera.caller.alerts.list({ flowId: thirdFlowId })).items.map((a) => a.id)).toEqual([third]);
    expect((await vera.caller.alerts.list({ flowId, status: "resolved" })).items.map((a) => a.id)).toEqual([resolved]);
    // Another workspace's flow filters to nothing; its alerts are never listed.
    expect((await vera.caller.alerts.list({ flowId: theirFlowId })).items).toEqual([]);
    await expect(vera.caller.alerts.list({ cursor: "nonsense" })).rejects.toThrow(/no longer valid/);

    expect(await vera.caller.alerts.unreadCount()).toEqual({ count: 3 });
    // A viewer may mark alerts read: it is reading, not changing the workspace. Others' ids are left alone.
    expect(await vera.caller.alerts.markRead({ ids: [first, theirs] })).toEqual({ marked: 1 });
    expect(await owner.caller.alerts.unreadCount()).toEqual({ count: 2 });
    expect((await owner.caller.alerts.list({})).items.map((a) => [a.title, a.read])).toEqual([
      ["third", false],
      ["second", false],
      ["first", true],
    ]);
    // Without ids: every unread alert of the workspace, once.
    expect(await owner.caller.alerts.markRead({})).toEqual({ marked: 3 });
    expect(await owner.caller.alerts.markRead({})).toEqual({ marked: 0 });
    expect(await owner.caller.alerts.unreadCount()).toEqual({ count: 0 });
    expect(await stranger.caller.alerts.unreadCount()).toEqual({ count: 1 });
    expect((await stranger.caller.alerts.list({})).items.map((a) => [a.id, a.read])).toEqual([[theirs, false]]);
  });

  it("keeps each flow's settings: defaults without a row, an editor changes them, a viewer may not, another workspace's flow is not found", async () => {
    expect(await vera.caller.alerts.settings({ flowId })).toEqual({ onFailure: true, approvalsWaitingHours: null, webhookUrl: null });

    const settings = { flowId, onFailure: false, approvalsWaitingHours: 4, webhookUrl: "https://hooks.example.com/services/T000/B000/XXXX" };
    expect(await erin.caller.alerts.updateSettings(settings)).toEqual({ onFailure: false, approvalsWaitingHours: 4, webhookUrl: settings.webhookUrl });
    // A viewer sees where notices go, not the chat webhook's secret path.
    expect(await vera.caller.alerts.settings({ flowId })).toEqual({ onFailure: false, approvalsWaitingHours: 4, webhookUrl: "https://hooks.example.com/…" });
    expect(await erin.caller.alerts.settings({ flowId })).toEqual({ onFailure: false, approvalsWaitingHours: 4, webhookUrl: settings.webhookUrl });
    // Changed again: one row per flow, the runtime reads it.
    await erin.caller.alerts.updateSettings({ ...settings, onFailure: true, webhookUrl: null });
    expect(await api.database.db.select().from(flowAlertSettings).where(eq(flowAlertSettings.flowId, flowId))).toMatchObject([
      { workspaceId: owner.workspaceId, onFailure: true, approvalsWaitingHours: 4, webhookUrl: null },
    ]);
    // The audit says a webhook was set, never its URL (a chat webhook's path is its secret).
    const audit = await api.database.db.select().from(auditLog).where(eq(auditLog.targetId, flowId));
    expect(audit.filter((a) => a.action === "flow.alertSettings").map((a) => [a.actorId, a.details])).toEqual([
      [erin.id, { onFailure: false, approvalsWaitingHours: 4, webhook: true }],
      [erin.id, { onFailure: true, approvalsWaitingHours: 4, webhook: false }],
    ]);
    expect(JSON.stringify(audit)).not.toContain("hooks.example.com");

    await expect(vera.caller.alerts.updateSettings({ ...settings, onFailure: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(erin.caller.alerts.updateSettings({ ...settings, webhookUrl: "ftp://hooks.example.com/x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(erin.caller.alerts.updateSettings({ ...settings, webhookUrl: "not a url" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(erin.caller.alerts.updateSettings({ ...settings, approvalsWaitingHours: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await vera.caller.alerts.settings({ flowId })).onFailure).toBe(true);

    await expect(erin.caller.alerts.settings({ flowId: theirFlowId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(erin.caller.alerts.updateSettings({ ...settings, flowId: theirFlowId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await api.database.db.select().from(flowAlertSettings).where(eq(flowAlertSettings.flowId, theirFlowId))).toEqual([]);
  });
});
