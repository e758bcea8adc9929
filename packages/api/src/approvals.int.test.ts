import { runs, type ChangeOp, type ChangeSetRules } from "@flowgate/db";
import { numericChanges } from "@flowgate/nodes/numeric-change";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtureFlow } from "./fixtures";
import { SELF_APPROVAL_REASON } from "./services/approvals";
import { createTestApi, type TestUser } from "./testing";

/**
 * approvals.* over change sets as the runtime leaves them (written here with direct inserts; no
 * worker runs in this file, so a queued resume job stays in graphile_worker's table for us to see).
 */

let api: Awaited<ReturnType<typeof createTestApi>>;
let owner: TestUser; // Olive: owner of the workspace, publishes the flow
let bob: TestUser; // admin
let carol: TestUser; // admin
let erin: TestUser; // editor
let vera: TestUser; // viewer
let flowId: string;
let counter = 0;

beforeAll(async () => {
  api = await createTestApi();
  await installWorkerSchema(api.database.pool);
  owner = await api.signUp("Olive");
  bob = await api.signUp("Bob");
  carol = await api.signUp("Carol");
  erin = await api.signUp("Erin");
  vera = await api.signUp("Vera");
  await api.joinAs(bob, owner.workspaceId, "admin");
  await api.joinAs(carol, owner.workspaceId, "admin");
  await api.joinAs(erin, owner.workspaceId, "editor");
  await api.joinAs(vera, owner.workspaceId, "viewer");
  ({ id: flowId } = await owner.caller.flows.create({ name: "Supplier prices" }));
  await owner.caller.flows.saveDraft({ flowId, document: validFixtureFlow(), baseRevision: 0 });
  await owner.caller.flows.publish({ flowId });
});

afterAll(async () => {
  await api?.dispose();
});

interface ItemFixture {
  key: string;
  op?: ChangeOp;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  changedFields?: string[];
  status?: "pending" | "approved" | "rejected" | "expired";
}

/**
 * A change set as the runtime leaves it: a run of the flow awaiting approval at node "cheap" ("Cheap
 * only" in the published version), with these items, or `count` generated price updates
 * (SKU-00000…: price 100 → 100 + i % 50, so i % 50 is the percent change).
 */
async function changeSetFixture(options: { rules?: Partial<ChangeSetRules>; items?: ItemFixture[]; count?: number }) {
  const { runId } = await owner.caller.runs.start({ flowId });
  await api.database.db.update(runs).set({ status: "awaiting_approval" }).where(eq(runs.id, runId));
  const id = `cs-${++counter}`;
  const rules: ChangeSetRules = {
    approverRole: "admin",
    approvalsRequired: 1,
    allowPublisher: true,
    publishedBy: owner.id,
    timeoutHours: null,
    timeoutAction: "expire",
    ...options.rules,
  };
  await api.database.pool.query(`insert into change_sets (id, workspace_id, flow_id, run_id, node_id, rules) values ($1, $2, $3, $4, 'cheap', $5)`, [
    id,
    owner.workspaceId,
    flowId,
    runId,
    rules,
  ]);
  if (options.items) {
    await api.database.pool.query(
      `insert into change_set_items (change_set_id, key, op, before, after, changed_fields, numeric_changes, record, status)
       select $1, x.key, x.op, x.before, x.after, x.changed_fields, x.numeric_changes, coalesce(x.after, x.before, '{}'), x.status
       from jsonb_to_recordset($2::jsonb) as x(key text, op text, before jsonb, after jsonb, changed_fields text[], numeric_changes jsonb, status text)`,
      [
        id,
        JSON.stringify(
          options.items.map((item) => ({
            key: item.key,
            op: item.op ?? "update",
            before: item.before ?? null,
            after: item.after ?? null,
            changed_fields: item.changedFields ?? [],
            numeric_changes: numericChanges(item.before, item.after),
            status: item.status ?? "pending",
          })),
        ),
      ],
    );
  }
  if (options.count) {
    await api.database.pool.query(
      `insert into change_set_items (change_set_id, key, op, before, after, changed_fields, numeric_changes, record)
       select $1, 'SKU-' || lpad(i::text, 5, '0'), 'update',
         jsonb_build_object('sku', 'SKU-' || lpad(i::text, 5, '0'), 'name', 'Product ' || i, 'price', 100),
         jsonb_build_object('sku', 'SKU-' || lpad(i::text, 5, '0'), 'name', 'Product ' || i, 'price', 100 + i % 50),
         '{price}', jsonb_build_object('price', jsonb_build_object('pct', i % 50, 'delta', i % 50)), jsonb_build_object('sku', 'SKU-' || lpad(i::text, 5, '0'), 'price', 100 + i % 50)
       from generate_series(0, $2 - 1) as i`,
      [id, options.count],
    );
  }
  return { changeSetId: id, runId };
}

