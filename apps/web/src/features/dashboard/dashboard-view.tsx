"use client";

import { Badge, buttonClasses, Card, CardHeader, cn, EmptyState, PageHeader, Skeleton } from "@flowgate/ui";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { QueryErrorState } from "@/components/error-state";
import { ApprovalIcon, CheckCircleIcon, RunsIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { BellIcon } from "@/features/alerts/bell-icon";
import type { RouterOutputs } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import {
  DASHBOARD_RANGES,
  failuresText,
  formatRate,
  formatTileNumber,
  isQuiet,
  parseRange,
  pendingApprovalsText,
  rangeHref,
  successRate,
  type DashboardRange,
} from "./dashboard-text";
import { CHART_HEIGHT, RunsChart } from "./runs-chart";

type Summary = RouterOutputs["dashboard"]["summary"];

/** Often enough that a failure shows up while someone watches, rarely enough to cost nothing. */
const POLL_MS = 30_000;

/** The home page: what ran, what failed and what waits, across every flow of the workspace. */
export function DashboardView() {
  const trpc = useTRPC();
  const router = useRouter();
  const range = parseRange(useSearchParams().get("range"));
  const summary = useQuery(trpc.dashboard.summary.queryOptions({ range }, { refetchInterval: POLL_MS, placeholderData: keepPreviousData }));
  const data = summary.data;
  // A workspace where nothing ran in the range may be new: one run anywhere says it is not.
  const maybeNew = data !== undefined && data.totals.runs === 0 && data.totals.runningNow === 0 && data.failingFlows.length === 0;
  const anyRun = useQuery(trpc.runs.list.queryOptions({ limit: 1 }, { enabled: maybeNew }));
  const isNew = maybeNew && anyRun.data?.items.length === 0;

  const setRange = (next: DashboardRange) => router.replace(rangeHref(next), { scroll: false });

  return (
    <>
      <PageHeader
        title="Dashboard"
        description="What ran, what failed and what waits for someone, across every flow."
        actions={isNew ? undefined : <RangeToggle value={range} onChange={setRange} />}
      />
      {summary.isPending || (maybeNew && anyRun.isPending) ? (
        <DashboardSkeleton />
      ) : summary.isError ? (
        <QueryErrorState title="The dashboard could not be loaded" query={summary} />
      ) : isNew ? (
        <NoRunsYet nextRun={summary.data.nextRuns[0]} />
      ) : (
        <DashboardBody data={summary.data} range={range} stale={summary.isPlaceholderData} />
      )}
    </>
  );
}

function DashboardBody({ data, range, stale }: { data: Summary; range: DashboardRange; stale: boolean }) {
  const span = range === "24h" ? "24 hours" : "7 days";
  return (
    <div className={cn("space-y-6 transition-opacity", stale && "opacity-60")} aria-busy={stale || undefined}>
      <Tiles summary={data} />
      <Card>
        <CardHeader title={range === "24h" ? "Runs per hour" : "Runs per day"} description={`Runs that ended in the last ${span}, by how they ended.`} />
        <div className="px-5 pt-4 pb-3">
          {isQuiet(data.buckets) ? (
            <div className="flex flex-col items-center justify-center text-center text-sm text-slate-500" style={{ height: CHART_HEIGHT + 28 }}>
              <p className="font-medium text-slate-700">No run ended in the last {span}</p>
              <p className="mt-1">{range === "24h" ? "Look at the last 7 days, or start a flow with Run now." : "Runs appear here as they end."}</p>
            </div>
          ) : (
            <RunsChart buckets={data.buckets} range={range} />
          )}
        </div>
      </Card>
      <div className="grid gap-6 lg:grid-cols-3">
        <FailingNow flows={data.failingFlows} className="lg:col-span-2 lg:self-start" />
        <div className="space-y-6">
          <PendingApprovals pending={data.pendingApprovals} />
          <OpenAlerts count={data.openAlerts} />
          <NextRuns runs={data.nextRuns} />
        </div>
      </div>
    </div>
  );
}

function RangeToggle({ value, onChange }: { value: DashboardRange; onChange: (range: DashboardRange) => void }) {
  return (
    <div role="group" aria-label="Time range" className="inline-flex rounded-control bg-slate-100 p-0.5">
      {DASHBOARD_RANGES.map((r) => (
        <button
          key={r.value}
          type="button"
          aria-pressed={value === r.value}
          onClick={() => onChange(r.value)}
          className={cn(
            "rounded-[calc(var(--radius-control)-2px)] px-3 py-1.5 text-sm font-medium transition-colors",
            value === r.value ? "bg-white text-slate-900 shadow-sm" : "text-slate-600 hover:text-slate-900",
          )}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}

function Tiles({ summary }: { summary: Summary }) {
  const { totals } = summary;
  const rate = successRate(totals);
  const span = summary.range === "24h" ? "in the last 24 hours" : "in the last 7 days";
  return (
    <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
      <Tile label="Runs" value={totals.runs} hint={`ended ${span}`} />
      <Tile
        label="Success rate"
        value={formatRate(rate)}
        hint={rate === null ? "no run succeeded or failed yet" : `${totals.succeeded.toLocaleString("en")} of ${(totals.succeeded + totals.failed).toLocaleString("en")} runs succeeded`}
        tone={totals.failed > 0 ? "warning" : undefined}
      />
      <Tile label="Records synced" value={totals.recordsSynced} hint={`written ${span}`} />
      <Tile
        label="Running now"
        value={totals.runningNow}
        hint={
          <Link href="/runs" className="text-accent-700 hover:underline">
            See all runs
          </Link>
        }
      />
    </div>
  );
}

function Tile({ label, value, hint, tone }: { label: string; value: number | string; hint: ReactNode; tone?: "warning" }) {
  return (
    <Card className="px-5 py-4">
      <p className="text-sm font-medium text-slate-600">{label}</p>
      <p
        className={cn("mt-1 text-2xl font-semibold tracking-tight tabular-nums", tone === "warning" ? "text-amber-700" : "text-slate-900")}
        title={typeof value === "number" ? value.toLocaleString("en") : undefined}
      >
        {typeof value === "number" ? formatTileNumber(value) : value}
      </p>
      <p className="mt-1 truncate text-xs text-slate-500">{hint}</p>
    </Card>
  );
}

function FailingNow({ flows, className }: { flows: Summary["failingFlows"]; className?: string }) {
  return (
    <Card className={className}>
      <CardHeader title="Failing now" description="Flows whose last run failed, most failures in a row first." />
      {flows.length === 0 ? (
        <div className="flex items-center gap-3 px-5 py-6 text-sm text-slate-600">
          <span aria-hidden className="flex size-8 shrink-0 items-center justify-center rounded-full bg-emerald-50 text-emerald-600">
            <CheckCircleIcon className="size-5" />
          </span>
          No flow is failing: every flow's last run went through.
        </div>
      ) : (
        <ul className="divide-y divide-slate-100">
          {flows.map((flow) => (
            <li key={flow.flowId} className="flex items-start gap-4 px-5 py-3.5">
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-center gap-2">
                  <Link href={`/flows/${flow.flowId}`} className="truncate font-medium text-slate-900 hover:text-accent-700 hover:underline">
                    {flow.flowName}
                  </Link>
                  <Badge tone="danger">{failuresText(flow.failuresInARow)}</Badge>
                </div>
                <p className="mt-1 line-clamp-2 text-sm text-slate-600" title={flow.message ?? undefined}>
                  {flow.message ?? "The run failed without saying why; its page shows the log."}
                </p>
              </div>
              <div className="shrink-0 text-right text-sm">
                <RelativeTime value={flow.failedAt} className="block text-xs whitespace-nowrap text-slate-500" />
                <Link
                  href={`/runs/${flow.lastRunId}`}
                  className="mt-1 inline-block font-medium text-accent-700 hover:underline"
                  aria-label={`View the failed run of ${flow.flowName}`}
                >
                  View run
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function SideCard({ title, icon, children }: { title: string; icon: ReactNode; children: ReactNode }) {
  return (
    <Card>
      <div className="flex items-center gap-2 border-b border-line px-5 py-3">
        <span aria-hidden className="text-slate-400 [&>svg]:size-[18px]">
          {icon}
        </span>
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
      </div>
      <div className="px-5 py-4 text-sm">{children}</div>
    </Card>
  );
}

function PendingApprovals({ pending }: { pending: Summary["pendingApprovals"] }) {
  const text = pendingApprovalsText(pending);
  return (
    <SideCard title="Waiting for approval" icon={<ApprovalIcon />}>
      {text ? (
        <div className="flex items-center justify-between gap-3">
          <p className="text-slate-700">{text}</p>
          <Link href="/approvals" className={buttonClasses({ size: "sm" })}>
            Review
          </Link>
        </div>
      ) : (
        <p className="text-slate-500">Nothing waits for approval.</p>
      )}
    </SideCard>
  );
}

function OpenAlerts({ count }: { count: number }) {
  return (
    <SideCard title="Open alerts" icon={<BellIcon />}>
      {count > 0 ? (
        <div className="flex items-center justify-between gap-3">
          <p className="text-slate-700">
            {count.toLocaleString("en")} {count === 1 ? "alert is" : "alerts are"} open
          </p>
          <Link href="/alerts" className={buttonClasses({ size: "sm" })}>
            View alerts
          </Link>
        </div>
      ) : (
        <p className="text-slate-500">No open alerts.</p>
      )}
    </SideCard>
  );
}

function NextRuns({ runs }: { runs: Summary["nextRuns"] }) {
  return (
    <SideCard title="Next scheduled runs" icon={<RunsIcon />}>
      {runs.length === 0 ? (
        <p className="text-slate-500">No flow runs on a schedule. Give a flow a Schedule trigger and publish it to run it on its own.</p>
      ) : (
        <ul className="-my-1 divide-y divide-slate-100">
          {runs.map((run) => (
            <li key={run.flowId} className="flex items-baseline justify-between gap-3 py-2">
              <Link href={`/flows/${run.flowId}`} className="min-w-0 truncate text-slate-800 hover:text-accent-700 hover:underline">
                {run.flowName}
              </Link>
              <RelativeTime value={run.at} className="shrink-0 text-xs whitespace-nowrap text-slate-500" />
            </li>
          ))}
        </ul>
      )}
    </SideCard>
  );
}

function NoRunsYet({ nextRun }: { nextRun: Summary["nextRuns"][number] | undefined }) {
  return (
    <EmptyState
      icon={<RunsIcon />}
      title="No runs yet"
      text={
        <>
          Once your flows run, on their schedule, when an event arrives or with Run now, this page shows how they went: what succeeded, what
          failed and what waits for approval.
          {nextRun ? (
            <span className="mt-2 block">
              The first scheduled run is {nextRun.flowName}, <time dateTime={nextRun.at}>{formatDateTime(nextRun.at)}</time>.
            </span>
          ) : null}
        </>
      }
      actions={
        <>
          <Link href="/flows" className={buttonClasses({ variant: "primary" })}>
            Go to your flows
          </Link>
          <Link href="/templates" className={buttonClasses({ variant: "secondary" })}>
            Start from a template
          </Link>
        </>
      }
    />
  );
}

function DashboardSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading the dashboard">
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Card key={i} className="px-5 py-4">
            <Skeleton className="h-4 w-24" />
            <Skeleton className="mt-2.5 h-7 w-16" />
            <Skeleton className="mt-2 h-3 w-32" />
          </Card>
        ))}
      </div>
      <Card>
        <div className="border-b border-line px-5 py-4">
          <Skeleton className="h-5 w-32" />
          <Skeleton className="mt-2 h-4 w-72" />
        </div>
        <div className="px-5 pt-4 pb-3">
          <div style={{ height: CHART_HEIGHT + 28 }} className="flex items-end gap-2 pb-6">
            {Array.from({ length: 24 }, (_, i) => (
              <div key={i} className="flex-1" style={{ height: `${25 + ((i * 37) % 55)}%` }}>
                <Skeleton className="h-full rounded-sm" />
              </div>
            ))}
          </div>
        </div>
      </Card>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <div className="border-b border-line px-5 py-4">
            <Skeleton className="h-5 w-28" />
          </div>
          {Array.from({ length: 3 }, (_, i) => (
            <div key={i} className="border-b border-slate-100 px-5 py-4 last:border-0">
              <Skeleton className="h-4 w-48" />
              <Skeleton className="mt-2 h-3 w-80" />
            </div>
          ))}
        </Card>
        <div className="space-y-6">
          {Array.from({ length: 3 }, (_, i) => (
            <Card key={i} className="px-5 py-4">
              <Skeleton className="h-4 w-36" />
              <Skeleton className="mt-3 h-3 w-48" />
            </Card>
          ))}
        </div>
      </div>
    </div>
  );
}
