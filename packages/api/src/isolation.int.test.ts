import { lineage, recordErrors } from "@flowgate/db";
import { serializeFlowFile, serializeTemplateFile } from "@flowgate/flow";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtureFlow } from "./fixtures";
import { appRouter } from "./root";
import { createTestApi, type TestUser } from "./testing";

/**
 * Every procedure, called by a member of workspace A with workspace B's ids, is refused;
 * every write, called by a viewer of A with A's own ids, is refused. The procedures are
 * enumerated from the router, so a new procedure without a case here fails this file.
 */

interface WorkspaceIds {
  workspaceId: string;
  flowId: string;
  versionId: string;
  connectionId: string;
  /** A member other than the caller. */
  memberId: string;
  invitationId: string;
  /** A queued run of the flow (no worker runs in this file). */
  runId: string;
  /** A queued dry run of the flow. */
  dryRunId: string;
  /** The run's change set, with one pending item. */
  changeSetId: string;
  /** An open, unread alert of the flow's failures. */
  alertId: string;
  /** The owner's API token. */
  apiTokenId: string;
  /** A template saved from the flow, seen by the workspace only. */
  templateId: string;
}

type Case =
  /** Takes ids: with B's ids it must answer NOT_FOUND or FORBIDDEN. */
  | { kind: "by-id"; input: (ids: WorkspaceIds) => unknown }
  /** Takes no foreign id: it acts on the caller's own workspace; `check` proves B was untouched and unseen. */
  | { kind: "own-workspace"; input?: (ids: WorkspaceIds) => unknown; check: (result: unknown, b: WorkspaceIds) => Promise<void> | void }
  /** Not workspace-scoped by design; `why` says what guards it instead. */
  | { kind: "unscoped"; why: string; input?: (ids: WorkspaceIds) => unknown };

const json = (value: unknown) => JSON.stringify(value);
/** A record key both workspaces have lineage and a dead letter for. */
const SHARED_KEY = "SKU-SHARED";

let api: Awaited<ReturnType<typeof createTestApi>>;
let alice: TestUser; // owner of A
let bob: TestUser; // owner of B
let viewer: TestUser; // viewer in A
let a: WorkspaceIds;
let b: WorkspaceIds;

