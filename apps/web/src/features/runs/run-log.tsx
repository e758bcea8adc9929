"use client";

import { Badge, Skeleton, type Tone } from "@flowgate/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { QueryErrorState } from "@/components/error-state";
import type { RouterOutputs } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { isLive, LIVE_POLL_MS, type RunDetail } from "./run-text";
import { LoadMore } from "@/components/load-more";

type RunEvent = RouterOutputs["runs"]["events"]["items"][number];

const PAGE_SIZE = 200;
const LEVELS: Record<RunEvent["level"], { label: string; tone: Tone }> = {
  info: { label: "Info", tone: "neutral" },
  warn: { label: "Warning", tone: "warning" },
  error: { label: "Error", tone: "danger" },
};

const timeOfDay = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });

/** The run's log, oldest first: what the runtime did and met (started, resumed, retried, stopped), each with its details on demand. */
export function RunLog({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const live = isLive(run.status);
  const events = useInfiniteQuery(
    trpc.runs.events.infiniteQueryOptions(
      { runId: run.id, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: live ? LIVE_POLL_MS : false },
    ),
  );
  if (events.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading the log" className="space-y-2">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-5" />
        ))}
      </div>
    );
  }
  if (events.isError) return <QueryErrorState title="The run's log could not be loaded" query={events} />;
  const items = events.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <p className="rounded-card border border-dashed border-slate-300 px-6 py-8 text-center text-sm text-slate-600">
        {live ? "Nothing logged yet: entries appear here as the run goes on." : "This run logged nothing."}
      </p>
    );
  }
  return (
    <div>
      <ol aria-label="Log" className="divide-y divide-slate-100 rounded-card border border-line bg-white">
        {items.map((event) => (
          <li key={event.id} className="flex items-start gap-3 px-4 py-2 text-sm">
            <time dateTime={event.at} title={formatDateTime(event.at)} className="w-16 shrink-0 pt-0.5 font-mono text-xs text-slate-500 tabular-nums">
              {timeOfDay.format(new Date(event.at))}
            </time>
            <Badge tone={LEVELS[event.level].tone} className="w-20 shrink-0 justify-center">
              {LEVELS[event.level].label}
            </Badge>
            <div className="min-w-0 flex-1">
              <p className="text-slate-800">{event.message}</p>
              {event.details && Object.keys(event.details).length > 0 ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-slate-500 hover:text-slate-700">Details</summary>
                  <pre className="mt-1 max-h-60 overflow-auto rounded-control bg-slate-50 p-2 font-mono text-xs text-slate-700">{JSON.stringify(event.details, null, 2)}</pre>
                </details>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <LoadMore pages={events} size="sm" className="mt-3" />
    </div>
  );
}
