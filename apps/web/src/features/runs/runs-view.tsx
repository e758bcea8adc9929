"use client";

import { Button, buttonClasses, cn, DataTable, EmptyState, PageHeader, TD, TH, TR } from "@flowgate/ui";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState, type MouseEvent } from "react";
import { QueryErrorState } from "@/components/error-state";
import { ChevronLeftIcon, FlowIcon, RunsIcon, SearchIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { TableSkeleton } from "@/components/table-skeleton";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { RunStatusChip } from "@/app/(app)/flows/flow-status";
import { isFiltered, listInputOf, newerPage, olderPage, parseRunsQuery, runsQueryString, type RunsQuery } from "./run-query";
import { RunProgress } from "./run-progress";
import { durationText, formatCount, isLive, listPollInterval, LIVE_POLL_MS, runStatusLabel, shortRunId, triggerText, type RunSummary } from "./run-text";
import { RunsFilters } from "./runs-filters";

/** The time, floored to the minute and moving on each minute: "the last hour" follows the clock without a new query every render. */
function useMinute(): number {
  const [minute, setMinute] = useState(() => Math.floor(Date.now() / 60_000) * 60_000);
  useEffect(() => {
    const timer = window.setInterval(() => setMinute(Math.floor(Date.now() / 60_000) * 60_000), 15_000);
    return () => window.clearInterval(timer);
  }, []);
  return minute;
}

/** Every run of the workspace, newest first: filters in the address, pages by cursor, live while anything on the page is still going. */
export function RunsView() {
  const trpc = useTRPC();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const query = useMemo(() => parseRunsQuery(searchParams), [searchParams]);
  // The cursors of the pages before this one, to come back with "Newer".
  const [trail, setTrail] = useState<(string | undefined)[]>([]);
  const setQuery = useCallback(
    (next: RunsQuery, nextTrail: (string | undefined)[] = []) => {
      const search = runsQueryString(next);
      // The native history call updates useSearchParams without a server round trip.
      window.history.replaceState(null, "", search ? `${pathname}?${search}` : pathname);
      setTrail(nextTrail);
    },
    [pathname],
  );

  const minute = useMinute();
  const input = useMemo(() => listInputOf(query, minute), [query, minute]);
  const list = useQuery(
    trpc.runs.list.queryOptions(input, {
      // A new filter keeps the old rows on screen until the new ones arrive: no flash of a skeleton.
      placeholderData: keepPreviousData,
      refetchInterval: (q) => listPollInterval(q.state.data?.items.map((run) => run.status) ?? []),
    }),
  );
  const flows = useQuery(trpc.flows.list.queryOptions());
  const filtered = isFiltered(query);
  const live = list.data?.items.some((run) => isLive(run.status)) ?? false;

  const clear = () => setQuery({});
  const page = query.cursor !== undefined;

  return (
    <>
      <PageHeader
        title="Runs"
        description="Every run of every flow: what it read, what it wrote and what failed. Open a run to see each step, its records and its errors."
        meta={live ? <LiveMark /> : null}
      />
      <RunsFilters query={query} onChange={(next) => setQuery(next)} onClear={clear} flows={flows.data} />
      {list.isPending ? (
        <TableSkeleton label="Loading runs" rows={6} cells={["h-5 w-24 rounded-full", "h-4 w-48", "h-4 w-16", "h-4 w-24", "h-4 w-12", "ml-auto h-4 w-40"]} />
      ) : list.isError ? (
        <QueryErrorState title="The runs could not be loaded" query={list} />
      ) : list.data.items.length === 0 ? (
        filtered ? (
          <EmptyState
            icon={<SearchIcon />}
            title="No runs match these filters"
            text="Try another flow, status or time range, or clear the filters to see every run."
            actions={<Button onClick={clear}>Clear filters</Button>}
          />
        ) : page ? (
          <EmptyState icon={<RunsIcon />} title="No older runs" text="The runs after this point were pruned, or never were." actions={<Button onClick={clear}>Back to the newest runs</Button>} />
        ) : (
          <EmptyState
            icon={<RunsIcon />}
            title="No runs yet"
            text="A run starts when a published flow's schedule comes round, when its webhook is called, or when someone presses “Run now” in the flow editor. Each run shows up here as it happens."
            actions={
              <Link href="/flows" className={buttonClasses({ variant: "primary" })}>
                <FlowIcon className="size-4" />
                Open your flows
              </Link>
            }
          />
        )
      ) : (
        <>
          <RunsTable runs={list.data.items} stale={list.isPlaceholderData} />
          <Pager
            newer={page}
            older={list.data.nextCursor}
            onNewer={() => {
              const back = newerPage(trail);
              setQuery({ ...query, cursor: back.cursor }, back.trail);
            }}
            onOlder={(cursor) => {
              const next = olderPage(trail, query.cursor, cursor);
              setQuery({ ...query, cursor: next.cursor }, next.trail);
            }}
          />
        </>
      )}
    </>
  );
}

function LiveMark() {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs font-medium text-accent-700" title={`Runs still going: this list updates every ${LIVE_POLL_MS / 1000} s`}>
      <span aria-hidden className="size-2 animate-pulse rounded-full bg-accent-500" />
      Live
    </span>
  );
}

