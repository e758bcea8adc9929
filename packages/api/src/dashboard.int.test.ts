import { alerts, flowSchedules, newId, runs, type RunStatus } from "@flowgate/db";
import { installWorkerSchema } from "@flowgate/runtime/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtureFlow } from "./fixtures";
import { summary } from "./services/dashboard";
import type { Scope } from "./services/scope";
import { createTestApi, type TestUser } from "./testing";

/**
 * dashboard.summary over runs as workers leave them (inserted here with known creation and end
 * times; no worker runs in this file), at a fixed "now" for the buckets.
 */

let api: Awaited<ReturnType<typeof createTestApi>>;
let owner: TestUser;
let stranger: TestUser;
let scope: Scope;
const NOW = new Date("2025-03-10T12:30:00Z");

beforeAll(async () => {
  api = await createTestApi();
  await installWorkerSchema(api.database.pool);
  owner = await api.signUp("Olive");
  stranger = await api.signUp("Sam");
  scope = { db: api.database.db, workspaceId: owner.workspaceId, userId: owner.id, role: "owner", secrets: api.deps.secrets, registry: api.deps.registry };
});

afterAll(async () => {
  await api?.dispose();
});

async function publishedFlow(user: TestUser, name: string) {
  const { id: flowId } = await user.caller.flows.create({ name });
  await user.caller.flows.saveDraft({ flowId, document: validFixtureFlow(), baseRevision: 0 });
  const { versionId } = await user.caller.flows.publish({ flowId });
  return { flowId, versionId, workspaceId: user.workspaceId };
}

/** A run as a worker leaves it: created at `created`, ended at `ended` (when given) with `written` records. */
async function run(
  flow: { flowId: string; versionId: string; workspaceId: string },
  status: RunStatus,
  created: string,
  ended?: string,
  extra: { written?: number; error?: string } = {},
) {
  const id = newId();
  await api.database.db.insert(runs).values({
    id,
    workspaceId: flow.workspaceId,
    flowId: flow.flowId,
    flowVersionId: flow.versionId,
    trigger: "schedule",
    status,
    counts: { read: extra.written ?? 0, written: extra.written ?? 0, errors: 0 },
    error: extra.error ? { message: extra.error, nodeId: "write" } : null,
    createdAt: new Date(created),
    startedAt: new Date(created),
    finishedAt: ended ? new Date(ended) : null,
  });
  return id;
}

