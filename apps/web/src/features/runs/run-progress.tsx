import { cn } from "@flowgate/ui";
import { isLive, outcomeSegments, outcomeText, progressText, type RunSummary } from "./run-text";

const SEGMENT_CLASSES = { written: "bg-emerald-500", failed: "bg-red-500", other: "bg-slate-300" } as const;

/**
 * A run's progress: while it goes on, an indeterminate bar (the source does not say how many records
 * it holds) with "N records read"; once it is over, what became of the records read.
 */
export function RunProgress({
  run,
  className,
  quietWhenOver = false,
}: {
  run: Pick<RunSummary, "status" | "counts" | "cancelRequested">;
  className?: string;
  /** Only the bar once the run is over (the table's count columns already say the numbers). */
  quietWhenOver?: boolean;
}) {
  if (isLive(run.status)) {
    const text = progressText(run);
    const waiting = run.status !== "running";
    return (
      <div className={cn("min-w-0", className)}>
        <div role="progressbar" aria-label={text} className="h-1.5 overflow-hidden rounded-full bg-accent-100">
          <div className={cn("h-full rounded-full", waiting ? "w-full bg-accent-200" : "w-full animate-pulse bg-accent-500")} />
        </div>
        <p className="mt-1 truncate text-xs text-slate-600 tabular-nums">{text}</p>
      </div>
    );
  }
  const segments = outcomeSegments(run.counts);
  const text = outcomeText(run.counts);
  return (
    <div className={cn("min-w-0", className)}>
      <div role="img" aria-label={text} title={text} className="flex h-1.5 overflow-hidden rounded-full bg-slate-100">
        {segments.map((segment) => (
          <div key={segment.kind} className={SEGMENT_CLASSES[segment.kind]} style={{ width: `${segment.percent}%` }} />
        ))}
      </div>
      {quietWhenOver ? null : <p className="mt-1 truncate text-xs text-slate-500 tabular-nums">{segments.length > 0 ? text : progressText(run)}</p>}
    </div>
  );
}
