"use client";

import { Button, EmptyState, Input, Label, PageHeader, Skeleton, StatusChip, Table, TableContainer, TBody, TD, TH, THead, TR } from "@flowgate/ui";
import { useInfiniteQuery, useQueries } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Fragment, useId, useMemo, useState, type FormEvent } from "react";
import { RunStatusChip } from "@/app/(app)/flows/flow-status";
import { QueryErrorState } from "@/components/error-state";
import { SearchIcon } from "@/components/icons";
import { RelativeTime } from "@/components/relative-time";
import { RawJson } from "@/features/flow-editor/panels/records-table";
import type { RouterOutputs } from "@/lib/api-types";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { LineageIcon } from "./lineage-icon";
import { groupByRun, lineageHref, nodeLabelsOf, opLabel, outcomeText, parseKey, type RunGroup } from "./lineage-text";
import { LoadMore } from "@/components/load-more";

type Entry = RouterOutputs["lineage"]["search"]["items"][number];

const PAGE_SIZE = 50;
const timeOfDay = new Intl.DateTimeFormat("en", { timeStyle: "medium" });

/** One record's story across flows: every run and step that touched its key, newest first, grouped by run. */
export function LineageView() {
  const router = useRouter();
  const recordKey = parseKey(useSearchParams().get("key"));
  return (
    <>
      <PageHeader
        title="Lineage"
        description="Follow one record through every flow: each run and step that wrote it, skipped it, failed on it or decided on its change."
      />
      <SearchForm key={recordKey ?? ""} initial={recordKey ?? ""} onSearch={(key) => router.push(lineageHref(key))} />
      {recordKey === null ? <NothingSearched /> : <Timeline key={recordKey} recordKey={recordKey} />}
    </>
  );
}

function SearchForm({ initial, onSearch }: { initial: string; onSearch: (key: string) => void }) {
  const id = useId();
  const [value, setValue] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (parseKey(value) !== null) onSearch(value);
  };
  return (
    <form role="search" onSubmit={submit} className="mb-6 max-w-xl">
      <Label htmlFor={id} className="mb-1.5">
        Record key
      </Label>
      <div className="flex gap-2">
        <div className="relative flex-1">
          <SearchIcon aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400" />
          <Input
            id={id}
            value={value}
            onChange={(event) => setValue(event.target.value)}
            placeholder="e.g. SKU-1042"
            spellCheck={false}
            autoComplete="off"
            autoFocus={initial === ""}
            className="pl-9"
          />
        </div>
        <Button type="submit" variant="primary" disabled={parseKey(value) === null}>
          Search
        </Button>
      </div>
    </form>
  );
}

function NothingSearched() {
  return (
    <EmptyState
      icon={<LineageIcon />}
      title="Follow one record through every flow"
      text={
        <>
          <p>
            Enter a record&apos;s <strong className="font-medium text-slate-800">key</strong>: the value a flow uses to tell records apart, such as a
            product&apos;s SKU or an order number (the flow&apos;s key field names it).
          </p>
          <p className="mt-2">
            You see every run and step that touched that record: what was written, what the destination answered, what failed, and who approved
            or rejected the change.
          </p>
        </>
      }
    />
  );
}

function Timeline({ recordKey }: { recordKey: string }) {
  const trpc = useTRPC();
  const search = useInfiniteQuery(
    trpc.lineage.search.infiniteQueryOptions({ key: recordKey, limit: PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor }),
  );
  const entries = useMemo(() => search.data?.pages.flatMap((page) => page.items) ?? [], [search.data]);
  const groups = useMemo(() => groupByRun(entries), [entries]);
  const labels = useNodeLabels(groups.map((g) => g.flowId));

  if (search.isPending) return <TimelineSkeleton />;
  if (search.isError) return <QueryErrorState title="The lineage could not be loaded" query={search} />;
  if (entries.length === 0) {
    return (
      <EmptyState
        icon={<SearchIcon />}
        title={`Nothing recorded for “${recordKey}”`}
        text="No flow has written, skipped, failed on or decided on a record with this key. Keys must match exactly, capitals included: check the spelling, or open a run's records to see the key its flow uses."
      />
    );
  }
  return (
    <div className="space-y-5">
      <p className="text-sm text-slate-600" role="status">
        {entries.length.toLocaleString("en")} {entries.length === 1 ? "entry" : "entries"}
        {search.hasNextPage ? " so far" : ""} for <span className="font-medium text-slate-900">{recordKey}</span> in{" "}
        {groups.length.toLocaleString("en")} {groups.length === 1 ? "run" : "runs"}, newest first.
      </p>
      {groups.map((group) => (
        <RunEntries key={group.runId} group={group} labels={labels.get(group.flowId)} />
      ))}
      <LoadMore pages={search} label="Load older entries" />
    </div>
  );
}

