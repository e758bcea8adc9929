import { alerts, flows, flowSchedules, runs } from "@flowgate/db";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { pendingCount } from "./approvals";
import type { Scope } from "./scope";

/** How many of the buckets the dashboard shows per range, and how long each is. */
const RANGES = {
  "24h": { buckets: 24, ms: 3_600_000 },
  "7d": { buckets: 7, ms: 86_400_000 },
} as const;

export type DashboardRange = keyof typeof RANGES;

/** At most this many failing flows and next runs: the dashboard is a glance, the lists have the rest. */
const FAILING_FLOWS = 10;
const NEXT_RUNS = 5;

/**
 * The buckets of a range, oldest first: whole UTC hours (24h) or UTC days (7d), the last one being
 * the current hour or day (so its bar grows as runs end).
 */
function bucketsOf(range: DashboardRange, now: Date): { start: Date; ms: number; starts: Date[] } {
  const { buckets, ms } = RANGES[range];
  const start = (Math.floor(now.getTime() / ms) - (buckets - 1)) * ms;
  return { start: new Date(start), ms, starts: Array.from({ length: buckets }, (_, i) => new Date(start + i * ms)) };
}

/**
 * The home page after sign-in. Runs count in the bucket in which they ENDED: succeeded includes
 * succeeded with errors (the run went through; its failed records are on the run's page), failed is
 * failed, other is cancelled. Records synced are what those runs wrote.
 */
export async function summary(scope: Scope, range: DashboardRange, now: Date = new Date()) {
  const window = bucketsOf(range, now);
  const [ended, running, failingFlows, pendingApprovals, nextRuns, openAlerts] = await Promise.all([
    endedRuns(scope, window),
    scope.db
      .select({ n: count() })
      .from(runs)
      .where(and(eq(runs.workspaceId, scope.workspaceId), eq(runs.status, "running"))),
    failingFlowsOf(scope),
    pendingCount(scope),
    scope.db
      .select({ flowId: flowSchedules.flowId, flowName: flows.name, at: flowSchedules.nextRunAt })
      .from(flowSchedules)
      .innerJoin(flows, eq(flows.id, flowSchedules.flowId))
      // Only enabled flows whose published version has a schedule trigger have a row (syncSchedule keeps it so, as flows.list relies on).
      .where(eq(flowSchedules.workspaceId, scope.workspaceId))
      .orderBy(asc(flowSchedules.nextRunAt), asc(flowSchedules.flowId))
      .limit(NEXT_RUNS),
    scope.db
      .select({ n: count() })
      .from(alerts)
      .where(and(eq(alerts.workspaceId, scope.workspaceId), eq(alerts.status, "open"))),
  ]);
  const byBucket = new Map(ended.map((row) => [row.bucket, row]));
  const buckets = window.starts.map((at, i) => {
    const row = byBucket.get(i);
    return { at: at.toISOString(), succeeded: row?.succeeded ?? 0, failed: row?.failed ?? 0, other: row?.other ?? 0 };
  });
  const sum = (pick: (row: (typeof ended)[number]) => number) => ended.reduce((total, row) => total + pick(row), 0);
  return {
    range,
    buckets,
    totals: {
      runs: sum((r) => r.succeeded + r.failed + r.other),
      succeeded: sum((r) => r.succeeded),
      failed: sum((r) => r.failed),
      recordsSynced: sum((r) => Number(r.written)),
      runningNow: running[0]?.n ?? 0,
    },
    failingFlows,
    pendingApprovals,
    nextRuns: nextRuns.map((r) => ({ flowId: r.flowId, flowName: r.flowName, at: r.at.toISOString() })),
    openAlerts: openAlerts[0]?.n ?? 0,
  };
}

/**
 * Ended runs per bucket, by outcome: one range scan of the (workspace_id, finished_at) index per
 * bucket, each aggregated as it is read (grouping the whole window instead sorts 80,000 rows for 7 days).
 */
async function endedRuns(scope: Scope, window: { start: Date; ms: number; starts: Date[] }) {
  const { rows } = await scope.db.execute<{ bucket: number; succeeded: number; failed: number; other: number; written: string }>(sql`
    select b.i as bucket, agg.succeeded, agg.failed, agg.other, agg.written
    from generate_series(0, ${window.starts.length - 1}::int) as b(i)
    cross join lateral (
      select count(*) filter (where status in ('succeeded', 'succeeded_with_errors'))::int as succeeded,
        count(*) filter (where status = 'failed')::int as failed,
        count(*) filter (where status = 'cancelled')::int as other,
        coalesce(sum((counts->>'written')::bigint), 0)::text as written
      from runs
      where workspace_id = ${scope.workspaceId}
        and finished_at >= ${window.start.toISOString()}::timestamptz + b.i * ${`${window.ms} milliseconds`}::interval
        and finished_at < ${window.start.toISOString()}::timestamptz + (b.i + 1) * ${`${window.ms} milliseconds`}::interval
        and status in ('succeeded', 'succeeded_with_errors', 'failed', 'cancelled')
    ) agg`);
  return rows;
}

/**
 * Flows whose last run that went through or failed, failed; a cancelled run says nothing either
 * way (as for alerts, only a success resolves a failure). "In a row" counts the failed runs since
 * the last success. Most failures in a row first. Runs of a flow are ordered as created: they run
 * one after the other unless the flow allows more at once.
 */
async function failingFlowsOf(scope: Scope) {
  const { rows } = await scope.db.execute<{ flow_id: string; flow_name: string; run_id: string; failed_at: Date | string; message: string | null; in_a_row: number }>(sql`
    select f.id as flow_id, f.name as flow_name, last.id as run_id, coalesce(last.finished_at, last.created_at) as failed_at,
      last.error->>'message' as message, streak.n as in_a_row
    from flows f
    cross join lateral (
      select r.id, r.status, r.finished_at, r.created_at, r.error from runs r
      where r.flow_id = f.id and r.status in ('succeeded', 'succeeded_with_errors', 'failed')
      order by r.created_at desc, r.id desc
      limit 1
    ) last
    cross join lateral (
      select count(*)::int as n from runs r
      where r.flow_id = f.id and r.status = 'failed'
        and r.created_at > coalesce((
          select s.created_at from runs s
          where s.flow_id = f.id and s.status in ('succeeded', 'succeeded_with_errors')
          order by s.created_at desc, s.id desc
          limit 1
        ), '-infinity')
    ) streak
    where f.workspace_id = ${scope.workspaceId} and last.status = 'failed'
    order by streak.n desc, failed_at desc, f.id
    limit ${FAILING_FLOWS}`);
  return rows.map((r) => ({
    flowId: r.flow_id,
    flowName: r.flow_name,
    lastRunId: r.run_id,
    failedAt: new Date(r.failed_at).toISOString(),
    message: r.message,
    failuresInARow: r.in_a_row,
  }));
}
