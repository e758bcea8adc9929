/**
 * history-1m: with 1,000,000 runs (50 flows, mixed statuses and triggers, created over 90 days) and
 * 100,000 dead letters (50,000 on one run) seeded, the runs page and a run's errors tab answer in
 * ≤300 ms (p95 server time of the services behind runs.list and runs.errors, as the pages ask), and so
 * does the dashboard (dashboard.summary, 24 hours and 7 days).
 */
import { summary } from "@flowgate/api/services/dashboard";
import { listRuns, runErrors, type ListRunsInput } from "@flowgate/api/services/runs";
import { members, newId, users } from "@flowgate/db";
import { createSecretBox } from "@flowgate/db/crypto";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { percentile, startBenchRuntime, BENCH_SECRET } from "../lib/runtime";
import { peakRssMb, report } from "../scenario";

const RUNS = 1_000_000;
const FLOWS = 50;
const DEAD_LETTERS = 100_000;
const BIG_RUN_LETTERS = 50_000;
const ROUNDS = 20;
const GOAL_MS = 300;

const runtime = await startBenchRuntime("history-1m");
try {
  const { db, workspaceId } = runtime;
  const pool = runtime.postgres.pool;
  const userId = newId();
  await db.insert(users).values({ id: userId, name: "Bench Admin", email: "admin@bench.test" });
  await db.insert(members).values({ id: newId(), organizationId: workspaceId, userId, role: "owner" });
  const document = {
    schemaVersion: 1,
    nodes: [{ id: "start", kind: "trigger.manual", kindVersion: 1, label: "Start", position: { x: 0, y: 0 }, config: {} }],
    edges: [],
    settings: { batchSize: 1000, timezone: "UTC" },
  };
  // Five kinds of flow, ten of each: "Warehouse stock 07" is one flow, "stock" ten.
  const topics = ["Supplier prices", "Warehouse stock", "Shop orders", "Customer sync", "Invoice export"];
  const flows: { flowId: string; versionId: string; name: string }[] = [];
  for (let i = 0; i < FLOWS; i++) {
    const name = `${topics[i % topics.length]} ${String(Math.floor(i / topics.length) + 1).padStart(2, "0")}`;
    flows.push({ ...(await runtime.publish(name, document)), name });
  }

  // Seeding, in SQL: runs spread evenly over 90 days up to a quarter of an hour ago, a flow, a
  // status and a trigger drawn at random (seeded); the newest three still running, and one in
  // 100,000 waiting for approval (the rare filter).
  const seedStart = performance.now();
  await pool.query("select setseed(0.42)");
  await pool.query(
    `insert into runs (id, workspace_id, flow_id, flow_version_id, trigger, status, attempt, counts, error, started_at, finished_at, created_at)
     select gen_random_uuid()::text, $1, ($2::text[])[1 + g.f], ($3::text[])[1 + g.f], g.trigger, g.status, 1,
       jsonb_build_object('read', g.records, 'written', case when g.status = 'failed' then 0 else g.records - g.errors end, 'errors', g.errors),
       case when g.status = 'failed' then jsonb_build_object('message', 'PUT https://shop.example.com/products/SKU-1 answered 503: Service unavailable. Retry later.', 'nodeId', 'write') end,
       g.created + interval '1 second',
       case when g.status in ('running', 'awaiting_approval') then null else g.created + g.duration end,
       g.created
     from (
       select i, floor(random() * $4)::int as f,
         (array['schedule', 'schedule', 'schedule', 'manual', 'webhook'])[1 + floor(random() * 5)::int] as trigger,
         case when i > $5 - 3 then 'running'
              when i % 100000 = 0 then 'awaiting_approval'
              else (array['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded_with_errors', 'failed', 'cancelled'])[1 + floor(random() * 10)::int]
         end as status,
         now() - interval '90 days' - interval '15 minutes' + i * (interval '90 days' / $5) as created,
         (5 + random() * 600) * interval '1 second' as duration,
         floor(random() * 5000)::int as records,
         floor(random() * 20)::int as errors
       from generate_series(1, $5) as i
     ) g`,
    [workspaceId, flows.map((f) => f.flowId), flows.map((f) => f.versionId), FLOWS, RUNS],
  );
  // Dead letters: 50,000 on the newest run that succeeded with errors, 5,000 on each of the next
  // nine, and one each on 5,000 more.
  const { rows: withErrors } = await pool.query<{ id: string }>(
    `select id from runs where workspace_id = $1 and status = 'succeeded_with_errors' order by created_at desc limit $2`,
    [workspaceId, 10 + 5_000],
  );
  const bigRunId = withErrors[0]!.id;
  const letters = (runIds: string[], each: number) =>
    pool.query(
      `insert into record_errors (run_id, node_id, batch_index, record_index, key, message, record)
       select r.id, 'write', i / 1000, i % 1000, 'SKU-' || lpad(i::text, 6, '0'), 'PUT /products/SKU-' || i || ' answered 422: price must be positive',
         jsonb_build_object('sku', 'SKU-' || lpad(i::text, 6, '0'), 'name', 'Oak Notebook ' || i, 'price', -1 - i % 50, 'stock', i % 100)
       from unnest($1::text[]) as r(id), generate_series(0, $2 - 1) as i`,
      [runIds, each],
    );
  await letters([bigRunId], BIG_RUN_LETTERS);
  await letters(withErrors.slice(1, 10).map((r) => r.id), 5_000);
  await letters(withErrors.slice(10).map((r) => r.id), 1);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  await pool.query("vacuum analyze runs");
  await pool.query("vacuum analyze record_errors");
  const [{ runs: seededRuns, letters: seededLetters }] = (
    await pool.query<{ runs: number; letters: number }>(`select (select count(*)::int from runs) as runs, (select count(*)::int from record_errors) as letters`)
  ).rows as [{ runs: number; letters: number }];
  if (seededRuns !== RUNS || seededLetters !== DEAD_LETTERS) throw new Error(`seeded ${seededRuns} runs and ${seededLetters} dead letters`);

  const scope = { db, workspaceId, userId, role: "owner" as const, secrets: createSecretBox(BENCH_SECRET), registry: kindRegistry };
  const timed = async <T>(fn: () => Promise<T>) => {
    const start = performance.now();
    const value = await fn();
    return { ms: performance.now() - start, value };
  };
  const list = (input: Partial<ListRunsInput>) => listRuns(scope, { limit: 50, ...input });

  // The cursors of the 2nd and 20th pages, found once (not timed).
  let cursor: string | null = null;
  const cursors: string[] = [];
  for (let page = 1; page < 20; page++) {
    cursor = (await list(cursor ? { cursor } : {})).nextCursor;
    if (!cursor) throw new Error(`the run list ended after ${page} pages`);
    cursors.push(cursor);
  }
  const { rows: deep } = await pool.query<{ id: string }>(`select id::text from record_errors where run_id = $1 order by id offset 45000 limit 1`, [bigRunId]);
  const someRunId = withErrors[42]!.id;
  const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
  const oneFlow = flows[7]!;

  const asks: [string, "runs" | "errors" | "dashboard", () => Promise<unknown>][] = [
    ["runs: first page", "runs", () => list({})],
    ["runs: one flow", "runs", () => list({ flowId: oneFlow.flowId })],
    ["runs: status failed", "runs", () => list({ status: "failed" })],
    ["runs: trigger webhook", "runs", () => list({ trigger: "webhook" })],
    ["runs: last 24 h", "runs", () => list({ from: dayAgo })],
    [`runs: search “${oneFlow.name}”`, "runs", () => list({ search: oneFlow.name })],
    ["runs: search “stock” (10 flows)", "runs", () => list({ search: "stock" })],
    ["runs: search a run id", "runs", () => list({ search: someRunId })],
    ["runs: page 2", "runs", () => list({ cursor: cursors[0]! })],
    ["runs: page 20", "runs", () => list({ cursor: cursors[18]! })],
    ["runs: status awaiting approval (10 of 1M)", "runs", () => list({ status: "awaiting_approval" })],
    ["errors: first page", "errors", () => runErrors(scope, { runId: bigRunId, limit: 100 })],
    ["errors: page at 45,000", "errors", () => runErrors(scope, { runId: bigRunId, limit: 100, cursor: deep[0]!.id })],
    ["errors: open ones", "errors", () => runErrors(scope, { runId: bigRunId, status: "open", limit: 100 })],
    ["dashboard: 24 h", "dashboard", () => summary(scope, "24h")],
    ["dashboard: 7 d", "dashboard", () => summary(scope, "7d")],
  ];
  const times = new Map<string, number[]>(asks.map(([name]) => [name, []]));
  // A round of warm-up (plans, caches), as a server that has been up a while has them.
  for (const [, , ask] of asks) await ask();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, , ask] of asks) times.get(name)!.push((await timed(ask)).ms);
  }
  const p95Of = (group: string) => percentile(asks.filter(([, g]) => g === group).flatMap(([name]) => times.get(name)!), 95);
  const runsP95 = p95Of("runs");
  const errorsP95 = p95Of("errors");
  const dashboardP95 = p95Of("dashboard");
  const worst = Math.max(...asks.map(([name]) => percentile(times.get(name)!, 95)));
  const met = worst <= GOAL_MS;
  const r = (n: number) => Math.round(n);
  report({
    scenario: "history-1m",
    what:
      `${RUNS.toLocaleString("en")} runs of ${FLOWS} flows (statuses and triggers mixed, created over 90 days) and ${DEAD_LETTERS.toLocaleString("en")} dead letters ` +
      `(${BIG_RUN_LETTERS.toLocaleString("en")} on one run) seeded with generate_series on the embedded PostgreSQL, then the services behind the run history (server time, ${ROUNDS} rounds after one warm-up): ` +
      `runs.list as the runs page asks (50 a page), runs.errors of the big run (100 a page), dashboard.summary. Records/s is the seeding rate of runs.`,
    records: RUNS,
    seconds: seedSeconds,
    recordsPerSecond: RUNS / seedSeconds,
    peakRssMb: peakRssMb(),
    goal: `runs page, errors tab and dashboard p95 ≤${GOAL_MS} ms each`,
    met,
    notes: [
      `Seeded in ${seedSeconds.toFixed(1)} s.`,
      `p95: runs page ${r(runsP95)} ms, errors tab ${r(errorsP95)} ms, dashboard ${r(dashboardP95)} ms; by ask (p50 / p95): ${asks
        .map(([name]) => `${name} ${r(percentile(times.get(name)!, 50))} / ${r(percentile(times.get(name)!, 95))} ms`)
        .join("; ")}.`,
      ...(met ? [] : [`Goal missed: the slowest ask's p95 is ${r(worst)} ms.`]),
    ],
  });
} finally {
  await runtime.close();
}
