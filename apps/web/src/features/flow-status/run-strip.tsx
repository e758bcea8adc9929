"use client";

import { cn, type Tone } from "@flowgate/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { listPollInterval } from "@/features/runs/run-text";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { nextRunText, STRIP_RUNS, stripMarks } from "./run-strip-text";

const MARK_COLOURS: Record<Tone, string> = {
  success: "bg-emerald-500",
  warning: "bg-amber-400",
  danger: "bg-red-500",
  accent: "bg-accent-400 animate-pulse",
  neutral: "bg-slate-300",
};

/** The flow header's glance: its latest runs as marks (each opens its run), then when it runs next. */
/** `className` places it, and sets its display (flex by default; e.g. "hidden lg:flex"). */
export function FlowRunStrip({ flowId, className = "flex" }: { flowId: string; className?: string }) {
  const trpc = useTRPC();
  const runs = useQuery(
    trpc.runs.list.queryOptions(
      { flowId, limit: STRIP_RUNS },
      { refetchInterval: (query) => listPollInterval(query.state.data?.items.map((r) => r.status) ?? []), retry: false },
    ),
  );
  // The flows list knows each flow's next scheduled run; the editor shares its cache with the list.
  const nextRunAt = useQuery(trpc.flows.list.queryOptions(undefined, { select: (flows) => flows.find((f) => f.id === flowId)?.nextRunAt ?? null, retry: false }));
  if (!runs.data) return null;
  const marks = stripMarks(runs.data.items);
  const next = nextRunText(nextRunAt.data);
  return (
    <div className={cn("min-w-0 items-center gap-3 text-xs text-slate-500", className)}>
      {marks.length === 0 ? (
        <span>No runs yet</span>
      ) : (
        <ol aria-label={`Last ${marks.length === 1 ? "run" : `${marks.length} runs`}, oldest first`} className="flex items-center gap-[3px]">
          {marks.map((mark) => (
            <li key={mark.runId} className="flex">
              <Link
                href={`/runs/${mark.runId}`}
                title={mark.label}
                aria-label={mark.label}
                className="group flex h-5 items-center rounded-sm px-px focus-visible:outline-2 focus-visible:outline-accent-500"
              >
                <span aria-hidden className={cn("h-3.5 w-1.5 rounded-[2px] transition-transform group-hover:scale-y-125", MARK_COLOURS[mark.tone])} />
              </Link>
            </li>
          ))}
        </ol>
      )}
      {next && nextRunAt.data ? (
        <span className="whitespace-nowrap" title={formatDateTime(nextRunAt.data)}>
          {next}
        </span>
      ) : null}
    </div>
  );
}