async function itemsOf(changeSetId: string) {
  const { rows } = await api.database.pool.query<{ id: string; key: string; status: string; approvals: number; decided_by: string | null; decision_source: string | null; comment: string | null }>(
    `select id, key, status, approvals, decided_by, decision_source, comment from change_set_items where change_set_id = $1 order by id`,
    [changeSetId],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

async function idsOf(changeSetId: string) {
  return (await itemsOf(changeSetId)).map((i) => i.id);
}

const resumeJobs = async (changeSetId: string) =>
  (
    await api.database.pool.query(
      `select t.identifier as task_identifier, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1`,
      [`resume-approval:${changeSetId}`],
    )
  ).rows;

const lineageOf = async (runId: string) =>
  (await api.database.pool.query<{ key: string; op: string; outcome: string; detail: string }>(`select key, op, outcome, detail from lineage where run_id = $1 order by key, id`, [runId])).rows;

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected the call to be refused");
}

const priced = (key: string, before: unknown, after: unknown, name = `Product ${key}`): ItemFixture => ({
  key,
  before: { sku: key, name, price: before },
  after: { sku: key, name, price: after },
  changedFields: ["price"],
});

describe("approvals.list, get and pendingCount", () => {
  it("summarises a change set: flow, node label from the run's version, counts by status and pending by operation, who may decide", async () => {
    const { changeSetId, runId } = await changeSetFixture({
      items: [
        priced("A", 10, 12),
        priced("B", 10, 11),
        { key: "C", op: "create", after: { sku: "C", name: "New", price: 5, stock: 3 }, changedFields: ["sku", "name", "price", "stock"] },
        { key: "D", op: "delete", before: { sku: "D", name: "Gone", price: 7 } },
        { ...priced("E", 10, 20), status: "approved" },
        { ...priced("F", 10, 20), status: "rejected" },
        { key: "G", before: { sku: "G", name: "Gadget", price: "n/a", colour: "red" }, after: { sku: "G", name: "Gadget", price: "n/a", colour: "blue" }, changedFields: ["colour"] },
      ],
    });
    const summary = await bob.caller.approvals.get({ changeSetId });
    expect(summary).toMatchObject({
      id: changeSetId,
      flowId,
      flowName: "Supplier prices",
      runId,
      nodeId: "cheap",
      nodeLabel: "Cheap only",
      status: "pending",
      deadlineAt: null,
      pending: { create: 1, update: 3, delete: 1 },
      counts: { pending: 5, approved: 1, rejected: 1, expired: 0 },
      approverRole: "admin",
      approvalsRequired: 1,
      canDecide: true,
      cannotDecideReason: null,
    });
    expect(summary.changedFields).toEqual(["colour", "name", "price", "sku", "stock"]);
    // Fields holding a number on both sides of some item: "n/a" is not a number, and a create's stock has no before.
    expect(summary.numericFields).toEqual(["price"]);

    const forErin = await erin.caller.approvals.get({ changeSetId });
    expect(forErin.canDecide).toBe(false);
    expect(forErin.cannotDecideReason).toMatch(/Only an admin or higher may decide these changes.*you are an editor/);
    expect((await vera.caller.approvals.get({ changeSetId })).cannotDecideReason).toMatch(/viewer/);

    const listed = await bob.caller.approvals.list({});
    expect(listed.items.find((c) => c.id === changeSetId)).toEqual(
      (({ changedFields, numericFields, ...rest }) => rest)(summary),
    );
    expect((await bob.caller.approvals.list({ status: "decided" })).items.map((c) => c.id)).not.toContain(changeSetId);
  });

  it("pages the list newest first, and the badge counts only what the caller may decide", async () => {
    const before = await bob.caller.approvals.pendingCount();
    const adminsOnly = await changeSetFixture({ items: [priced("P1", 1, 2), priced("P2", 1, 2)] });
    const ownersOnly = await changeSetFixture({ rules: { approverRole: "owner" }, items: [priced("P3", 1, 2)] });
    const notThePublisher = await changeSetFixture({ rules: { allowPublisher: false }, items: [priced("P4", 1, 2), priced("P5", 1, 2), priced("P6", 1, 2)] });
    const editors = await changeSetFixture({ rules: { approverRole: "editor" }, items: [priced("P7", 1, 2), { ...priced("P8", 1, 2), status: "approved" }] });

    const after = await bob.caller.approvals.pendingCount();
    // Bob (admin): all but the owners-only one.
    expect({ changeSets: after.changeSets - before.changeSets, items: after.items - before.items }).toEqual({ changeSets: 3, items: 6 });
    const erinCount = await erin.caller.approvals.pendingCount();
    expect(erinCount).toEqual({ changeSets: 1, items: 1 });
    expect(await vera.caller.approvals.pendingCount()).toEqual({ changeSets: 0, items: 0 });
    // Olive (owner): also the owners-only one, but not her own flow's when the publisher may not approve.
    expect(await owner.caller.approvals.pendingCount()).toEqual({ changeSets: after.changeSets + 1 - 1, items: after.items + 1 - 3 });

    const first = await bob.caller.approvals.list({ limit: 2 });
    expect(first.items.map((c) => c.id)).toEqual([editors.changeSetId, notThePublisher.changeSetId]);
    expect(first.items[1]).toMatchObject({ canDecide: true });
    const second = await owner.caller.approvals.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((c) => c.id)).toEqual([ownersOnly.changeSetId, adminsOnly.changeSetId]);
    expect((await owner.caller.approvals.list({ limit: 4 })).items[1]).toMatchObject({ canDecide: false, cannotDecideReason: SELF_APPROVAL_REASON });
    await expect(bob.caller.approvals.list({ cursor: "nonsense" })).rejects.toThrow(/no longer valid/);
  });
});