/** The names of each flow's steps (the lineage stores node ids), from the flow's current draft. */
function useNodeLabels(flowIds: readonly string[]): Map<string, Map<string, string>> {
  const trpc = useTRPC();
  const distinct = [...new Set(flowIds)];
  const flows = useQueries({
    queries: distinct.map((flowId) => trpc.flows.get.queryOptions({ flowId }, { staleTime: 60_000, refetchOnWindowFocus: false, retry: false })),
  });
  return new Map(distinct.map((flowId, i) => [flowId, nodeLabelsOf(flows[i]?.data?.draft)]));
}

function RunEntries({ group, labels }: { group: RunGroup<Entry>; labels: Map<string, string> | undefined }) {
  const newest = group.entries[0]!;
  return (
    <section aria-label={`${group.flowName}, run of ${formatDateTime(newest.createdAt)}`}>
      <TableContainer>
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-line px-4 py-3">
          <Link href={`/flows/${group.flowId}`} className="font-semibold text-slate-900 hover:text-accent-700 hover:underline">
            {group.flowName}
          </Link>
          <RunStatusChip status={group.runStatus} />
          <span className="text-sm text-slate-500">
            <RelativeTime value={newest.createdAt} />
          </span>
          <Link href={`/runs/${group.runId}`} className="ml-auto text-sm font-medium text-accent-700 hover:underline">
            View run
          </Link>
        </div>
        {/* Fixed columns, so the tables of every run line up under each other. */}
        <Table className="min-w-[52rem] table-fixed">
          <THead>
            <tr>
              <TH className="w-32">Time</TH>
              <TH className="w-56">Step</TH>
              <TH className="w-36">Operation</TH>
              <TH className="w-32">Outcome</TH>
              <TH>Answer or decision</TH>
              <TH className="w-36 text-right">
                <span className="sr-only">Record</span>
              </TH>
            </tr>
          </THead>
          <TBody>
            {group.entries.map((entry) => (
              <EntryRow key={entry.id} entry={entry} stepLabel={labels?.get(entry.nodeId)} />
            ))}
          </TBody>
        </Table>
      </TableContainer>
    </section>
  );
}

function EntryRow({ entry, stepLabel }: { entry: Entry; stepLabel: string | undefined }) {
  const [open, setOpen] = useState(false);
  const recordId = useId();
  const outcome = outcomeText(entry.outcome);
  return (
    <Fragment>
      <TR>
        <TD className="whitespace-nowrap tabular-nums text-slate-600">
          <time dateTime={entry.createdAt} title={formatDateTime(entry.createdAt)}>
            {timeOfDay.format(new Date(entry.createdAt))}
          </time>
        </TD>
        <TD>
          <span className="block truncate font-medium text-slate-800" title={stepLabel ? `${stepLabel} (${entry.nodeId})` : entry.nodeId}>
            {stepLabel ?? entry.nodeId}
          </span>
          {entry.batchIndex > 0 ? <span className="block text-xs text-slate-500">Batch {(entry.batchIndex + 1).toLocaleString("en")}</span> : null}
        </TD>
        <TD className="whitespace-nowrap">{opLabel(entry.op)}</TD>
        <TD>
          <StatusChip tone={outcome.tone} title={outcome.description}>
            {outcome.label}
          </StatusChip>
        </TD>
        <TD className={entry.outcome === "failed" ? "text-red-700" : undefined}>
          {entry.detail ? <span className="line-clamp-2 break-words" title={entry.detail}>{entry.detail}</span> : <span className="text-slate-400">—</span>}
        </TD>
        <TD className="text-right whitespace-nowrap">
          {entry.record ? (
            <Button size="sm" variant="ghost" aria-expanded={open} aria-controls={recordId} onClick={() => setOpen((o) => !o)}>
              {open ? "Hide record" : "Show record"}
            </Button>
          ) : null}
        </TD>
      </TR>
      {open && entry.record ? (
        <tr id={recordId}>
          <td colSpan={6} className="bg-slate-50/60 px-4 pt-1 pb-3">
            <RawJson value={entry.record} label={`Record ${entry.key} at ${formatDateTime(entry.createdAt)}`} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function TimelineSkeleton() {
  return (
    <div className="space-y-5" aria-busy="true" aria-label="Loading the lineage">
      {Array.from({ length: 2 }, (_, i) => (
        <TableContainer key={i}>
          <div className="flex items-center gap-3 border-b border-line px-4 py-3.5">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-5 w-20 rounded-full" />
            <Skeleton className="ml-auto h-4 w-16" />
          </div>
          {Array.from({ length: 2 }, (_, j) => (
            <div key={j} className="flex items-center gap-6 border-b border-slate-100 px-4 py-4 last:border-0">
              <Skeleton className="h-4 w-20" />
              <Skeleton className="h-4 w-32" />
              <Skeleton className="h-4 w-16" />
              <Skeleton className="h-5 w-20 rounded-full" />
              <Skeleton className="h-4 w-40" />
            </div>
          ))}
        </TableContainer>
      ))}
    </div>
  );
}
