"use client";

import { Badge, cn, DataTable, EmptyState, PageHeader, TD, TH, TR } from "@flowgate/ui";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useRef, useState, type KeyboardEvent } from "react";
import { QueryErrorState } from "@/components/error-state";
import { ApprovalIcon, CheckCircleIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { OpChip } from "@/features/flow-editor/panels/planned-writes";
import type { ChangeSetSummary } from "@/lib/api-types";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { approverText, CHANGE_OPS, changesText, opCountsText } from "./approval-text";
import { TableSkeleton } from "@/components/table-skeleton";
import { LoadMore } from "@/components/load-more";

const PAGE_SIZE = 50;
const TABS = [
  { status: "pending", label: "Pending" },
  { status: "decided", label: "Decided" },
] as const;
type Tab = (typeof TABS)[number]["status"];

/** The inbox: change sets across flows, waiting ones first, with what they hold and who may decide. */
export function ApprovalsView() {
  const [tab, setTab] = useState<Tab>("pending");
  const id = useId();
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());

  // Arrow keys move between the tabs, as in every tab list.
  const onTabKey = (event: KeyboardEvent) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    event.preventDefault();
    const next = TABS[(TABS.findIndex((t) => t.status === tab) + (event.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length]!.status;
    setTab(next);
    tabRefs.current.get(next)?.focus();
  };

  return (
    <>
      <PageHeader title="Approvals" description="Changes that an approval step in a flow holds until someone says yes. Approved changes are written; rejected ones are not." />
      <div role="tablist" aria-label="Change sets" className="mb-4 flex gap-1 border-b border-line" onKeyDown={onTabKey}>
        {TABS.map((t) => {
          const selected = t.status === tab;
          return (
            <button
              key={t.status}
              ref={(element) => {
                if (element) tabRefs.current.set(t.status, element);
              }}
              type="button"
              role="tab"
              id={`${id}-${t.status}-tab`}
              aria-selected={selected}
              aria-controls={`${id}-${t.status}-panel`}
              tabIndex={selected ? 0 : -1}
              onClick={() => setTab(t.status)}
              className={cn(
                "-mb-px border-b-2 px-3 py-2 text-sm font-medium transition-colors",
                selected ? "border-accent-600 text-accent-700" : "border-transparent text-slate-500 hover:text-slate-800",
              )}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <div role="tabpanel" id={`${id}-${tab}-panel`} aria-labelledby={`${id}-${tab}-tab`}>
        <ChangeSetList key={tab} status={tab} />
      </div>
    </>
  );
}

function ChangeSetList({ status }: { status: Tab }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.approvals.list.infiniteQueryOptions({ status, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor, refetchInterval: 30_000 }),
  );
  if (list.isPending) return <ListSkeleton />;
  if (list.isError) return <QueryErrorState title="The change sets could not be loaded" query={list} />;
  const sets = list.data.pages.flatMap((page) => page.items);
  if (sets.length === 0) {
    return status === "pending" ? (
      <EmptyState icon={<ApprovalIcon />} title="Nothing waits for approval" text="Changes held by an approval step in a flow appear here." />
    ) : (
      <EmptyState icon={<CheckCircleIcon />} title="No change set is decided yet" text="Change sets move here once every change in them is approved, rejected or expired." />
    );
  }
  return (
    <>
      <DataTable
        head={
          <>
            <TH>Flow and step</TH>
            <TH>Run</TH>
            <TH>{status === "pending" ? "Waiting since" : "Created"}</TH>
            <TH>{status === "pending" ? "Waiting changes" : "Outcome"}</TH>
            <TH>Who decides</TH>
          </>
        }
      >
        {sets.map((set) => (
          <ChangeSetRow key={set.id} set={set} />
        ))}
      </DataTable>
      <LoadMore pages={list} className="mt-4" />
    </>
  );
}

function ChangeSetRow({ set }: { set: ChangeSetSummary }) {
  const pending = set.status === "pending";
  return (
    <TR>
      <TD className="max-w-xs">
        <Link
          href={`/approvals/${set.id}`}
          aria-label={`${set.flowName}: review the changes held by “${set.nodeLabel}”`}
          className="block truncate font-medium text-slate-900 hover:text-accent-700 hover:underline"
        >
          {set.flowName}
        </Link>
        <span className="block truncate text-xs text-slate-500">{set.nodeLabel}</span>
      </TD>
      <TD>
        <Link href={`/runs/${set.runId}`} aria-label={`View run of ${set.flowName} from ${formatRelative(set.createdAt)}`} className="text-accent-700 hover:underline">
          View run
        </Link>
      </TD>
      <TD>
        <RelativeTime value={set.createdAt} className="whitespace-nowrap" />
        {pending && set.deadlineAt ? (
          <span className="block text-xs whitespace-nowrap text-slate-500">
            Deadline <RelativeTime value={set.deadlineAt} />
          </span>
        ) : null}
      </TD>
      <TD>
        {pending ? (
          <span className="flex flex-wrap items-center gap-2" title={opCountsText(set.pending)}>
            {CHANGE_OPS.filter((op) => set.pending[op] > 0).map((op) => (
              <span key={op} className="inline-flex items-center gap-1 text-sm tabular-nums text-slate-700">
                <OpChip op={op} />
                {set.pending[op].toLocaleString("en")}
              </span>
            ))}
            <span className="sr-only">{changesText(set.counts.pending)} waiting</span>
          </span>
        ) : (
          <span className="flex flex-wrap gap-1.5">
            <Badge tone="success">{set.counts.approved.toLocaleString("en")} approved</Badge>
            {set.counts.rejected > 0 ? <Badge tone="danger">{set.counts.rejected.toLocaleString("en")} rejected</Badge> : null}
            {set.counts.expired > 0 ? <Badge>{set.counts.expired.toLocaleString("en")} expired</Badge> : null}
          </span>
        )}
      </TD>
      <TD className="max-w-xs text-sm">
        <span className="block text-slate-700">{approverText(set)}</span>
        {pending ? (
          set.canDecide ? (
            <span className="block text-xs text-emerald-700">You can decide</span>
          ) : (
            <span className="block text-xs text-amber-800">{set.cannotDecideReason ?? "You cannot decide these changes"}</span>
          )
        ) : null}
      </TD>
    </TR>
  );
}

function ListSkeleton() {
  return <TableSkeleton label="Loading change sets" rows={3} cells={["h-4 w-48", "h-4 w-16", "h-4 w-24", "h-5 w-28 rounded-full", "ml-auto h-4 w-40"]} />;
}
