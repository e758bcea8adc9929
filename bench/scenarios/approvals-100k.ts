/**
 * approvals-100k: a change set of 100,000 items is created at ≥20k items/s (the runtime's checkpoint
 * write of held records), its pages answer in ≤300 ms (p95 server time of approvals.items, filtered
 * and sorted as the inbox asks), and approving all of them applies at ≥20k items/s (approvals.decide
 * by filter: items, audit, lineage and the resume job in one transaction).
 */
import { decide, listItems } from "@flowgate/api/services/approvals";
import { members, newId, runs, users } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { approvalNodesOf, writeHeldItems } from "@flowgate/runtime";
import { percentile, startBenchRuntime, BENCH_SECRET } from "../lib/runtime";
import { peakRssMb, report } from "../scenario";

const ITEMS = 100_000;
const BATCH = 1000;
const PAGE_ROUNDS = 10;

const runtime = await startBenchRuntime("approvals-100k");
try {
  const { db, workspaceId } = runtime;
  const userId = newId();
  await db.insert(users).values({ id: userId, name: "Bench Admin", email: "admin@bench.test" });
  await db.insert(members).values({ id: newId(), organizationId: workspaceId, userId, role: "admin" });
  const document = {
    schemaVersion: 1,
    nodes: [
      { id: "start", kind: "trigger.manual", kindVersion: 1, label: "Start", position: { x: 0, y: 0 }, config: {} },
      { id: "review", kind: "approval.review", kindVersion: 1, label: "Price changes", position: { x: 260, y: 0 }, config: { keyField: "sku" } },
    ],
    edges: [{ id: "e1", source: "start", sourcePort: "out", target: "review", targetPort: "in" }],
    settings: { batchSize: BATCH, timezone: "UTC" },
  };
  const { flowId, versionId } = await runtime.publish("Approvals bench", document);
  const runId = newId();
  await db.insert(runs).values({ id: runId, workspaceId, flowId, flowVersionId: versionId, trigger: "manual", status: "running" });
  const approvalNodes = approvalNodesOf(document as never, null);

  // Creating: 100 checkpoints of 1,000 held records each, as run-flow stores them.
  const names = ["Oak Notebook", "Ceramic Kettle", "Bamboo Lamp", "Steel Bottle", "Linen Towel"];
  const createStart = performance.now();
  for (let b = 0; b < ITEMS / BATCH; b++) {
    const held = Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      const sku = `SKU-${String(n).padStart(7, "0")}`;
      const before = { sku, name: `${names[n % names.length]} ${n}`, price: 10 + (n % 500), stock: n % 100 };
      const after = { ...before, price: Math.round(before.price * (1 + ((n % 41) - 20) / 100) * 100) / 100 };
      return { nodeId: "review", index: i, key: sku, op: "update" as const, before, after, changedFields: ["price"], record: after, batchIndex: b };
    });
    await db.transaction((tx) => writeHeldItems(tx as never, runId, held as never, { workspaceId, flowId, approvalNodes }));
  }
  const createSeconds = (performance.now() - createStart) / 1000;
  const [{ changeSetId }] = (await runtime.postgres.pool.query<{ changeSetId: string }>(`select id as "changeSetId" from change_sets where run_id = $1`, [runId])).rows as [
    { changeSetId: string },
  ];
  await runtime.postgres.pool.query("analyze change_set_items");

  const scope = { db, workspaceId, userId, role: "admin" as const, secrets: createSecretBox(BENCH_SECRET), registry: kindRegistry };

  // Pages: what the inbox asks, each PAGE_ROUNDS times.
  const page = async (input: Record<string, unknown>) => {
    const start = performance.now();
    const result = (await listItems(scope, { changeSetId, filter: {}, sort: "id", limit: 100, ...input } as never)) as { nextCursor: string | null; total: number };
    return { ms: performance.now() - start, result };
  };
  const pageTimes: number[] = [];
  const kinds: Record<string, number[]> = {};
  const asks: [string, Record<string, unknown>][] = [
    ["first page", {}],
    ["pending, by key", { filter: { status: "pending" }, sort: "key" }],
    ["price change ≥ 20 %, biggest first", { filter: { status: "pending", numeric: { field: "price", minPercent: 20 } }, sort: "change", sortField: "price" }],
    ["text “Kettle”", { filter: { text: "Kettle" } }],
    ["changed field price, op update", { filter: { changedField: "price", op: "update" } }],
  ];
  for (let round = 0; round < PAGE_ROUNDS; round++) {
    for (const [name, ask] of asks) {
      const first = await page(ask);
      const second = first.result.nextCursor ? await page({ ...ask, cursor: first.result.nextCursor }) : first;
      for (const ms of [first.ms, second.ms]) {
        pageTimes.push(ms);
        (kinds[name] ??= []).push(ms);
      }
    }
  }
  const pageP95 = percentile(pageTimes, 95);

  // Approving all of them: one decision by filter.
  const decideStart = performance.now();
  const decided = (await decide(scope, { changeSetId, decision: "approve", filter: {} } as never)) as { decided: number };
  const decideSeconds = (performance.now() - decideStart) / 1000;
  if (decided.decided !== ITEMS) throw new Error(`decide approved ${decided.decided} of ${ITEMS}`);
  const [{ approved }] = (await runtime.postgres.pool.query<{ approved: number }>(`select count(*)::int as approved from change_set_items where change_set_id = $1 and status = 'approved'`, [changeSetId])).rows as [
    { approved: number },
  ];
  if (approved !== ITEMS) throw new Error(`${approved} of ${ITEMS} items are approved in PostgreSQL`);

  const createRate = ITEMS / createSeconds;
  const decideRate = ITEMS / decideSeconds;
  const met = createRate >= 20_000 && pageP95 <= 300 && decideRate >= 20_000;
  const r = (n: number) => Math.round(n);
  report({
    scenario: "approvals-100k",
    what:
      `A change set of ${ITEMS.toLocaleString("en")} price updates on the embedded PostgreSQL: created by the runtime's writeHeldItems in ${ITEMS / BATCH} checkpoints of ${BATCH} (as run-flow stores what an approval node holds); ` +
      `then approvals.items (the service behind the inbox, server time) for ${asks.length} kinds of page, first and second page each, ${PAGE_ROUNDS} rounds; then approvals.decide approving all of them by filter (items, audit row, lineage rows and the resume job in one transaction). ` +
      `Records/s is the creation rate.`,
    records: ITEMS,
    seconds: createSeconds,
    recordsPerSecond: createRate,
    peakRssMb: peakRssMb(),
    goal: "created ≥20k items/s; pages p95 ≤300 ms; approving all ≥20k items/s",
    met,
    notes: [
      `Created ${r(createRate).toLocaleString("en")} items/s (${createSeconds.toFixed(2)} s).`,
      `Pages: p50 ${r(percentile(pageTimes, 50))} ms, p95 ${r(pageP95)} ms over ${pageTimes.length}; by kind (p95): ${Object.entries(kinds)
        .map(([name, times]) => `${name} ${r(percentile(times, 95))} ms`)
        .join("; ")}.`,
      `Approving all: ${r(decideRate).toLocaleString("en")} items/s (${decideSeconds.toFixed(2)} s), ${approved.toLocaleString("en")} approved in PostgreSQL.`,
      ...(createRate >= 20_000 ? [] : [`Creation goal missed: ${r(createRate)} items/s.`]),
      ...(pageP95 <= 300 ? [] : [`Page goal missed: p95 ${r(pageP95)} ms.`]),
      ...(decideRate >= 20_000 ? [] : [`Approval goal missed: ${r(decideRate)} items/s.`]),
    ],
  });
} finally {
  await runtime.close();
}
