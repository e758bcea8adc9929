import { auditLog, changeSetItems, changeSets, lineage, runs } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import type { TestDatabase } from "@flowgate/db/testing";
import type { SupplierApi } from "@flowgate/testkit";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "@flowgate/db";
import type { Checkpoint, HeldEntry } from "@flowgate/engine";
import { applyApprovalTimeouts, approvalNodesOf } from "./approvals";
import { silentLog } from "./log";
import { createSweepRunsTask } from "./tasks/sweep-runs";
import { writeCheckpoint } from "./checkpoint";
import { enqueueRun } from "./enqueue";
import {
  createPublishedFlow,
  decideItems,
  failCheckpointOnce,
  runRow,
  startSupplierToShopFixture,
  startTestWorker,
  startWebhookReceiver,
  supplierToShopWithApprovalFlow,
  waitFor,
  type SupplierToShopFixture,
  TEST_APP_URL,
  type TestWorker,
} from "./testing";

const secrets = createSecretBox("runtime-test-secret-runtime-test-secret-0123");
const PRODUCTS = 60;
const BATCH = 25;
/** Price moved less than 10 %: approved at once. */
const SMALL_MOVES = 'op = "update" and $abs(after.price - before.price) / before.price < 0.1';

let database: TestDatabase;
let supplier: SupplierApi;
let worker: TestWorker;
let workspaceId: string;
let shopConnectionId: string;
let fixture: SupplierToShopFixture;

beforeAll(async () => {
  fixture = await startSupplierToShopFixture({ secrets, products: PRODUCTS, seed: 11, workspaceName: "Approvals", heartbeatMs: 200 });
  ({ database, supplier, worker, workspaceId, shopConnectionId } = fixture);
});

afterAll(async () => {
  // The last test replaces the fixture's worker.
  await worker?.stop();
  await supplier?.close();
  await database?.dispose();
});

/** supplier → changes → review (approved →) map (price × 2) → shop table. */
async function approvalFlow(review: Record<string, unknown>) {
  const document = supplierToShopWithApprovalFlow({ supplierUrl: supplier.url, shopConnectionId, batchSize: BATCH, review });
  expect(document.nodes.map((n) => n.id)).toEqual(["start", "read", "changes", "review", "map", "shop"]);
  return createPublishedFlow(database.db, workspaceId, document, "Prices with approval");
}