function RunsTable({ runs, stale }: { runs: readonly RunSummary[]; stale: boolean }) {
  const router = useRouter();
  const now = Date.now();
  return (
    <div aria-busy={stale || undefined} className={cn("transition-opacity [&_td]:px-3 [&_th]:px-3", stale && "opacity-60")}>
      <DataTable
        head={
          <>
            <TH>Status</TH>
            <TH>Flow</TH>
            <TH>Trigger</TH>
            <TH>Started</TH>
            <TH className="text-right">Duration</TH>
            <TH className="text-right">Read</TH>
            <TH className="text-right">Written</TH>
            <TH className="text-right">Failed</TH>
            <TH className="w-36">Progress</TH>
          </>
        }
      >
        {runs.map((run) => (
          <RunRow key={run.id} run={run} now={now} onOpen={() => router.push(`/runs/${run.id}`)} />
        ))}
      </DataTable>
    </div>
  );
}

function RunRow({ run, now, onOpen }: { run: RunSummary; now: number; onOpen: () => void }) {
  // The row opens the run; a click on a link in it (or a text selection) does what it does.
  const onClick = (event: MouseEvent) => {
    if ((event.target as HTMLElement).closest("a, button") || window.getSelection()?.toString()) return;
    onOpen();
  };
  return (
    <TR className="cursor-pointer" onClick={onClick}>
      <TD>
        <RunStatusChip status={run.status} />
      </TD>
      <TD className="max-w-56">
        <Link
          href={`/runs/${run.id}`}
          aria-label={`${run.flowName}: ${runStatusLabel(run.status)} run from ${formatRelative(run.createdAt)}`}
          className="block truncate font-medium text-slate-900 hover:text-accent-700 hover:underline"
        >
          {run.flowName}
        </Link>
        <span className="block truncate text-xs text-slate-500">
          Version {run.versionNumber} · <span className="font-mono">{shortRunId(run.id)}</span>
        </span>
      </TD>
      <TD className="whitespace-nowrap">{triggerText(run.trigger)}</TD>
      <TD className="whitespace-nowrap">
        <RelativeTime value={run.startedAt ?? run.createdAt} />
      </TD>
      <TD className="text-right whitespace-nowrap tabular-nums">{durationText(run, now)}</TD>
      <TD className="text-right tabular-nums">{formatCount(run.counts.read)}</TD>
      <TD className="text-right tabular-nums">{formatCount(run.counts.written)}</TD>
      <TD className={cn("text-right tabular-nums", run.counts.errors > 0 && "font-medium text-red-700")}>{formatCount(run.counts.errors)}</TD>
      <TD>
        <RunProgress run={run} quietWhenOver className="w-30" />
      </TD>
    </TR>
  );
}

function Pager({ newer, older, onNewer, onOlder }: { newer: boolean; older: string | null; onNewer: () => void; onOlder: (cursor: string) => void }) {
  if (!newer && !older) return null;
  return (
    <nav aria-label="Pages of runs" className="mt-4 flex items-center justify-between">
      <Button variant="secondary" size="sm" icon={<ChevronLeftIcon className="size-4" />} disabled={!newer} onClick={onNewer}>
        Newer
      </Button>
      <Button variant="secondary" size="sm" disabled={!older} onClick={() => older && onOlder(older)}>
        Older runs
        <ChevronLeftIcon className="size-4 rotate-180" />
      </Button>
    </nav>
  );
}
