"use client";

import { cn, Skeleton } from "@flowgate/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import { QueryErrorState } from "@/components/error-state";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { formatCount, formatDuration, isLive, LIVE_POLL_MS, type RunDetail } from "./run-text";
import { barPercent, batchName, failedShare, timelineSummary, timelineText, type RunBatch } from "./timeline";
import { LoadMore } from "@/components/load-more";

const PAGE_SIZE = 500;
/** The batches table's columns: label, and whether it holds numbers (right-aligned). */
const BATCH_COLUMNS: readonly [string, boolean][] = [
  ["Batch", false],
  ["Records", true],
  ["Failed", true],
  ["Time", true],
  ["Finished", false],
];

/** The run's batches in order: one bar each (height: its time; red: its failed share), then the same as a table. */
export function RunTimeline({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const live = isLive(run.status);
  const batches = useInfiniteQuery(
    trpc.runs.batches.infiniteQueryOptions(
      { runId: run.id, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: live ? LIVE_POLL_MS : false },
    ),
  );
  if (batches.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading the timeline">
        <Skeleton className="mb-3 h-4 w-96" />
        <Skeleton className="h-32" />
      </div>
    );
  }
  if (batches.isError) return <QueryErrorState title="The run's timeline could not be loaded" query={batches} />;
  const items = batches.data.pages.flatMap((page) => page.items);
  const summary = timelineSummary(items);
  if (items.length === 0) {
    return (
      <p className="rounded-card border border-dashed border-slate-300 px-6 py-8 text-center text-sm text-slate-600">
        {live ? "No batch has finished yet: each one shows up here as soon as it is through every step." : "This run finished no batch: it stopped before its first one was through."}
      </p>
    );
  }
  const slowest = summary.slowest?.ms ?? 0;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">{timelineText(summary)}</p>
      <div className="rounded-card border border-line bg-white p-3">
        <div role="img" aria-label={`Time per batch: ${timelineText(summary)}`} className="flex h-32 items-end gap-px overflow-x-auto">
          {items.map((batch) => (
            <Bar key={batch.batchIndex} batch={batch} maxMs={slowest} />
          ))}
        </div>
        <div aria-hidden className="mt-1 flex justify-between text-[11px] text-slate-500 tabular-nums">
          <span>{batchName(items[0]!)}</span>
          <span>
            Height: time per batch (slowest {formatDuration(slowest)}) · <span className="text-red-700">red: failed records</span>
          </span>
          <span>{batchName(items[items.length - 1]!)}</span>
        </div>
      </div>
      <details className="rounded-card border border-line bg-white">
        <summary className="cursor-pointer px-4 py-2.5 text-sm font-medium text-slate-700">Batches as a table</summary>
        <div className="max-h-80 overflow-auto border-t border-line">
          <table className="w-full border-collapse text-left text-sm">
            <thead className="sticky top-0 bg-slate-50">
              <tr>
                {BATCH_COLUMNS.map(([label, numeric]) => (
                  <th key={label} scope="col" className={cn("px-4 py-2 text-xs font-medium text-slate-500 uppercase", numeric && "text-right")}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((batch) => (
                <tr key={batch.batchIndex}>
                  <td className="px-4 py-1.5 tabular-nums">{formatCount(batch.batchIndex + 1)}</td>
                  <td className="px-4 py-1.5 text-right tabular-nums">{formatCount(batch.records)}</td>
                  <td className={cn("px-4 py-1.5 text-right tabular-nums", batch.errors > 0 && "text-red-700")}>{formatCount(batch.errors)}</td>
                  <td className="px-4 py-1.5 text-right tabular-nums">{formatDuration(batch.ms)}</td>
                  <td className="px-4 py-1.5 text-slate-600">{formatDateTime(batch.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <LoadMore pages={batches} label="Load more batches" size="sm" />
    </div>
  );
}

function Bar({ batch, maxMs }: { batch: RunBatch; maxMs: number }) {
  const failed = failedShare(batch);
  return (
    <div
      title={`${batchName(batch)}: ${formatCount(batch.records)} records${batch.errors > 0 ? `, ${formatCount(batch.errors)} failed` : ""}, ${formatDuration(batch.ms)}`}
      className="flex min-w-1 flex-1 flex-col justify-end overflow-hidden rounded-t-sm bg-accent-400 hover:bg-accent-500"
      style={{ height: `${barPercent(batch.ms, maxMs)}%`, maxWidth: "1.5rem" }}
    >
      {failed > 0 ? <div className="bg-red-500" style={{ height: `${Math.max(failed, 8)}%` }} /> : null}
    </div>
  );
}