describe("approvals.items", () => {
  let changeSetId: string;
  const items: ItemFixture[] = [
    priced("SKU-1", 10, 12), // +20 %
    priced("SKU-2", 10, 10.5), // +5 %
    priced("SKU-3", 200, 100), // −50 %
    priced("SKU-4", "19.90", "29.85"), // numeric text, +50 %
    priced("SKU-5", "n/a", 12), // not a number before
    priced("SKU-6", 0, 3), // from 0: an infinite change
    { key: "SKU-7", op: "create", after: { sku: "SKU-7", name: "Blue 50% mug", price: 4 }, changedFields: ["sku", "name", "price"] },
    { key: "SKU-8", op: "delete", before: { sku: "SKU-8", name: "Old kettle", price: 30 } },
    { ...priced("SKU-9", 10, 15, "Teapot"), status: "approved" },
    { key: "SKU_10", before: { sku: "SKU_10", name: "Kettle", stock: 1 }, after: { sku: "SKU_10", name: "Kettle", stock: 2 }, changedFields: ["stock"] },
  ];
  const keys = (page: { items: { key: string }[] }) => page.items.map((i) => i.key);

  beforeAll(async () => {
    ({ changeSetId } = await changeSetFixture({ items }));
  });

  it("filters by status, operation, changed field and text in the key or name (LIKE characters taken literally)", async () => {
    const list = (filter: object) => bob.caller.approvals.items({ changeSetId, filter });
    expect(keys(await list({ status: "approved" }))).toEqual(["SKU-9"]);
    expect(keys(await list({ op: "create" }))).toEqual(["SKU-7"]);
    expect(keys(await list({ op: "delete" }))).toEqual(["SKU-8"]);
    expect(keys(await list({ changedField: "stock" }))).toEqual(["SKU_10"]);
    expect(keys(await list({ text: "kettle" }))).toEqual(["SKU-8", "SKU_10"]);
    expect(keys(await list({ text: "50%" }))).toEqual(["SKU-7"]);
    expect(keys(await list({ text: "SKU_" }))).toEqual(["SKU_10"]);
    expect(await list({ text: "teapot", status: "pending" })).toEqual({ items: [], total: 0, nextCursor: null });
    const all = await list({});
    expect(all.total).toBe(10);
    expect(all.items[0]).toMatchObject({ key: "SKU-1", op: "update", before: { price: 10 }, after: { price: 12 }, changedFields: ["price"], status: "pending", approvals: 0, decidedByName: null });
  });

  it("filters by a numeric field's change in percent or absolute, skipping values that are not numbers", async () => {
    const numeric = async (n: object) => keys(await bob.caller.approvals.items({ changeSetId, filter: { numeric: { field: "price", ...n } } }));
    expect(await numeric({ minPercent: 20 })).toEqual(["SKU-1", "SKU-3", "SKU-4", "SKU-6", "SKU-9"]);
    expect(await numeric({ minPercent: 20.01 })).toEqual(["SKU-3", "SKU-4", "SKU-6", "SKU-9"]);
    expect(await numeric({ maxPercent: 20 })).toEqual(["SKU-1", "SKU-2"]);
    expect(await numeric({ minAbsolute: 3 })).toEqual(["SKU-3", "SKU-4", "SKU-6", "SKU-9"]);
    expect(await numeric({})).toEqual(["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-6", "SKU-9"]);
    expect(
      keys(await bob.caller.approvals.items({ changeSetId, filter: { status: "pending", numeric: { field: "price", minPercent: 20 } } })),
    ).toEqual(["SKU-1", "SKU-3", "SKU-4", "SKU-6"]);
    // A field no item has as a number finds nothing (and fails nothing).
    expect(await numeric({ field: "name", minPercent: 0 })).toEqual([]);
  });

  it("sorts by id, key or the size of a numeric change, a page at a time, without gaps or repeats", async () => {
    async function all(sort: "id" | "key" | "change", limit: number, extra: object = {}) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await bob.caller.approvals.items({ changeSetId, sort, limit, cursor, ...extra });
        expect(page.total).toBe(10);
        seen.push(...keys(page));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(Math.ceil(10 / limit));
      return seen;
    }
    expect(await all("id", 3)).toEqual(items.map((i) => i.key));
    expect(await all("key", 4)).toEqual(["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5", "SKU-6", "SKU-7", "SKU-8", "SKU-9", "SKU_10"].sort((a, b) => (a < b ? -1 : 1)));
    // Largest change first (from 0: infinite); items without a numeric change last, by id.
    expect(await all("change", 2, { sortField: "price" })).toEqual(["SKU-6", "SKU-3", "SKU-4", "SKU-9", "SKU-1", "SKU-2", "SKU-5", "SKU-7", "SKU-8", "SKU_10"]);
    await expect(bob.caller.approvals.items({ changeSetId, sort: "change" })).rejects.toThrow(/numeric field/);
    const byKey = await bob.caller.approvals.items({ changeSetId, sort: "key", limit: 2 });
    await expect(bob.caller.approvals.items({ changeSetId, sort: "id", cursor: byKey.nextCursor! })).rejects.toThrow(/no longer valid/);
  });
});

