import { auditLog, workspaceSettings } from "@flowgate/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApi, type TestUser } from "./testing";

let api: Awaited<ReturnType<typeof createTestApi>>;
let owner: TestUser;
let editor: TestUser;

beforeAll(async () => {
  api = await createTestApi();
  owner = await api.signUp("Olga");
  editor = await api.signUp("Emil");
  await api.joinAs(editor, owner.workspaceId, "editor");
});
afterAll(() => api.dispose());

describe("workspace settings", () => {
  it("keep history 30 days until an admin changes it; and the change is audited", async () => {
    expect(await owner.caller.workspaces.settings()).toEqual({ retentionDays: 30 });
    expect(await editor.caller.workspaces.settings()).toEqual({ retentionDays: 30 });

    expect(await owner.caller.workspaces.updateSettings({ retentionDays: 90 })).toEqual({ retentionDays: 90 });
    expect(await editor.caller.workspaces.settings()).toEqual({ retentionDays: 90 });
    await owner.caller.workspaces.updateSettings({ retentionDays: 7 });
    expect(await owner.caller.workspaces.settings()).toEqual({ retentionDays: 7 });

    const rows = await api.database.db.select().from(workspaceSettings).where(eq(workspaceSettings.workspaceId, owner.workspaceId));
    expect(rows.map((r) => r.retentionDays)).toEqual([7]);
    const audit = await api.database.db
      .select({ actorId: auditLog.actorId, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.action, "workspace.settings")))
      .orderBy(auditLog.createdAt);
    expect(audit).toEqual([
      { actorId: owner.id, details: { retentionDays: { from: 30, to: 90 } } },
      { actorId: owner.id, details: { retentionDays: { from: 90, to: 7 } } },
    ]);
  });

  it("refuses an editor, and days out of range with a message that says the range", async () => {
    await expect(editor.caller.workspaces.updateSettings({ retentionDays: 60 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(owner.caller.workspaces.updateSettings({ retentionDays: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("at least 1 day") });
    await expect(owner.caller.workspaces.updateSettings({ retentionDays: 3651 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("3,650 days") });
    await expect(owner.caller.workspaces.updateSettings({ retentionDays: 1.5 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await owner.caller.workspaces.settings()).toEqual({ retentionDays: 7 });
  });
});
