"use client";

import { Button, cn, ConfirmDialog, EmptyState, Select, StatusChip, Table, TableContainer, TBody, TD, TH, THead, TR, useToast } from "@flowgate/ui";
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useEffect, useMemo, useRef, useState } from "react";
import { QueryErrorState } from "@/components/error-state";
import { CheckCircleIcon, ChevronDownIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { TableSkeleton } from "@/components/table-skeleton";
import { cellText } from "@/features/flow-editor/panels/records";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { useRetryFailed } from "./run-actions";
import {
  DEAD_LETTER_STATUSES,
  deadLetterName,
  failedRecordsText,
  isSelectable,
  pageSelectionState,
  pruneSelection,
  toggleAllShown,
  toggleOne,
  type DeadLetter,
  type DeadLetterStatus,
} from "./dead-letters";
import { formatCount, isLive, LIVE_POLL_MS, shortRunId, type RunDetail } from "./run-text";
import { LoadMore } from "@/components/load-more";

const PAGE_SIZE = 100;

type Pending = { kind: "retry-selected" } | { kind: "retry-all" } | { kind: "dismiss" };

/**
 * The run's failed records, oldest first, 100 a page: key, step, message, and the record itself on
 * demand. Open ones can be selected and retried (a new run sends them again) or dismissed.
 */
export function RunErrors({
  run,
  canEdit,
  nodeLabels,
  onRetryStarted,
  onlyNodeId,
}: {
  run: RunDetail;
  canEdit: boolean;
  nodeLabels: ReadonlyMap<string, string>;
  onRetryStarted: (retry: { runId: string; records: number }) => void;
  /** The node panel shows one step's errors, without the run-wide actions. */
  onlyNodeId?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { toast } = useToast();
  const live = isLive(run.status);
  const [status, setStatus] = useState<DeadLetterStatus | "">("");
  const errors = useInfiniteQuery(
    trpc.runs.errors.infiniteQueryOptions(
      { runId: run.id, limit: PAGE_SIZE, ...(status && { status }), ...(onlyNodeId && { nodeId: onlyNodeId }) },
      { getNextPageParam: (page) => page.nextCursor, placeholderData: keepPreviousData, refetchInterval: live ? LIVE_POLL_MS : false },
    ),
  );
  const items = useMemo(() => errors.data?.pages.flatMap((page) => page.items) ?? [], [errors.data]);

  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const selected = pruneSelection(chosen, items);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [pending, setPending] = useState<Pending | null>(null);

  const retry = useRetryFailed(run.id, (result) => {
    setPending(null);
    setChosen(new Set());
    onRetryStarted(result);
  });
  const dismiss = useMutation(
    trpc.runs.dismissErrors.mutationOptions({
      onSuccess: async ({ dismissed }) => {
        setPending(null);
        setChosen(new Set());
        toast({ tone: "success", title: `Dismissed ${failedRecordsText(dismissed)}`, description: "Retries leave them alone; they stay listed here as dismissed." });
        await queryClient.invalidateQueries(trpc.runs.errors.pathFilter());
      },
    }),
  );

  const acting = canEdit && !onlyNodeId;
  const endedHint = live ? "Wait for the run to end: a retry of a run that is still going would race it." : undefined;
  const openShown = items.some(isSelectable);
  // Under "any" or "failed", the whole list tells whether anything is left to retry; under another status it cannot.
  const nothingLeft = (status === "" || status === "open") && !errors.hasNextPage && !errors.isPending && !items.some(isSelectable);

  const confirm = () => {
    if (!pending) return;
    if (pending.kind === "dismiss") dismiss.mutate({ runId: run.id, ids: [...selected] });
    else if (pending.kind === "retry-selected") retry.mutate({ runId: run.id, ids: [...selected] });
    else retry.mutate({ runId: run.id });
  };
  const busy = retry.isPending || dismiss.isPending;
  const failure = retry.isError ? errorMessage(retry.error) : dismiss.isError ? errorMessage(dismiss.error) : undefined;

  return (
    <section aria-label={onlyNodeId ? "Failed records of this step" : "Failed records"}>
      {onlyNodeId ? null : (
        <div className="mb-3 flex flex-wrap items-center gap-2">
          <Select
            aria-label="Show failed records that are"
            className="w-44"
            value={status}
            onChange={(event) => setStatus(event.target.value as DeadLetterStatus | "")}
            options={[
              { value: "", label: "Any status" },
              ...(Object.keys(DEAD_LETTER_STATUSES) as DeadLetterStatus[]).map((s) => ({ value: s, label: DEAD_LETTER_STATUSES[s].label })),
            ]}
          />
          {acting ? (
            <div className="ml-auto flex flex-wrap items-center gap-2">
              {selected.size > 0 ? <span className="text-sm text-slate-600">{formatCount(selected.size)} selected</span> : null}
              <Button size="sm" variant="secondary" disabled={selected.size === 0} onClick={() => setPending({ kind: "dismiss" })}>
                Dismiss
              </Button>
              <Button size="sm" variant="secondary" disabled={selected.size === 0 || live} title={endedHint} onClick={() => setPending({ kind: "retry-selected" })}>
                Retry selected
              </Button>
              <Button
                size="sm"
                variant="primary"
                disabled={live || run.counts.errors === 0 || nothingLeft}
                title={endedHint ?? (nothingLeft ? "Every failed record was retried or dismissed already." : undefined)}
                onClick={() => setPending({ kind: "retry-all" })}
              >
                Retry all failed
              </Button>
            </div>
          ) : null}
        </div>
      )}

      {errors.isPending ? (
        <TableSkeleton label="Loading failed records" rows={3} cells={["h-4 w-4", "h-4 w-28", "h-4 w-24", "h-4 w-72", "ml-auto h-5 w-16 rounded-full"]} />
      ) : errors.isError ? (
        <QueryErrorState title="The failed records could not be loaded" query={errors} />
      ) : items.length === 0 ? (
        <NoErrors run={run} filtered={status !== ""} onlyNode={Boolean(onlyNodeId)} />
      ) : (
        <div className={cn("transition-opacity", errors.isPlaceholderData && "opacity-60")}>
          <TableContainer>
            <Table>
              <THead>
                <tr>
                  {acting ? (
                    <TH className="w-10">
                      <SelectAll state={pageSelectionState(selected, items)} disabled={!openShown} onChange={() => setChosen(toggleAllShown(selected, items))} />
                    </TH>
                  ) : null}
                  <TH>Record</TH>
                  {onlyNodeId ? null : <TH>Step</TH>}
                  <TH>Error</TH>
                  <TH>Status</TH>
                  <TH className="w-28">
                    <span className="sr-only">Details</span>
                  </TH>
                </tr>
              </THead>
              <TBody>
                {items.map((item) => (
                  <ErrorRow
                    key={item.id}
                    item={item}
                    stepLabel={nodeLabels.get(item.nodeId) ?? item.nodeId}
                    showStep={!onlyNodeId}
                    selectable={acting}
                    selected={selected.has(item.id)}
                    onToggle={() => setChosen(toggleOne(selected, item.id))}
                    expanded={expanded.has(item.id)}
                    onExpand={() => setExpanded(toggleOne(expanded, item.id))}
                  />
                ))}
              </TBody>
            </Table>
          </TableContainer>
          <LoadMore pages={errors} size="sm" className="mt-3" />
        </div>
      )}

      <ConfirmDialog
        open={pending !== null}
        onClose={() => {
          setPending(null);
          retry.reset();
          dismiss.reset();
        }}
        onConfirm={confirm}
        loading={busy}
        error={failure}
        danger={pending?.kind === "dismiss"}
        {...confirmWords(pending, selected.size, run.versionNumber)}
      />
    </section>
  );
}

function confirmWords(pending: Pending | null, count: number, version: number): { title: string; text: string; confirmLabel: string } {
  const newRun = `A new run of version ${version} sends them again through the steps they failed in; this run's list shows them as retried.`;
  switch (pending?.kind) {
    case "dismiss":
      return {
        title: `Dismiss ${failedRecordsText(count)}?`,
        text: "Dismissed records are not retried, by this page or by “Retry all failed”. They stay listed here as dismissed.",
        confirmLabel: "Dismiss",
      };
    case "retry-selected":
      return { title: `Retry ${failedRecordsText(count)}?`, text: newRun, confirmLabel: `Retry ${formatCount(count)}` };
    default:
      return { title: "Retry all failed records?", text: `Every failed record of this run that is not retried or dismissed yet. ${newRun}`, confirmLabel: "Retry all" };
  }
}

function SelectAll({ state, disabled, onChange }: { state: boolean | "mixed"; disabled: boolean; onChange: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === "mixed";
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select every failed record shown"
      checked={state === true}
      disabled={disabled}
      onChange={onChange}
      className="size-4 accent-accent-600"
    />
  );
}

function ErrorRow({
  item,
  stepLabel,
  showStep,
  selectable,
  selected,
  onToggle,
  expanded,
  onExpand,
}: {
  item: DeadLetter;
  stepLabel: string;
  showStep: boolean;
  selectable: boolean;
  selected: boolean;
  onToggle: () => void;
  expanded: boolean;
  onExpand: () => void;
}) {
  const name = deadLetterName(item);
  const status = DEAD_LETTER_STATUSES[item.status];
  const detailsId = `dead-letter-${item.id}`;
  const columns = 4 + (selectable ? 1 : 0) + (showStep ? 1 : 0);
  return (
    <Fragment>
      <TR className={cn(selected && "bg-accent-50/50")}>
        {selectable ? (
          <TD>
            <input
              type="checkbox"
              aria-label={`Select ${name}`}
              checked={selected}
              disabled={!isSelectable(item)}
              onChange={onToggle}
              className="size-4 accent-accent-600 disabled:opacity-30"
            />
          </TD>
        ) : null}
        <TD className="max-w-48">
          <span className={cn("block truncate text-slate-900", item.key ? "font-mono text-xs" : "text-sm")} title={name}>
            {name}
          </span>
        </TD>
        {showStep ? <TD className="max-w-40 truncate">{stepLabel}</TD> : null}
        <TD className="max-w-md">
          <span className="line-clamp-2 text-sm text-slate-700" title={item.message}>
            {item.message}
          </span>
        </TD>
        <TD>
          <StatusChip tone={status.tone} title={status.hint}>
            {status.label}
          </StatusChip>
        </TD>
        <TD className="text-right">
          <Button variant="ghost" size="sm" aria-expanded={expanded} aria-controls={detailsId} onClick={onExpand}>
            {expanded ? "Hide" : "Record"}
            <ChevronDownIcon className={cn("size-4 transition-transform", expanded && "rotate-180")} />
          </Button>
        </TD>
      </TR>
      {expanded ? (
        <tr id={detailsId} className="bg-slate-50/70">
          <td colSpan={columns} className="px-4 py-3">
            <DeadLetterDetails item={item} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function DeadLetterDetails({ item }: { item: DeadLetter }) {
  return (
    <div className="space-y-3">
      <p className="text-xs text-slate-500">
        Batch {formatCount(item.batchIndex + 1)}, record {formatCount(item.index + 1)} · attempt {item.attempt} · failed <RelativeTime value={item.createdAt} />
        {item.retriedBy ? (
          <>
            {" · "}
            {item.status === "retried" ? "retried by run " : "being retried by run "}
            <Link href={`/runs/${item.retriedBy}`} className="font-mono text-accent-700 hover:underline">
              {shortRunId(item.retriedBy)}
            </Link>
          </>
        ) : null}
      </p>
      <p className="text-sm text-slate-800">{item.message}</p>
      {item.record ? (
        <dl className="grid max-h-72 grid-cols-[minmax(8rem,auto)_1fr] gap-x-4 gap-y-1 overflow-auto rounded-control border border-line bg-white p-3 font-mono text-xs">
          {Object.entries(item.record).map(([field, value]) => (
            <Fragment key={field}>
              <dt className="text-slate-500">{field}</dt>
              <dd className="break-all text-slate-800">{cellText(value)}</dd>
            </Fragment>
          ))}
        </dl>
      ) : (
        <p className="text-sm text-slate-500">The record was not kept (it failed before it was read whole), so it cannot be retried from here.</p>
      )}
    </div>
  );
}

function NoErrors({ run, filtered, onlyNode }: { run: RunDetail; filtered: boolean; onlyNode: boolean }) {
  if (onlyNode) return <p className="text-sm text-slate-500">No record failed in this step.</p>;
  if (filtered) return <p className="rounded-card border border-dashed border-slate-300 px-6 py-8 text-center text-sm text-slate-600">No failed record of this run has this status.</p>;
  return (
    <EmptyState
      icon={<CheckCircleIcon />}
      title={isLive(run.status) ? "No record has failed so far" : "No record failed in this run"}
      text={isLive(run.status) ? "Records that a step cannot process show up here as the run goes on." : "Every record that reached a step went through it."}
    />
  );
}