describe("approvals.decide", () => {
  it("decides each item once when two admins decide the same items at the same moment; the second learns who did", async () => {
    const { changeSetId, runId } = await changeSetFixture({ count: 200 });
    const ids = await idsOf(changeSetId);
    const [byBob, byCarol] = await Promise.all([
      bob.caller.approvals.decide({ changeSetId, decision: "approve", ids }),
      carol.caller.approvals.decide({ changeSetId, decision: "reject", ids, comment: "too expensive" }),
    ]);
    const [first, second, firstName] = byBob.decided > 0 ? [byBob, byCarol, "Bob"] : [byCarol, byBob, "Carol"];
    expect(first).toEqual({ decided: 200, recorded: 0, alreadyDecided: [] });
    expect(second.decided).toBe(0);
    expect(second.alreadyDecided).toHaveLength(100);
    expect(second.alreadyDecided[0]).toEqual({ id: ids[0], key: "SKU-00000", status: firstName === "Bob" ? "approved" : "rejected", byName: firstName });

    const decided = await itemsOf(changeSetId);
    expect(new Set(decided.map((i) => i.status))).toEqual(new Set([firstName === "Bob" ? "approved" : "rejected"]));
    const lineage = await lineageOf(runId);
    expect(lineage).toHaveLength(200);
    expect(lineage[0]).toEqual(
      firstName === "Bob"
        ? { key: "SKU-00000", op: "approve", outcome: "decided", detail: "approved by Bob" }
        : { key: "SKU-00000", op: "reject", outcome: "decided", detail: "rejected by Carol: too expensive" },
    );
    const { rows: audit } = await api.database.pool.query(`select action, details from audit_log where target_id = $1 order by details->>'decided' desc`, [changeSetId]);
    expect(audit).toHaveLength(2);
    expect(audit[0].details).toMatchObject({ decided: 200, alreadyDecided: 0, ids: 200 });
    expect(audit[1].details).toMatchObject({ decided: 0, alreadyDecided: 100 });
  });

  it("a double click decides once", async () => {
    const { changeSetId, runId } = await changeSetFixture({ count: 50 });
    const ids = await idsOf(changeSetId);
    const results = await Promise.all([bob.caller.approvals.decide({ changeSetId, decision: "approve", ids }), bob.caller.approvals.decide({ changeSetId, decision: "approve", ids })]);
    expect(results.map((r) => r.decided).sort()).toEqual([0, 50]);
    expect(results.find((r) => r.decided === 0)!.alreadyDecided.map((a) => a.byName)).toEqual(Array(50).fill("Bob"));
    expect(await lineageOf(runId)).toHaveLength(50);
    expect((await itemsOf(changeSetId)).map((i) => [i.status, i.approvals, i.decided_by])).toEqual(Array(50).fill(["approved", 1, bob.id]));
  });

  it("N of M: with 2 required, one approval leaves the item pending, the same person twice counts once, a second person approves it", async () => {
    const { changeSetId, runId } = await changeSetFixture({ rules: { approvalsRequired: 2 }, items: [priced("A", 1, 2), priced("B", 1, 2)] });
    const [a, b] = await idsOf(changeSetId);
    expect(await bob.caller.approvals.decide({ changeSetId, decision: "approve", ids: [a!] })).toEqual({ decided: 0, recorded: 1, alreadyDecided: [] });
    expect((await itemsOf(changeSetId))[0]).toMatchObject({ status: "pending", approvals: 1, decided_by: null });
    expect(await resumeJobs(changeSetId)).toEqual([]);

    expect(await bob.caller.approvals.decide({ changeSetId, decision: "approve", ids: [a!] })).toEqual({ decided: 0, recorded: 0, alreadyDecided: [] });
    expect((await itemsOf(changeSetId))[0]).toMatchObject({ status: "pending", approvals: 1 });
    expect((await bob.caller.approvals.items({ changeSetId, filter: { status: "pending" } })).items[0]).toMatchObject({ key: "A", approvals: 1 });

    expect(await carol.caller.approvals.decide({ changeSetId, decision: "approve", ids: [a!], comment: "fine" })).toEqual({ decided: 1, recorded: 0, alreadyDecided: [] });
    expect((await itemsOf(changeSetId))[0]).toMatchObject({ status: "approved", approvals: 2, decided_by: carol.id, decision_source: "person", comment: "fine" });
    // Each person's approval is in the lineage: the first as one of two, the second as the decision.
    expect(await lineageOf(runId)).toEqual([
      { key: "A", op: "approve", outcome: "decided", detail: "approval 1 of 2 by Bob" },
      { key: "A", op: "approve", outcome: "decided", detail: "approved by Carol: fine" },
    ]);
    expect(await resumeJobs(changeSetId)).toHaveLength(1);

    // Two people at the same moment: neither misses the other's approval.
    const both = await Promise.all([bob.caller.approvals.decide({ changeSetId, decision: "approve", ids: [b!] }), carol.caller.approvals.decide({ changeSetId, decision: "approve", ids: [b!] })]);
    expect(both.map((r) => r.decided + r.recorded)).toEqual([1, 1]);
    expect((await itemsOf(changeSetId))[1]).toMatchObject({ status: "approved", approvals: 2 });
  });

  it("refuses the publisher when the publisher may not approve, a viewer, and an editor when admins approve", async () => {
    const { changeSetId } = await changeSetFixture({ rules: { allowPublisher: false }, items: [priced("A", 1, 2)] });
    const ids = await idsOf(changeSetId);
    const self = await refusal(owner.caller.approvals.decide({ changeSetId, decision: "approve", ids }));
    expect([self.code, self.message]).toEqual(["FORBIDDEN", SELF_APPROVAL_REASON]);
    expect(await owner.caller.approvals.get({ changeSetId })).toMatchObject({ canDecide: false, cannotDecideReason: SELF_APPROVAL_REASON });
    const viewer = await refusal(vera.caller.approvals.decide({ changeSetId, decision: "reject", ids }));
    expect([viewer.code, viewer.message]).toEqual(["FORBIDDEN", expect.stringMatching(/viewer.*Ask an admin/)]);
    const editor = await refusal(erin.caller.approvals.decide({ changeSetId, decision: "approve", ids }));
    expect([editor.code, editor.message]).toEqual(["FORBIDDEN", expect.stringMatching(/Only an admin or higher.*you are an editor/)]);
    expect((await itemsOf(changeSetId))[0]).toMatchObject({ status: "pending", approvals: 0 });
    expect(await bob.caller.approvals.decide({ changeSetId, decision: "approve", ids })).toMatchObject({ decided: 1 });

    const forEditors = await changeSetFixture({ rules: { approverRole: "editor" }, items: [priced("A", 1, 2)] });
    expect(await erin.caller.approvals.decide({ changeSetId: forEditors.changeSetId, decision: "approve", ids: await idsOf(forEditors.changeSetId) })).toMatchObject({ decided: 1 });
    await expect(bob.caller.approvals.decide({ changeSetId, decision: "approve" })).rejects.toThrow(/Say which changes/);
  });

  it("decides by filter exactly the pending items matching it (price change ≥ 20 %), then the rest", async () => {
    const { changeSetId } = await changeSetFixture({ count: 1000 });
    const priceUp20 = { numeric: { field: "price", minPercent: 20 } };
    const matching = (await itemsOf(changeSetId)).filter((_, i) => i % 50 >= 20);
    const rejected = await bob.caller.approvals.decide({ changeSetId, decision: "reject", filter: priceUp20, comment: "check with supplier" });
    expect(rejected).toEqual({ decided: matching.length, recorded: 0, alreadyDecided: [] });
    const after = await itemsOf(changeSetId);
    expect(after.filter((i) => i.status === "rejected").map((i) => i.key)).toEqual(matching.map((i) => i.key));
    expect(after.filter((i) => i.status === "pending")).toHaveLength(1000 - matching.length);

    const rest = await carol.caller.approvals.decide({ changeSetId, decision: "approve", filter: { status: "pending" } });
    expect(rest.decided).toBe(1000 - matching.length);
    // The rejected ones matched too: reported as decided by Bob, not decided again.
    expect(rest.alreadyDecided[0]).toMatchObject({ status: "rejected", byName: "Bob" });
    expect((await bob.caller.approvals.get({ changeSetId })).counts).toEqual({ pending: 0, approved: 1000 - matching.length, rejected: matching.length, expired: 0 });
  });

  it("queues the resume job in the decision's transaction: a decision that fails leaves no job and no trace", async () => {
    const { changeSetId, runId } = await changeSetFixture({ items: [priced("A", 1, 2), priced("B", 1, 2)] });
    const [a, b] = await idsOf(changeSetId);
    await bob.caller.approvals.decide({ changeSetId, decision: "approve", ids: [a!] });
    expect(await resumeJobs(changeSetId)).toEqual([{ task_identifier: "resume-approval", payload: { changeSetId } }]);

    // The audit row, the decision's last write, is refused: nothing of the decision stays, the job neither.
    const pool = api.database.pool;
    await pool.query(`delete from graphile_worker._private_jobs where key = $1`, [`resume-approval:${changeSetId}`]);
    await pool.query(`create function refuse_reject() returns trigger language plpgsql as $$ begin raise exception 'audit log is full'; end $$`);
    await pool.query(`create trigger refuse_reject before insert on audit_log for each row when (new.action = 'changeSet.reject') execute function refuse_reject()`);
    try {
      await expect(carol.caller.approvals.decide({ changeSetId, decision: "reject", ids: [b!] })).rejects.toThrow();
    } finally {
      await pool.query(`drop trigger refuse_reject on audit_log; drop function refuse_reject()`);
    }
    expect((await itemsOf(changeSetId))[1]).toMatchObject({ status: "pending" });
    expect(await lineageOf(runId)).toHaveLength(1);
    expect((await pool.query(`select count(*)::int as n from change_set_decisions where item_id = $1`, [b])).rows[0].n).toBe(0);
    expect(await resumeJobs(changeSetId)).toEqual([]);
  });
});