async function start(flow: { flowId: string; versionId: string }) {
  return (await database.db.transaction((tx) => enqueueRun(tx, { workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" }))).runId;
}

/** Waits until the run has nothing more to do for now: waiting for approval, or over. */
function settled(runId: string, timeoutMs = 30_000) {
  return waitFor(
    `run ${runId} to settle`,
    async () => {
      const row = await runRow(database.db, runId);
      return row.status === "queued" || row.status === "running" ? undefined : row;
    },
    timeoutMs,
  );
}

async function changeSetOf(runId: string) {
  const [set] = await database.db.select().from(changeSets).where(eq(changeSets.runId, runId));
  return set;
}

async function itemsOf(changeSetId: string) {
  return database.db.select().from(changeSetItems).where(eq(changeSetItems.changeSetId, changeSetId)).orderBy(asc(changeSetItems.key));
}

const decide = (changeSetId: string, keys: string[], decision: "approved" | "rejected") => decideItems(database.db, changeSetId, keys, decision);

/** Waits until every decided item of the change set was sent on. */
function applied(changeSetId: string, count: number) {
  return waitFor(`${count} items of ${changeSetId} applied`, async () => {
    const items = await itemsOf(changeSetId);
    return items.filter((i) => i.appliedAt !== null).length >= count ? items : undefined;
  });
}

async function shopPrices() {
  const rows = (await database.pool.query("select sku, price::float8 as price from shop.products order by sku")).rows as { sku: string; price: number }[];
  return new Map(rows.map((r) => [r.sku, r.price]));
}

async function writesPerSku() {
  const rows = (await database.pool.query("select sku, count(*)::int as n from shop.write_log group by sku")).rows as { sku: string; n: number }[];
  return new Map(rows.map((r) => [r.sku, r.n]));
}

const sku = (i: number) => supplier.products[i]!.sku;
const price = (i: number) => supplier.products[i]!.price;
function setPrice(i: number, value: number) {
  supplier.products[i]!.price = value;
  supplier.products[i]!.updated_at = new Date().toISOString();
}

describe("writeCheckpoint: held records", () => {
  it("makes the change set with the first held record and stores items; a batch stored again updates pending items and leaves decided ones alone", async () => {
    const flow = await approvalFlow({ approvalsRequired: 2, allowPublisher: false, timeoutAction: "reject" });
    const runId = newId();
    await database.db.insert(runs).values({ id: runId, workspaceId, flowId: flow.flowId, flowVersionId: flow.versionId, trigger: "manual" });
    const document = (await database.pool.query("select document from flow_versions where id = $1", [flow.versionId])).rows[0].document;
    const approvalNodes = approvalNodesOf(document, "user-1");
    const held = (price: number): HeldEntry[] => [
      { nodeId: "review", batchIndex: 0, index: 0, key: "A", op: "update", before: { sku: "A", price: 1 }, after: { sku: "A", price }, changedFields: ["price"], record: { sku: "A", price } },
      { nodeId: "review", batchIndex: 0, index: 1, key: "B", op: "create", after: { sku: "B", price }, changedFields: ["sku", "price"], record: { sku: "B", price } },
      { nodeId: "review", batchIndex: 0, index: 2, key: "C", op: "update", changedFields: [], record: { sku: "C" }, decisionSource: "auto-reject" },
    ];
    const checkpoint = (price: number): Checkpoint => ({
      batchIndex: 0,
      cursor: 1,
      counts: { batches: 1, recordsRead: 3, errors: 0, nodes: {}, edges: {} },
      state: {},
      done: false,
      errors: [],
      lineage: [],
      held: held(price),
    });
    const target = { workspaceId, flowId: flow.flowId, destinationIds: new Set(["shop"]), attempt: 1, approvalNodes };
    await database.db.transaction((tx) => writeCheckpoint(tx, runId, checkpoint(5), target));
    const set = (await changeSetOf(runId))!;
    expect(set.rules).toEqual({ approverRole: "admin", approvalsRequired: 2, allowPublisher: false, publishedBy: "user-1", timeoutHours: null, timeoutAction: "reject" });
    expect(set.deadlineAt).toBeNull();
    expect((await itemsOf(set.id)).map((i) => [i.key, i.op, i.status, i.decisionSource, i.changedFields, i.appliedAt !== null])).toEqual([
      ["A", "update", "pending", null, ["price"], false],
      ["B", "create", "pending", null, ["sku", "price"], false],
      ["C", "update", "rejected", "auto-reject", [], true],
    ]);
    // The numeric change is stored with the item (the inbox filters and sorts by it); a create has none.
    expect((await itemsOf(set.id)).map((i) => i.numericChanges)).toEqual([{ price: { pct: 400, delta: 4 } }, {}, {}]);
    const rejected = await database.db.select().from(lineage).where(eq(lineage.runId, runId));
    expect(rejected.map((l) => [l.key, l.op, l.outcome, l.detail])).toEqual([["C", "reject", "decided", "rejected by the node's auto-reject rule"]]);

    // A person decides A; the same batch is stored again (a resumed run), with another price.
    await database.db.update(changeSetItems).set({ status: "approved", decisionSource: "person", decidedAt: new Date() }).where(and(eq(changeSetItems.changeSetId, set.id), eq(changeSetItems.key, "A")));
    await database.db.transaction((tx) => writeCheckpoint(tx, runId, checkpoint(7), target));
    const again = await itemsOf(set.id);
    expect(again.map((i) => [i.key, i.status, (i.after as { price?: number } | null)?.price])).toEqual([
      ["A", "approved", 5],
      ["B", "pending", 7],
      ["C", "rejected", undefined],
    ]);
    expect(again[0]!.numericChanges).toEqual({ price: { pct: 400, delta: 4 } });
    expect(await database.db.select().from(changeSets).where(eq(changeSets.runId, runId))).toHaveLength(1);
  });
});

describe("approvals on a real worker", () => {
  let flow: { flowId: string; versionId: string };

  it("a first run holds every new product; approving part resumes and writes exactly those; approving the rest ends the run", async () => {
    await database.pool.query("truncate shop.products, shop.write_log");
    flow = await approvalFlow({ autoApprove: SMALL_MOVES, autoReject: "after.price <= 0", timeoutHours: 48 });
    const runId = await start(flow);
    const run = await settled(runId);
    expect(run.error).toBeNull();
    expect(run.status).toBe("awaiting_approval");
    expect(run.finishedAt).toBeNull();
    expect(run.counts).toEqual({ read: PRODUCTS, written: 0, errors: 0 });
    expect(await shopPrices()).toEqual(new Map());

    const set = (await changeSetOf(runId))!;
    expect(set).toMatchObject({ workspaceId, flowId: flow.flowId, nodeId: "review", status: "pending" });
    expect(set.rules).toEqual({ approverRole: "admin", approvalsRequired: 1, allowPublisher: true, publishedBy: null, timeoutHours: 48, timeoutAction: "expire" });
    const hours = (set.deadlineAt!.getTime() - set.createdAt.getTime()) / 3_600_000;
    expect(hours).toBeCloseTo(48, 2);
    const items = await itemsOf(set.id);
    expect(items).toHaveLength(PRODUCTS);
    expect(items.every((i) => i.status === "pending" && i.op === "create" && i.decisionSource === null && i.appliedAt === null)).toBe(true);
    const first = items.find((i) => i.key === sku(0))!;
    expect(first.before).toBeNull();
    expect(first.after).toEqual(supplier.products[0]);
    expect(first.record).toMatchObject({ ...supplier.products[0], _change: { op: "create", before: null } });

    // Part of them: the 20 first, as a person decides them.
    const part = supplier.products.slice(0, 20).map((p) => p.sku);
    await decide(set.id, part, "approved");
    await applied(set.id, 20);
    const waiting = await settled(runId);
    expect(waiting.status).toBe("awaiting_approval");
    expect(waiting.finishedAt).toBeNull();
    expect([...(await shopPrices()).keys()]).toEqual(part);
    expect((await shopPrices()).get(sku(3))).toBe(price(3) * 2);
    expect(waiting.counts).toEqual({ read: PRODUCTS, written: 20, errors: 0 });

    // The rest: the run is over, the change set decided.
    await decide(set.id, supplier.products.slice(20).map((p) => p.sku), "approved");
    const done = await waitFor("the run to succeed", async () => {
      const row = await runRow(database.db, runId);
      return row.status === "succeeded" ? row : undefined;
    });
    expect(done.finishedAt).not.toBeNull();
    expect(done.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    expect(await shopPrices()).toEqual(new Map(supplier.products.map((p) => [p.sku, p.price * 2])));
    const writes = await writesPerSku();
    expect(writes.size).toBe(PRODUCTS);
    expect([...writes.values()].every((n) => n === 1)).toBe(true);
    expect((await changeSetOf(runId))!).toMatchObject({ status: "decided", decidedAt: expect.any(Date) });
    // Every decision is in the record's lineage, at the approval node.
    const traced = await database.db.select().from(lineage).where(and(eq(lineage.runId, runId), eq(lineage.nodeId, "review")));
    expect(traced).toHaveLength(PRODUCTS);
    expect(traced.every((l) => l.op === "approve" && l.detail === "approved by a person")).toBe(true);
  });

  it("after price changes: small moves pass by the rule, big ones wait, a zero price is refused by the rule; a rejected change is not proposed again until the supplier changes it", async () => {
    await database.pool.query("truncate shop.write_log");
    const small = 0, big = 1, bigger = 2, zero = 3;
    setPrice(small, Math.round(price(small) * 105) / 100);
    setPrice(big, Math.round(price(big) * 150) / 100);
    setPrice(bigger, Math.round(price(bigger) * 160) / 100);
    setPrice(zero, 0);
    const runId = await start(flow);
    const run = await settled(runId);
    expect(run.status).toBe("awaiting_approval");
    const set = (await changeSetOf(runId))!;
    const items = await itemsOf(set.id);
    const byKey = new Map(items.map((i) => [i.key, i]));
    expect(items).toHaveLength(4);
    expect(byKey.get(sku(small))).toMatchObject({ op: "update", status: "approved", decisionSource: "auto-approve", changedFields: ["price", "updated_at"] });
    expect(byKey.get(sku(small))!.appliedAt).not.toBeNull();
    expect(byKey.get(sku(zero))).toMatchObject({ status: "rejected", decisionSource: "auto-reject" });
    expect(byKey.get(sku(zero))!.appliedAt).not.toBeNull();
    expect(byKey.get(sku(big))).toMatchObject({ status: "pending", op: "update", after: expect.objectContaining({ price: price(big) }) });
    expect((byKey.get(sku(big))!.before as { price: number }).price).not.toBe(price(big));
    expect(byKey.get(sku(bigger))!.status).toBe("pending");
    // What the rules decided went its way at once.
    let shop = await shopPrices();
    expect(shop.get(sku(small))).toBe(price(small) * 2);
    expect(shop.get(sku(zero))).not.toBe(0);
    expect(shop.get(sku(big))).not.toBe(price(big) * 2);

    await decide(set.id, [sku(big)], "rejected");
    await decide(set.id, [sku(bigger)], "approved");
    const done = await waitFor("the run to succeed", async () => {
      const row = await runRow(database.db, runId);
      return row.status === "succeeded" ? row : undefined;
    });
    expect(done.error).toBeNull();
    shop = await shopPrices();
    expect(shop.get(sku(bigger))).toBe(price(bigger) * 2);
    expect(shop.get(sku(big))).not.toBe(price(big) * 2);
    expect([...(await writesPerSku()).keys()].sort()).toEqual([sku(small), sku(bigger)].sort());
    const traced = await database.db.select().from(lineage).where(and(eq(lineage.runId, runId), eq(lineage.nodeId, "review"))).orderBy(asc(lineage.key));
    expect(traced.map((l) => [l.key, l.op, l.outcome])).toEqual(
      [
        [sku(small), "approve", "decided"],
        [sku(big), "reject", "decided"],
        [sku(bigger), "approve", "decided"],
        [sku(zero), "reject", "decided"],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );

    // Nothing changed at the supplier: nothing is proposed, the rejected change included.
    const quiet = await settled(await start(flow));
    expect(quiet.status).toBe("succeeded");
    expect(await changeSetOf(quiet.id)).toBeUndefined();

    // The supplier changes the rejected product again: it is proposed again.
    setPrice(big, Math.round(price(big) * 130) / 100);
    const again = await settled(await start(flow));
    expect(again.status).toBe("awaiting_approval");
    const proposed = await itemsOf((await changeSetOf(again.id))!.id);
    expect(proposed.map((i) => [i.key, i.status])).toEqual([[sku(big), "pending"]]);

    // Its deadline passes: the timeout action (approve, in this change set's rules) applies, decided by "timeout".
    const set2 = (await changeSetOf(again.id))!;
    await database.db.update(changeSets).set({ deadlineAt: new Date(Date.now() - 1000), rules: { ...set2.rules, timeoutAction: "approve" } }).where(eq(changeSets.id, set2.id));
    expect(await applyApprovalTimeouts(database.db)).toEqual([{ changeSetId: set2.id, items: 1 }]);
    const timedOut = await waitFor("the run to succeed", async () => {
      const row = await runRow(database.db, again.id);
      return row.status === "succeeded" ? row : undefined;
    });
    expect(timedOut.finishedAt).not.toBeNull();
    expect((await itemsOf(set2.id))[0]).toMatchObject({ status: "approved", decisionSource: "timeout", appliedAt: expect.any(Date) });
    expect((await shopPrices()).get(sku(big))).toBe(price(big) * 2);
    // Applied once: a second sweep finds nothing to do.
    expect(await applyApprovalTimeouts(database.db)).toEqual([]);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.targetId, set2.id));
    expect(audit).toEqual([expect.objectContaining({ workspaceId, actorId: null, action: "changeSet.timeout", targetType: "changeSet", details: { decided: 1, timeoutAction: "approve" } })]);
  });

  it("timeout actions: expire leaves the shop alone and ends the run; reject sends nothing; a change set before its deadline is left waiting", async () => {
    const expire = 4, reject = 5, early = 6;
    for (const i of [expire, reject, early]) setPrice(i, Math.round(price(i) * 200) / 100);
    const before = await shopPrices();
    const runId = await start(flow);
    expect((await settled(runId)).status).toBe("awaiting_approval");
    const set = (await changeSetOf(runId))!;
    expect((await itemsOf(set.id)).map((i) => i.key)).toEqual([sku(expire), sku(reject), sku(early)].sort());
    // Not yet due: nothing happens.
    expect(await applyApprovalTimeouts(database.db)).toEqual([]);
    expect(await applyApprovalTimeouts(database.db, { now: new Date(Date.now() + 47 * 3_600_000) })).toEqual([]);
    // Past its 48 hours: the default action, expire.
    expect(await applyApprovalTimeouts(database.db, { now: new Date(Date.now() + 49 * 3_600_000) })).toEqual([{ changeSetId: set.id, items: 3 }]);
    const done = await waitFor("the run to succeed", async () => {
      const row = await runRow(database.db, runId);
      return row.status === "succeeded" ? row : undefined;
    });
    expect(done.counts).toMatchObject({ read: PRODUCTS });
    const items = await itemsOf(set.id);
    expect(items.every((i) => i.status === "expired" && i.decisionSource === "timeout" && i.appliedAt !== null)).toBe(true);
    expect(await shopPrices()).toEqual(before);
    const traced = await database.db.select().from(lineage).where(and(eq(lineage.runId, runId), eq(lineage.nodeId, "review")));
    expect(traced.map((l) => l.op)).toEqual(["expire", "expire", "expire"]);
    expect(traced[0]!.detail).toBe("expired: nobody decided before the deadline");

    // Reject as the action: the items are rejected, nothing is written.
    setPrice(reject, Math.round(price(reject) * 150) / 100);
    const second = await start(flow);
    expect((await settled(second)).status).toBe("awaiting_approval");
    const set2 = (await changeSetOf(second))!;
    await database.db.update(changeSets).set({ rules: { ...set2.rules, timeoutAction: "reject" } }).where(eq(changeSets.id, set2.id));
    await applyApprovalTimeouts(database.db, { now: new Date(Date.now() + 49 * 3_600_000) });
    await waitFor("the run to succeed", async () => ((await runRow(database.db, second)).status === "succeeded" ? true : undefined));
    expect((await itemsOf(set2.id)).map((i) => [i.status, i.decisionSource])).toEqual([["rejected", "timeout"]]);
    expect(await shopPrices()).toEqual(before);
  });

  it("an auto-reject rule refuses at once: what it refuses leaves by the rejected port and the run does not wait", async () => {
    const refusing = await approvalFlow({ autoReject: "true" });
    await database.pool.query("truncate shop.write_log");
    const runId = await start(refusing);
    const run = await settled(runId);
    expect(run.status).toBe("succeeded");
    const set = (await changeSetOf(runId))!;
    expect(set.status).toBe("decided");
    const items = await itemsOf(set.id);
    expect(items).toHaveLength(PRODUCTS);
    expect(items.every((i) => i.status === "rejected" && i.decisionSource === "auto-reject" && i.appliedAt !== null)).toBe(true);
    expect(await writesPerSku()).toEqual(new Map());
  });

  it("tells a chat tool that changes wait, through the notification webhook; a webhook that fails does not fail the run", async () => {
    const chat = await startWebhookReceiver("/hooks/approvals");
    const { received } = chat;
    try {
      const notifying = await approvalFlow({ notifyWebhookUrl: chat.url });
      const runId = await start(notifying);
      expect((await settled(runId)).status).toBe("awaiting_approval");
      const set = (await changeSetOf(runId))!;
      // The notice is sent once the run waits (after its transaction): it arrives a moment later.
      await waitFor("the notice", async () => (received.length >= 1 ? true : undefined), 10_000);
      expect(received).toEqual([{ body: { text: `Prices with approval: ${PRODUCTS} changes wait for approval: ${TEST_APP_URL}/approvals/${set.id}` }, type: expect.stringMatching(/^application\/json/) }]);

      // The chat tool answers 500: logged, and the run waits for approval all the same.
      chat.answer(500);
      setPrice(7, Math.round(price(7) * 300) / 100);
      const second = await start(notifying);
      expect((await settled(second)).status).toBe("awaiting_approval");
      await waitFor("the second notice", async () => (received.length >= 2 ? true : undefined), 10_000);
      expect(received).toHaveLength(2);
      expect(received[1]!.body).toEqual({ text: `Prices with approval: 1 change waits for approval: ${TEST_APP_URL}/approvals/${(await changeSetOf(second))!.id}` });
    } finally {
      await chat.close();
    }
  });

  it("decisions made while the run still reads its source are sent on once it is through", async () => {
    await database.pool.query("truncate shop.products, shop.write_log");
    const slow = await approvalFlow({});
    supplier.setFault({ kind: "latency", ms: 400 });
    try {
      const runId = await start(slow);
      const set = await waitFor("the first held items", async () => {
        const found = await changeSetOf(runId);
        return found && (await itemsOf(found.id)).length > 0 ? found : undefined;
      });
      expect((await runRow(database.db, runId)).status).toBe("running");
      const early = (await itemsOf(set.id)).map((i) => i.key);
      await decide(set.id, early, "approved");
      supplier.setFault(null);
      const waiting = await waitFor("the early decisions to be sent on", async () => {
        const row = await runRow(database.db, runId);
        const items = await itemsOf(set.id);
        return row.status === "awaiting_approval" && items.filter((i) => i.appliedAt).length === early.length ? items : undefined;
      });
      expect(waiting).toHaveLength(PRODUCTS);
      expect([...(await shopPrices()).keys()].sort()).toEqual([...early].sort());
    } finally {
      supplier.setFault(null);
    }
  });

  it("a run that fails with changes waiting closes its change set: what waits expires (in the lineage), the inbox has nothing left to decide", async () => {
    const flow = await approvalFlow({});
    await database.pool.query("truncate shop.write_log");
    // The first page is read and held; the second is gone (a 404 is no transient failure).
    supplier.setFault({ kind: "status", status: 404, after: 1 });
    let failed: Awaited<ReturnType<typeof settled>>;
    try {
      failed = await settled(await start(flow));
    } finally {
      supplier.setFault(null);
    }
    expect(failed.status).toBe("failed");
    const set = (await changeSetOf(failed.id))!;
    expect(set.status).toBe("decided");
    const items = await itemsOf(set.id);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.status === "expired" && i.decisionSource === "run-ended" && i.appliedAt !== null)).toBe(true);
    const traced = await database.db.select().from(lineage).where(and(eq(lineage.runId, failed.id), eq(lineage.nodeId, "review")));
    expect(traced).toHaveLength(items.length);
    expect(new Set(traced.map((l) => l.detail))).toEqual(new Set(["expired: the run ended before anyone decided"]));
    expect(await writesPerSku()).toEqual(new Map());

    // A run ended where nothing closed its change set (as sweep-runs fails a run whose workers keep dying): the sweep does.
    const waiting = await settled(await start(flow));
    expect(waiting.status).toBe("awaiting_approval");
    await database.db.update(runs).set({ status: "failed", finishedAt: new Date() }).where(eq(runs.id, waiting.id));
    expect((await changeSetOf(waiting.id))!.status).toBe("pending");
    await createSweepRunsTask({ db: database.db, log: silentLog })({}, {} as never);
    expect((await changeSetOf(waiting.id))!.status).toBe("decided");
    expect(new Set((await itemsOf((await changeSetOf(waiting.id))!.id)).map((i) => i.decisionSource))).toEqual(new Set(["run-ended"]));
  });

  it("a worker that stops mid-resume (its checkpoint refused) is replaced; the new worker takes the items not yet applied, losing and doubling nothing", async () => {
    await database.pool.query("truncate shop.products, shop.write_log");
    const fresh = await approvalFlow({});
    const runId = await start(fresh);
    expect((await settled(runId)).status).toBe("awaiting_approval");
    const set = (await changeSetOf(runId))!;
    const { batchIndex } = await runRow(database.db, runId);
    // The second batch of the resume (batch index after the run's own three) cannot be checkpointed, once.
    const undo = await failCheckpointOnce(database.pool, batchIndex + 2);
    try {
      await decide(set.id, supplier.products.map((p) => p.sku), "approved");
      await waitFor("the first resume batch, then the refused one", async () => {
        const items = await itemsOf(set.id);
        const row = await runRow(database.db, runId);
        return items.filter((i) => i.appliedAt).length === BATCH && row.status === "awaiting_approval" ? true : undefined;
      });
      await worker.stop();
      worker = await startTestWorker({ db: database.db, pool: database.pool, secrets, heartbeatMs: 200 });
      const done = await waitFor(
        "the run to succeed on the new worker",
        async () => {
          const row = await runRow(database.db, runId);
          return row.status === "succeeded" ? row : undefined;
        },
        45_000,
      );
      expect(done.counts).toEqual({ read: PRODUCTS, written: PRODUCTS, errors: 0 });
    } finally {
      await undo();
    }
    const items = await itemsOf(set.id);
    expect(items.every((i) => i.appliedAt !== null)).toBe(true);
    expect(await shopPrices()).toEqual(new Map(supplier.products.map((p) => [p.sku, p.price * 2])));
    const writes = await writesPerSku();
    expect(writes.size).toBe(PRODUCTS);
    expect([...writes.values()].filter((n) => n !== 1)).toEqual([]);
    // One approval per key in the lineage, and no key twice at the shop: the refused batch's entries were rolled back with it
    // (its writes had reached the shop, so the new worker found them unchanged, and unchanged records leave no lineage).
    const traced = await database.db.select().from(lineage).where(and(eq(lineage.runId, runId), eq(lineage.nodeId, "review")));
    expect(traced).toHaveLength(PRODUCTS);
    expect(new Set(traced.map((l) => l.key)).size).toBe(PRODUCTS);
    const atShop = await database.db.select().from(lineage).where(and(eq(lineage.runId, runId), eq(lineage.nodeId, "shop")));
    expect(atShop.length).toBeGreaterThan(0);
    expect(new Set(atShop.map((l) => l.key)).size).toBe(atShop.length);
    expect((await database.db.select().from(runs).where(eq(runs.id, runId)))[0]!.status).toBe("succeeded");
  });
});