const cases: Record<string, Case> = {
  health: { kind: "unscoped", why: "public liveness probe: answers only ok/database, no data" },
  "workspaces.list": { kind: "own-workspace", check: (r, b) => expect(json(r)).not.toContain(b.workspaceId) },
  "workspaces.current": { kind: "own-workspace", check: (r, b) => expect((r as { id: string }).id).not.toBe(b.workspaceId) },
  "workspaces.rename": {
    kind: "own-workspace",
    input: () => ({ name: "Renamed by A" }),
    check: async () => expect((await bob.caller.workspaces.current()).name).not.toBe("Renamed by A"),
  },
  "workspaces.settings": {
    kind: "own-workspace",
    check: async (r) => {
      await bob.caller.workspaces.updateSettings({ retentionDays: 99 });
      expect(r).not.toEqual({ retentionDays: 99 });
      expect(await alice.caller.workspaces.settings()).not.toEqual({ retentionDays: 99 });
    },
  },
  "workspaces.updateSettings": {
    kind: "own-workspace",
    input: () => ({ retentionDays: 12 }),
    check: async () => expect((await bob.caller.workspaces.settings()).retentionDays).not.toBe(12),
  },
  "flows.list": { kind: "own-workspace", check: (r, b) => expect(json(r)).not.toContain(b.flowId) },
  "flows.get": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "flows.create": {
    kind: "own-workspace",
    input: () => ({ name: "Created by A" }),
    check: async () => expect(json(await bob.caller.flows.list())).not.toContain("Created by A"),
  },
  "flows.rename": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId, name: "hijacked" }) },
  "flows.export": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "flows.validateImport": {
    kind: "unscoped",
    why: "reads only the file it is given (its connections are refs listed in the file), nothing of any workspace",
    input: () => ({ fileText: serializeFlowFile({ schemaVersion: 1, kind: "flowgate.flow", name: "A file", description: "", document: validFixtureFlow(), connections: [] }) }),
  },
  "flows.import": {
    kind: "own-workspace",
    input: () => ({ fileText: serializeFlowFile({ schemaVersion: 1, kind: "flowgate.flow", name: "Imported by A", description: "", document: validFixtureFlow(), connections: [] }) }),
    check: async () => expect(json(await bob.caller.flows.list())).not.toContain("Imported by A"),
  },
  "flows.delete": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  // The revision B's flow is at, so that only the workspace check stands between A and B's draft.
  "flows.saveDraft": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId, document: validFixtureFlow(), baseRevision: 1 }) },
  "flows.publish": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "flows.versions": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "flows.getVersion": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId, versionId: ids.versionId }) },
  "flows.setEnabled": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId, enabled: true }) },
  "flows.duplicate": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "flows.restoreVersion": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId, versionId: ids.versionId }) },
  "flows.dryRun": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId, document: validFixtureFlow() }) },
  "flows.dryRunResult": { kind: "by-id", input: (ids) => ({ dryRunId: ids.dryRunId }) },
  "connections.list": { kind: "own-workspace", check: (r, b) => expect(json(r)).not.toContain(b.connectionId) },
  "connections.create": {
    kind: "own-workspace",
    input: () => ({ kind: "http", name: "Created by A", settings: { baseUrl: "https://a.example.com" } }),
    check: async () => expect(json(await bob.caller.connections.list())).not.toContain("Created by A"),
  },
  "connections.update": { kind: "by-id", input: (ids) => ({ connectionId: ids.connectionId, name: "hijacked" }) },
  "connections.delete": { kind: "by-id", input: (ids) => ({ connectionId: ids.connectionId }) },
  "connections.test": { kind: "by-id", input: (ids) => ({ connectionId: ids.connectionId }) },
  "members.list": { kind: "own-workspace", check: (r, b) => expect(json(r)).not.toContain(b.memberId) },
  "members.invite": {
    kind: "own-workspace",
    input: () => ({ role: "viewer" }),
    check: async () => expect((await bob.caller.members.list()).invitations).toHaveLength(1),
  },
  "members.revokeInvite": { kind: "by-id", input: (ids) => ({ invitationId: ids.invitationId }) },
  "members.changeRole": { kind: "by-id", input: (ids) => ({ memberId: ids.memberId, role: "viewer" }) },
  "members.remove": { kind: "by-id", input: (ids) => ({ memberId: ids.memberId }) },
  "runs.start": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "runs.list": {
    kind: "own-workspace",
    input: (ids) => ({ flowId: ids.flowId }),
    check: async (r, b) => {
      expect((r as { items: unknown[] }).items).toEqual([]);
      expect(json(await alice.caller.runs.list({}))).not.toContain(b.runId);
    },
  },
  "runs.get": { kind: "by-id", input: (ids) => ({ runId: ids.runId }) },
  "webhooks.get": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "webhooks.rotateSecret": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "webhooks.rotateToken": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "runs.cancel": { kind: "by-id", input: (ids) => ({ runId: ids.runId }) },
  "runs.retry": { kind: "by-id", input: (ids) => ({ runId: ids.runId, version: "latest" }) },
  "runs.retryFailed": { kind: "by-id", input: (ids) => ({ runId: ids.runId }) },
  "runs.samples": { kind: "by-id", input: (ids) => ({ runId: ids.runId, nodeId: "n1", port: "out" }) },
  "runs.errors": { kind: "by-id", input: (ids) => ({ runId: ids.runId }) },
  "runs.dismissErrors": { kind: "by-id", input: (ids) => ({ runId: ids.runId }) },
  "runs.events": { kind: "by-id", input: (ids) => ({ runId: ids.runId }) },
  "runs.batches": { kind: "by-id", input: (ids) => ({ runId: ids.runId }) },
  "dashboard.summary": {
    kind: "own-workspace",
    input: () => ({ range: "7d" }),
    check: (r, b) => {
      expect(r).toMatchObject({ openAlerts: 1, pendingApprovals: { changeSets: 1, items: 1 } });
      expect(json(r)).not.toContain(b.flowId);
    },
  },
  "alerts.list": {
    kind: "own-workspace",
    input: (ids) => ({ flowId: ids.flowId }),
    check: async (r, b) => {
      expect((r as { items: unknown[] }).items).toEqual([]);
      const own = await alice.caller.alerts.list({});
      expect(own.items.map((i) => i.id)).toEqual([a.alertId]);
      expect(json(own)).not.toContain(b.flowId);
    },
  },
  "alerts.unreadCount": { kind: "own-workspace", check: (r) => expect(r).toEqual({ count: 1 }) },
  // Marking read is reading: a viewer may (VIEWER_MAY); B's ids mark nothing.
  "alerts.markRead": {
    kind: "own-workspace",
    input: (ids) => ({ ids: [ids.alertId] }),
    check: async (r) => {
      expect(r).toEqual({ marked: 0 });
      expect(await bob.caller.alerts.unreadCount()).toEqual({ count: 1 });
    },
  },
  "alerts.settings": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId }) },
  "alerts.updateSettings": { kind: "by-id", input: (ids) => ({ flowId: ids.flowId, onFailure: false, approvalsWaitingHours: 1, webhookUrl: "https://hooks.example.com/x" }) },
  "lineage.search": {
    kind: "own-workspace",
    input: () => ({ key: SHARED_KEY }),
    check: (r, b) => {
      const items = (r as { items: { runId: string }[] }).items;
      expect(items.map((i) => i.runId)).toEqual([a.runId]);
      expect(json(r)).not.toContain(b.flowId);
    },
  },
  "approvals.list": {
    kind: "own-workspace",
    input: () => ({}),
    check: (r, b) => {
      expect((r as { items: { id: string }[] }).items.map((c) => c.id)).toEqual([a.changeSetId]);
      expect(json(r)).not.toContain(b.flowId);
    },
  },
  "approvals.pendingCount": { kind: "own-workspace", check: (r) => expect(r).toEqual({ changeSets: 1, items: 1 }) },
  "approvals.get": { kind: "by-id", input: (ids) => ({ changeSetId: ids.changeSetId }) },
  "approvals.items": { kind: "by-id", input: (ids) => ({ changeSetId: ids.changeSetId }) },
  "approvals.decide": { kind: "by-id", input: (ids) => ({ changeSetId: ids.changeSetId, decision: "reject", filter: {} }) },
  "tokens.create": {
    kind: "own-workspace",
    input: () => ({ name: "Created by A", role: "viewer" }),
    check: async () => expect(json(await bob.caller.tokens.list())).not.toContain("Created by A"),
  },
  "tokens.list": { kind: "own-workspace", check: (r, b) => expect(json(r)).not.toContain(b.apiTokenId) },
  "tokens.revoke": { kind: "by-id", input: (ids) => ({ id: ids.apiTokenId }) },
  "templates.list": { kind: "own-workspace", input: () => ({}), check: (r, b) => expect(json(r)).not.toContain(b.templateId) },
  "templates.get": { kind: "by-id", input: (ids) => ({ templateId: ids.templateId }) },
  "templates.install": { kind: "by-id", input: (ids) => ({ templateId: ids.templateId, connections: {}, parameters: {} }) },
  "templates.saveFromFlow": {
    kind: "by-id",
    input: (ids) => ({ flowId: ids.flowId, templateId: ids.templateId, title: "Taken over", description: "", category: "other", tags: [], visibility: "workspace" }),
  },
  "templates.delete": { kind: "by-id", input: (ids) => ({ templateId: ids.templateId }) },
  "templates.export": { kind: "by-id", input: (ids) => ({ templateId: ids.templateId }) },
  "templates.validateImport": {
    kind: "unscoped",
    why: "reads only the file it is given (its connections are refs listed in the file), nothing of any workspace",
    input: () => ({ fileText: templateFileText("A template file") }),
  },
  "templates.import": {
    kind: "own-workspace",
    input: () => ({ fileText: templateFileText("Imported by A"), visibility: "workspace" }),
    check: async () => expect(json(await bob.caller.templates.list({}))).not.toContain("Imported by A"),
  },
  "members.acceptInvite": {
    kind: "unscoped",
    why: "the invitation link's secret token is the permission; ids of B's invitations do not work as tokens",
    input: (ids) => ({ token: ids.invitationId }),
  },
};