describe("dashboard.summary", () => {
  it("counts the runs that ended in each hour and day, every bucket present, with totals, failing flows, next runs, approvals and alerts", async () => {
    const prices = await publishedFlow(owner, "Prices");
    const stock = await publishedFlow(owner, "Stock");
    const orders = await publishedFlow(owner, "Orders");
    const theirs = await publishedFlow(stranger, "Not ours");

    // Prices: a success, then two failures in a row, then a cancelled run (which says nothing either way), then one queued.
    await run(prices, "succeeded", "2025-03-10T12:00:00Z", "2025-03-10T12:10:00Z", { written: 100 });
    await run(prices, "failed", "2025-03-10T11:00:00Z", "2025-03-10T11:20:00Z", { error: "older failure" });
    const pricesFailed = await run(prices, "failed", "2025-03-10T12:15:00Z", "2025-03-10T12:20:00Z", { error: "HTTP 503 from the shop" });
    await run(prices, "failed", "2025-03-10T12:12:00Z", "2025-03-10T12:14:00Z", { error: "HTTP 500 from the shop" });
    await run(prices, "cancelled", "2025-03-10T12:21:00Z", "2025-03-10T12:22:00Z");
    await run(prices, "queued", "2025-03-10T12:29:00Z");
    // Stock: failed, then succeeded with errors: recovered.
    await run(stock, "failed", "2025-03-10T09:00:00Z", "2025-03-10T09:01:00Z", { error: "timeout" });
    await run(stock, "succeeded_with_errors", "2025-03-10T11:40:00Z", "2025-03-10T11:50:00Z", { written: 40 });
    await run(stock, "running", "2025-03-10T12:25:00Z");
    // Orders: never succeeded, one failure; plus runs that ended a day ago and before the week.
    const ordersFailed = await run(orders, "failed", "2025-03-09T12:00:00Z", "2025-03-09T12:59:59Z", { error: "bad mapping" });
    await run(orders, "cancelled", "2025-03-03T23:00:00Z", "2025-03-03T23:59:59Z");
    // Another workspace's runs count nowhere.
    await run(theirs, "failed", "2025-03-10T12:00:00Z", "2025-03-10T12:01:00Z", { error: "theirs" });
    await run(theirs, "running", "2025-03-10T12:00:00Z");

    await api.database.db.insert(flowSchedules).values([
      { flowId: orders.flowId, workspaceId: owner.workspaceId, flowVersionId: orders.versionId, nextRunAt: new Date("2025-03-10T13:00:00Z") },
      { flowId: prices.flowId, workspaceId: owner.workspaceId, flowVersionId: prices.versionId, nextRunAt: new Date("2025-03-10T12:45:00Z") },
      { flowId: theirs.flowId, workspaceId: stranger.workspaceId, flowVersionId: theirs.versionId, nextRunAt: new Date("2025-03-10T12:31:00Z") },
    ]);
    const alert = (workspaceId: string, flowId: string, status: "open" | "resolved") => ({
      id: newId(),
      workspaceId,
      flowId,
      kind: "run_failed" as const,
      status,
      title: "failed",
      message: "failed",
    });
    await api.database.db.insert(alerts).values([alert(owner.workspaceId, prices.flowId, "open"), alert(owner.workspaceId, stock.flowId, "resolved"), alert(stranger.workspaceId, theirs.flowId, "open")]);
    const rules = { approverRole: "admin", approvalsRequired: 1, allowPublisher: true, publishedBy: owner.id, timeoutHours: null, timeoutAction: "expire" };
    await api.database.pool.query("insert into change_sets (id, workspace_id, flow_id, run_id, node_id, rules) values ('cs-1', $1, $2, $3, 'cheap', $4)", [
      owner.workspaceId,
      prices.flowId,
      pricesFailed,
      rules,
    ]);
    await api.database.pool.query(
      `insert into change_set_items (change_set_id, key, op, before, after, changed_fields, record)
       select 'cs-1', 'SKU-' || i, 'update', '{"price": 1}', '{"price": 2}', '{price}', '{"price": 2}' from generate_series(1, 3) i`,
    );

    const day = await summary(scope, "24h", NOW);
    expect(day.buckets).toHaveLength(24);
    expect(day.buckets[0]!.at).toBe("2025-03-09T13:00:00.000Z");
    expect(day.buckets[23]!.at).toBe("2025-03-10T12:00:00.000Z");
    const nonZero = day.buckets.filter((b) => b.succeeded + b.failed + b.other > 0);
    expect(nonZero).toEqual([
      { at: "2025-03-10T09:00:00.000Z", succeeded: 0, failed: 1, other: 0 },
      { at: "2025-03-10T11:00:00.000Z", succeeded: 1, failed: 1, other: 0 },
      { at: "2025-03-10T12:00:00.000Z", succeeded: 1, failed: 2, other: 1 },
    ]);
    expect(day.totals).toEqual({ runs: 7, succeeded: 2, failed: 4, recordsSynced: 140, runningNow: 1 });
    expect(day.failingFlows).toEqual([
      { flowId: prices.flowId, flowName: "Prices", lastRunId: pricesFailed, failedAt: "2025-03-10T12:20:00.000Z", message: "HTTP 503 from the shop", failuresInARow: 2 },
      { flowId: orders.flowId, flowName: "Orders", lastRunId: ordersFailed, failedAt: "2025-03-09T12:59:59.000Z", message: "bad mapping", failuresInARow: 1 },
    ]);
    expect(day.nextRuns).toEqual([
      { flowId: prices.flowId, flowName: "Prices", at: "2025-03-10T12:45:00.000Z" },
      { flowId: orders.flowId, flowName: "Orders", at: "2025-03-10T13:00:00.000Z" },
    ]);
    expect(day.pendingApprovals).toEqual({ changeSets: 1, items: 3 });
    expect(day.openAlerts).toBe(1);

    const week = await summary(scope, "7d", NOW);
    expect(week.buckets.map((b) => b.at)).toEqual(["04", "05", "06", "07", "08", "09", "10"].map((d) => `2025-03-${d}T00:00:00.000Z`));
    expect(week.buckets.map((b) => [b.succeeded, b.failed, b.other])).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0], [0, 1, 0], [2, 4, 1]]);
    expect(week.totals).toMatchObject({ runs: 8, succeeded: 2, failed: 5, recordsSynced: 140 });

    // A success of Orders takes it off the list; Prices stays.
    await run(orders, "succeeded", "2025-03-10T12:26:00Z", "2025-03-10T12:27:00Z");
    expect((await summary(scope, "24h", NOW)).failingFlows.map((f) => f.flowName)).toEqual(["Prices"]);
  });

  it("answers through the router for the caller's workspace, with every bucket, now", async () => {
    const result = await stranger.caller.dashboard.summary({ range: "24h" });
    expect(result.buckets).toHaveLength(24);
    expect(Date.parse(result.buckets[23]!.at)).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(result.buckets[23]!.at)).toBeLessThan(3_600_000);
    expect(result.failingFlows.map((f) => f.flowName)).toEqual(["Not ours"]);
    expect(result.totals.runningNow).toBe(1);
    expect(result.openAlerts).toBe(1);
    expect((await stranger.caller.dashboard.summary({ range: "7d" })).buckets).toHaveLength(7);
  });
});
