"use client";

import { buttonClasses, Card, PageHeader, Skeleton, StatusChip } from "@flowgate/ui";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorState } from "@/components/error-state";
import { ChevronLeftIcon, RunsIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import type { ChangeSetDetail } from "@/lib/api-types";
import { errorCode } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { approverText, ITEM_STATUSES, itemStatusLabels, opCountsText } from "./approval-text";
import { ChangeSetItems } from "./change-set-items";

/** One change set: where it comes from, its rules and counts, then its items to review and decide. */
export function ChangeSetView({ changeSetId }: { changeSetId: string }) {
  const trpc = useTRPC();
  const changeSet = useQuery(trpc.approvals.get.queryOptions({ changeSetId }));

  if (changeSet.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading the change set">
        <Skeleton className="mb-3 h-4 w-40" />
        <Skeleton className="mb-8 h-8 w-96" />
        <Skeleton className="mb-6 h-28" />
        <Skeleton className="h-64" />
      </div>
    );
  }
  if (changeSet.isError) {
    const missing = errorCode(changeSet.error) === "NOT_FOUND";
    return (
      <>
        <PageHeader eyebrow={<BackLink />} title={missing ? "Change set not found" : "Change set"} />
        <ErrorState
          title={missing ? "This change set does not exist in this workspace: its run may have been deleted" : "This change set could not be loaded"}
          error={changeSet.error}
          onRetry={missing ? undefined : () => void changeSet.refetch()}
          retrying={changeSet.isRefetching}
        />
      </>
    );
  }
  return (
    <>
      <ChangeSetHeader changeSet={changeSet.data} />
      <ChangeSetItems changeSet={changeSet.data} />
    </>
  );
}

function BackLink() {
  return (
    <Link href="/approvals" className="inline-flex items-center gap-1 hover:text-slate-800">
      <ChevronLeftIcon className="size-4" />
      All approvals
    </Link>
  );
}

function ChangeSetHeader({ changeSet }: { changeSet: ChangeSetDetail }) {
  const decided = changeSet.status === "decided";
  return (
    <>
      <PageHeader
        className="mb-6"
        eyebrow={
          <span className="flex flex-wrap items-center gap-2">
            <BackLink />
            <span aria-hidden className="text-slate-300">
              /
            </span>
            <Link href={`/flows/${changeSet.flowId}`} className="hover:text-slate-800 hover:underline">
              {changeSet.flowName}
            </Link>
          </span>
        }
        title={`Changes from ${changeSet.flowName}`}
        meta={decided ? <StatusChip tone="success">Decided</StatusChip> : <StatusChip tone="warning">Waiting for a decision</StatusChip>}
        description={
          <>
            Held by the step “{changeSet.nodeLabel}” <RelativeTime value={changeSet.createdAt} />. Approved changes go on to the next steps of the run; rejected
            ones are not written.
          </>
        }
        actions={
          <Link href={`/runs/${changeSet.runId}`} className={buttonClasses({ variant: "secondary" })}>
            <RunsIcon className="size-4" />
            Open the run
          </Link>
        }
      />
      <Card className="mb-6">
        <dl className="grid grid-cols-2 divide-slate-100 sm:grid-cols-4 sm:divide-x">
          {ITEM_STATUSES.map((status) => (
            <div key={status} className="px-5 py-4">
              <dt className="text-sm text-slate-500">{itemStatusLabels[status]}</dt>
              <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">{changeSet.counts[status].toLocaleString("en")}</dd>
              {status === "pending" && changeSet.counts.pending > 0 ? <dd className="mt-0.5 text-xs text-slate-500">{opCountsText(changeSet.pending)}</dd> : null}
            </div>
          ))}
        </dl>
        <dl className="flex flex-wrap gap-x-8 gap-y-2 border-t border-line px-5 py-3 text-sm">
          <div className="flex gap-1.5">
            <dt className="text-slate-500">Who decides:</dt>
            <dd className="text-slate-800">{approverText(changeSet)}</dd>
          </div>
          <div className="flex gap-1.5">
            <dt className="text-slate-500">Deadline:</dt>
            <dd className="text-slate-800">
              {changeSet.deadlineAt ? (
                <>
                  {formatDateTime(changeSet.deadlineAt)} (<RelativeTime value={changeSet.deadlineAt} />)
                </>
              ) : (
                "None: changes wait as long as it takes"
              )}
            </dd>
          </div>
          {!decided ? (
            <div className="flex gap-1.5">
              <dt className="sr-only">Your part</dt>
              <dd className={changeSet.canDecide ? "text-emerald-700" : "text-amber-800"}>
                {changeSet.canDecide ? "You can decide" : (changeSet.cannotDecideReason ?? "You cannot decide these changes")}
              </dd>
            </div>
          ) : null}
        </dl>
      </Card>
    </>
  );
}