function templateFileText(title: string): string {
  return serializeTemplateFile({ schemaVersion: 1, kind: "flowgate.template", title, description: "", category: "other", tags: [], document: validFixtureFlow(), connections: [], parameters: [] });
}

/** Writes a viewer may still do: joining by link is not a write to the workspace; nor are one's own API tokens (a viewer's are capped at viewer). */
const VIEWER_MAY = new Set(["members.acceptInvite", "alerts.markRead", "tokens.create", "tokens.revoke", "flows.validateImport", "templates.validateImport"]);

function procedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures);
}

function procedureType(path: string): string {
  return (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path]!._def.type;
}

function call(user: TestUser, path: string, input: unknown): Promise<unknown> {
  let target: unknown = user.caller;
  for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
  return (target as (input: unknown) => Promise<unknown>)(input);
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string | "none"> {
  try {
    await promise;
    return "none";
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

async function seedWorkspace(owner: TestUser, otherMemberName: string): Promise<WorkspaceIds> {
  const { id: flowId } = await owner.caller.flows.create({ name: `${otherMemberName}'s flow` });
  await owner.caller.flows.saveDraft({ flowId, document: validFixtureFlow(), baseRevision: 0 });
  const { versionId } = await owner.caller.flows.publish({ flowId, message: "first" });
  const { id: connectionId } = await owner.caller.connections.create({
    kind: "http",
    name: `${otherMemberName}'s API`,
    settings: { baseUrl: "https://api.example.com" },
    secret: { authorization: "Bearer abc" },
  });
  const other = await api.signUp(otherMemberName);
  await api.joinAs(other, owner.workspaceId, "editor");
  const list = await owner.caller.members.list();
  const memberId = list.members.find((m) => m.userId === other.id)!.id;
  const { id: invitationId } = await owner.caller.members.invite({ role: "editor" });
  const { runId } = await owner.caller.runs.start({ flowId });
  const { dryRunId } = await owner.caller.flows.dryRun({ flowId, document: validFixtureFlow() });
  // History a worker would have written: a dead letter and the key's lineage.
  await api.database.db.insert(recordErrors).values({ runId, nodeId: "n1", batchIndex: 0, index: 0, key: SHARED_KEY, message: "refused", record: { sku: SHARED_KEY } });
  await api.database.db.insert(lineage).values({ workspaceId: owner.workspaceId, flowId, runId, nodeId: "n1", key: SHARED_KEY, op: "error", outcome: "failed", batchIndex: 0 });
  // A change set the run's approval step holds.
  const changeSetId = `cs-${otherMemberName}`;
  const rules = { approverRole: "admin", approvalsRequired: 1, allowPublisher: true, publishedBy: owner.id, timeoutHours: null, timeoutAction: "expire" };
  await api.database.pool.query("insert into change_sets (id, workspace_id, flow_id, run_id, node_id, rules) values ($1, $2, $3, $4, 'cheap', $5)", [changeSetId, owner.workspaceId, flowId, runId, rules]);
  await api.database.pool.query(
    `insert into change_set_items (change_set_id, key, op, before, after, changed_fields, record) values ($1, $2, 'update', '{"price": 1}', '{"price": 2}', '{price}', '{"price": 2}')`,
    [changeSetId, SHARED_KEY],
  );
  // An alert the runtime raised for the flow.
  const alertId = `alert-${otherMemberName}`;
  await api.database.pool.query("insert into alerts (id, workspace_id, flow_id, kind, title, message, last_run_id) values ($1, $2, $3, 'run_failed', 'failed', 'failed', $4)", [
    alertId,
    owner.workspaceId,
    flowId,
    runId,
  ]);
  const { id: apiTokenId } = await owner.caller.tokens.create({ name: `${otherMemberName}'s deploy`, role: "editor" });
  const { templateId } = await owner.caller.templates.saveFromFlow({ flowId, title: `${otherMemberName}'s template`, description: "", category: "other", tags: [], visibility: "workspace" });
  return { workspaceId: owner.workspaceId, flowId, versionId, connectionId, memberId, invitationId, runId, dryRunId, changeSetId, alertId, apiTokenId, templateId };
}

beforeAll(async () => {
  api = await createTestApi();
  await installWorkerSchema(api.database.pool);
  alice = await api.signUp("Alice");
  bob = await api.signUp("Bob");
  a = await seedWorkspace(alice, "Ann");
  b = await seedWorkspace(bob, "Ben");
  viewer = await api.signUp("Vera");
  await api.joinAs(viewer, a.workspaceId, "viewer");
});

afterAll(async () => {
  await api.dispose();
});

describe("workspace isolation", () => {
  it("has a case for every procedure of the router", () => {
    const missing = procedurePaths().filter((p) => !(p in cases));
    expect(missing, "add an isolation case for each new procedure").toEqual([]);
    expect(Object.keys(cases).filter((p) => !procedurePaths().includes(p))).toEqual([]);
  });

  it.each(Object.entries(cases).filter(([, c]) => c.kind === "by-id"))(
    "%s refuses workspace B's ids to a member of A",
    async (path, c) => {
      const code = await errorCodeOf(call(alice, path, (c as { input: (ids: WorkspaceIds) => unknown }).input(b)));
      expect(["NOT_FOUND", "FORBIDDEN"]).toContain(code);
    },
  );

  it.each(Object.entries(cases).filter(([, c]) => c.kind === "own-workspace"))(
    "%s acts on A only, and shows nothing of B",
    async (path, c) => {
      const own = c as Extract<Case, { kind: "own-workspace" }>;
      const result = await call(alice, path, own.input?.(b));
      await own.check(result, b);
    },
  );

  it("B's data is intact after every attempt", async () => {
    const flow = await bob.caller.flows.get({ flowId: b.flowId });
    expect(flow.name).toBe("Ben's flow");
    expect(flow.enabled).toBe(false);
    // Neither a copy, a restore nor a dry run of it was made.
    expect((await bob.caller.flows.list()).map((f) => f.id)).toEqual([b.flowId]);
    expect(flow.revision).toBe(1);
    expect((await api.database.pool.query("select id from dry_runs where flow_id = $1", [b.flowId])).rows).toEqual([{ id: b.dryRunId }]);
    expect(await bob.caller.flows.versions({ flowId: b.flowId })).toHaveLength(1);
    const connections = await bob.caller.connections.list();
    expect(connections.map((c) => c.name)).toEqual(["Ben's API"]);
    const members = await bob.caller.members.list();
    expect(members.members.find((m) => m.id === b.memberId)?.role).toBe("editor");
    const runs = await bob.caller.runs.list({});
    expect(runs.items.map((r) => [r.id, r.status, r.cancelRequested])).toEqual([[b.runId, "queued", false]]);
    expect((await bob.caller.runs.errors({ runId: b.runId })).items.map((e) => e.status)).toEqual(["open"]);
    // Nor was B's change set decided.
    expect((await bob.caller.approvals.items({ changeSetId: b.changeSetId })).items.map((i) => i.status)).toEqual(["pending"]);
    // Nor were B's alerts read or its alert settings written.
    expect(await bob.caller.alerts.unreadCount()).toEqual({ count: 1 });
    expect((await api.database.pool.query("select flow_id from flow_alert_settings where flow_id = $1", [b.flowId])).rows).toEqual([]);
    expect((await bob.caller.tokens.list()).map((t) => [t.id, t.status])).toEqual([[b.apiTokenId, "active"]]);
    // Nor was B's template changed, deleted or installed.
    expect(await bob.caller.templates.get({ templateId: b.templateId })).toMatchObject({ title: "Ben's template", version: 1, uses: 0 });
    // A's attempts at B's webhook neither created nor rotated one.
    expect((await api.database.pool.query("select flow_id from flow_webhooks where flow_id = $1", [b.flowId])).rows).toEqual([]);
  });

  it("an invitation id is not a token", async () => {
    expect(await errorCodeOf(call(alice, "members.acceptInvite", cases["members.acceptInvite"]!.input!(b)))).toBe("NOT_FOUND");
  });

  it("a signed-out caller gets UNAUTHORIZED from every procedure but health", async () => {
    const anonymous = api.anonymousCaller();
    for (const path of procedurePaths().filter((p) => p !== "health")) {
      let target: unknown = anonymous;
      for (const part of path.split(".")) target = (target as Record<string, unknown>)[part];
      const input = (cases[path] as { input?: (ids: WorkspaceIds) => unknown }).input?.(a);
      expect(await errorCodeOf((target as (i: unknown) => Promise<unknown>)(input)), path).toBe("UNAUTHORIZED");
    }
  });
});

describe("roles", () => {
  const writes = () => procedurePaths().filter((p) => procedureType(p) === "mutation" && !VIEWER_MAY.has(p));

  it("lists the writes it checks", () => {
    expect(writes().length).toBeGreaterThanOrEqual(12);
  });

  it("refuses every write of a viewer, with the workspace's own ids", async () => {
    for (const path of writes()) {
      const input = (cases[path] as { input?: (ids: WorkspaceIds) => unknown }).input?.(a);
      expect(await errorCodeOf(call(viewer, path, input)), path).toBe("FORBIDDEN");
    }
    const flow = await alice.caller.flows.get({ flowId: a.flowId });
    expect(flow.name).toBe("Ann's flow");
    expect(flow.revision).toBe(1);
    expect((await alice.caller.flows.list()).filter((f) => f.name.startsWith("Ann's flow"))).toHaveLength(1);
    expect((await alice.caller.approvals.items({ changeSetId: a.changeSetId })).items.map((i) => i.status)).toEqual(["pending"]);
  });

  it("lets a viewer read", async () => {
    expect((await viewer.caller.workspaces.current()).role).toBe("viewer");
    expect((await viewer.caller.flows.list()).map((f) => f.id)).toContain(a.flowId);
  });
});