describe("a run that ends with changes waiting", () => {
  it("cancelling a run awaiting approval expires what waits, closes its change set (it leaves the inbox and the badge) and keeps what was decided", async () => {
    const { changeSetId, runId } = await changeSetFixture({ items: [priced("K1", 1, 2), priced("K2", 1, 2), priced("K3", 1, 2)] });
    const [k1] = await idsOf(changeSetId);
    await bob.caller.approvals.decide({ changeSetId, decision: "approve", ids: [k1!] });
    const before = await bob.caller.approvals.pendingCount();

    expect(await bob.caller.runs.cancel({ runId })).toMatchObject({ status: "cancelled" });

    expect((await itemsOf(changeSetId)).map((i) => [i.key, i.status, i.decision_source])).toEqual([
      ["K1", "approved", "person"],
      ["K2", "expired", "run-ended"],
      ["K3", "expired", "run-ended"],
    ]);
    const summary = await bob.caller.approvals.get({ changeSetId });
    expect(summary).toMatchObject({ status: "decided", counts: { pending: 0, approved: 1, rejected: 0, expired: 2 } });
    expect(await bob.caller.approvals.pendingCount()).toEqual({ changeSets: before.changeSets - 1, items: before.items - 2 });
    expect((await bob.caller.approvals.list({ limit: 100 })).items.map((c) => c.id)).not.toContain(changeSetId);
    expect((await bob.caller.approvals.list({ status: "decided", limit: 100 })).items.map((c) => c.id)).toContain(changeSetId);
    expect(await lineageOf(runId)).toEqual([
      { key: "K1", op: "approve", outcome: "decided", detail: "approved by Bob" },
      { key: "K2", op: "expire", outcome: "decided", detail: "expired: the run ended before anyone decided" },
      { key: "K3", op: "expire", outcome: "decided", detail: "expired: the run ended before anyone decided" },
    ]);
    // Deciding afterwards decides nothing and says who (what) did.
    const late = await carol.caller.approvals.decide({ changeSetId, decision: "approve", filter: {} });
    expect(late.decided).toBe(0);
    expect(late.alreadyDecided.map((a) => a.status)).toEqual(["approved", "expired", "expired"]);
  });
});
