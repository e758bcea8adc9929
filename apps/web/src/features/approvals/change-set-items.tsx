"use client";

import { Button, cn, ConfirmDialog, Spinner, Table, TableContainer, TBody, TD, TH, THead, TR, useToast } from "@flowgate/ui";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from "react";
import { QueryErrorState } from "@/components/error-state";
import { OpChip } from "@/features/flow-editor/panels/planned-writes";
import type { ChangeSetDetail, ChangeSetItem } from "@/lib/api-types";
import { useTRPC } from "@/lib/trpc";
import { changesText, itemName, type Decision } from "./approval-text";
import { DecideBar } from "./decide-bar";
import { ItemDiff, ItemStatusCell } from "./item-diff";
import { ItemFilters, useFilterDrafts } from "./item-filters";
import { DEFAULT_ITEM_QUERY, isFiltered, itemFilterOf, itemQueryString, itemSortOf, parseItemQuery, type ItemQuery } from "./item-query";
import { decideTarget, isSelected, moveFocus, NO_SELECTION, pageSelectionState, selectedCount, selectRows, toggleRow, type Selection } from "./selection";
import { useDecide, type DecideRequest } from "./use-decide";
import { TableSkeleton } from "@/components/table-skeleton";
import { LoadMore } from "@/components/load-more";

const PAGE_SIZE = 100;
/** Above this many items a decision asks first: a stray key press must not approve a thousand prices. */
const CONFIRM_ABOVE = 100;

/** Keys typed into a text box belong to it; a checkbox or a row passes them on to the shortcuts. */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit", "reset"].includes(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/**
 * The items of a change set: filters and sort in the address, a server-paged table (100 per page,
 * "Load more"), selection by row, page or filter, and Approve / Reject with j/k/x/a/r on the keyboard.
 */
export function ChangeSetItems({ changeSet }: { changeSet: ChangeSetDetail }) {
  const trpc = useTRPC();
  const { toast } = useToast();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const query = useMemo(() => parseItemQuery(searchParams), [searchParams]);
  const setQuery = useCallback(
    (next: ItemQuery) => {
      const search = itemQueryString(next);
      // The native history call updates useSearchParams without a server round trip (router.replace would re-render the page on the server).
      window.history.replaceState(null, "", search ? `${pathname}?${search}` : pathname);
    },
    [pathname],
  );
  const drafts = useFilterDrafts(query, setQuery);
  const clearFilters = () => {
    const cleared: ItemQuery = { ...DEFAULT_ITEM_QUERY, sort: query.sort, ...(query.sortField ? { sortField: query.sortField } : {}) };
    drafts.reset(cleared);
    setQuery(cleared);
  };

  const filter = useMemo(() => itemFilterOf(query), [query]);
  const items = useInfiniteQuery(
    trpc.approvals.items.infiniteQueryOptions(
      { changeSetId: changeSet.id, filter, ...itemSortOf(query), limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const rows = useMemo(() => items.data?.pages.flatMap((page) => page.items) ?? [], [items.data]);
  const total = items.data?.pages[0]?.total ?? 0;

  // A selection belongs to the filter it was made under: another filter starts from nothing.
  const filterKey = JSON.stringify(filter);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [selectionFilterKey, setSelectionFilterKey] = useState(filterKey);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  if (selectionFilterKey !== filterKey) {
    setSelectionFilterKey(filterKey);
    setSelection(NO_SELECTION);
    setFocusIndex(null);
  }
  const [comment, setComment] = useState("");
  const [confirming, setConfirming] = useState<DecideRequest | null>(null);
  const { decide, inFlight } = useDecide(changeSet.id, {
    onDecided: () => {
      setSelection(NO_SELECTION);
      setComment("");
    },
  });

  const count = selectedCount(selection, total);
  // Until the table shows what the filters now say, a decision by filter would take items the person has not seen.
  const settling = drafts.drafting || items.isPlaceholderData;
  const canSelectAllMatching = query.status === "pending";

  const request = (decision: Decision, target: DecideRequest["target"] | null, itemCount: number) => {
    if (!changeSet.canDecide) {
      toast({ tone: "info", title: "You cannot decide these changes", description: changeSet.cannotDecideReason ?? undefined });
      return;
    }
    if (!target || itemCount === 0) {
      toast({ tone: "info", title: "Nothing selected", description: "Tick the changes to decide, or move to one with j and k." });
      return;
    }
    const next: DecideRequest = { decision, target, count: itemCount, ...(comment.trim() ? { comment } : {}) };
    if (itemCount > CONFIRM_ABOVE) setConfirming(next);
    else decide(next);
  };
  const decideSelected = (decision: Decision) => request(decision, decideTarget(selection, filter), count);

  const rowRefs = useRef(new Map<number, HTMLTableRowElement>());
  const focusRow = (index: number | null) => {
    setFocusIndex(index);
    const row = index === null ? undefined : rows[index];
    if (row) rowRefs.current.get(row.id)?.focus();
  };

  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTextEntry(event.target)) return;
    if (document.querySelector("dialog[open]") || inFlight) return;
    const focused = focusIndex === null ? undefined : rows[focusIndex];
    switch (event.key) {
      case "j":
      case "k":
        event.preventDefault();
        focusRow(moveFocus(focusIndex, event.key === "j" ? 1 : -1, rows.length));
        return;
      case "x":
        if (!focused) return;
        event.preventDefault();
        setSelection((current) => toggleRow(current, focused, rows));
        return;
      case "a":
      case "r": {
        event.preventDefault();
        if (settling) return;
        const decision: Decision = event.key === "a" ? "approve" : "reject";
        if (count > 0) decideSelected(decision);
        else if (focused?.status === "pending") request(decision, { ids: [focused.id] }, 1);
        else request(decision, null, 0);
        return;
      }
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);

  return (
    <section aria-label="Changes in this set">
      <ItemFilters
        query={query}
        drafts={drafts}
        onChange={setQuery}
        onClear={clearFilters}
        changedFields={changeSet.changedFields}
        numericFields={changeSet.numericFields}
      />
      <DecideBar
        selected={count}
        allMatching={selection.kind === "matching"}
        matchingTotal={total}
        canSelectAllMatching={canSelectAllMatching}
        onSelectAllMatching={() => setSelection({ kind: "matching" })}
        onClearSelection={() => setSelection(NO_SELECTION)}
        comment={comment}
        onComment={setComment}
        onDecide={decideSelected}
        canDecide={changeSet.canDecide}
        cannotDecideReason={changeSet.cannotDecideReason}
        inFlight={inFlight}
        settling={settling}
      />
      <div className="mb-2 flex items-center gap-2 text-sm text-slate-600">
        <p aria-live="polite" className="font-medium text-slate-800 tabular-nums">
          {items.data ? changesText(total) : "\u00a0"}
        </p>
        {items.data && rows.length < total ? <p className="tabular-nums">(showing {rows.length.toLocaleString("en")})</p> : null}
        {items.isFetching && items.data ? <Spinner label="Updating the changes" className="text-slate-400" /> : null}
      </div>
      {items.isPending ? (
        <ItemsSkeleton />
      ) : items.isError && !items.data ? (
        <QueryErrorState title="The changes could not be loaded" query={items} />
      ) : rows.length === 0 ? (
        <NoItems query={query} onClear={clearFilters} onShowAll={() => setQuery({ ...query, status: "any" })} />
      ) : (
        <>
          <ItemsTable
            rows={rows}
            approvalsRequired={changeSet.approvalsRequired}
            selection={selection}
            onSelection={setSelection}
            focusIndex={focusIndex}
            onFocusIndex={setFocusIndex}
            rowRefs={rowRefs.current}
          />
          <LoadMore pages={items} className="mt-4" />
        </>
      )}
      <ConfirmDialog
        open={confirming !== null}
        onClose={() => setConfirming(null)}
        onConfirm={() => {
          if (confirming) decide(confirming);
          setConfirming(null);
        }}
        title={confirming ? `${confirming.decision === "approve" ? "Approve" : "Reject"} ${changesText(confirming.count)}?` : ""}
        text={
          confirming?.decision === "approve"
            ? "The flow goes on with them and writes them to the destination. This cannot be undone."
            : "They will not be written, and are not proposed again until their source changes them. This cannot be undone."
        }
        confirmLabel={confirming ? `${confirming.decision === "approve" ? "Approve" : "Reject"} ${changesText(confirming.count)}` : "Confirm"}
        danger={confirming?.decision === "reject"}
      />
    </section>
  );
}

function ItemsTable({
  rows,
  approvalsRequired,
  selection,
  onSelection,
  focusIndex,
  onFocusIndex,
  rowRefs,
}: {
  rows: readonly ChangeSetItem[];
  approvalsRequired: number;
  selection: Selection;
  onSelection: (update: (current: Selection) => Selection) => void;
  focusIndex: number | null;
  onFocusIndex: (index: number) => void;
  rowRefs: Map<number, HTMLTableRowElement>;
}) {
  const pageState = pageSelectionState(selection, rows);
  const anyPending = rows.some((row) => row.status === "pending");
  return (
    <TableContainer>
      <Table aria-label="Changes">
        <THead>
          <tr>
            <TH className="w-10 pr-0">
              <PageCheckbox
                state={pageState}
                disabled={!anyPending}
                onChange={(checked) => onSelection((current) => selectRows(current, rows, checked))}
              />
            </TH>
            <TH className="w-56">Key</TH>
            <TH className="w-20">Change</TH>
            <TH>Fields</TH>
            <TH className="w-40">Status</TH>
          </tr>
        </THead>
        <TBody>
          {rows.map((item, index) => {
            const selected = isSelected(selection, item);
            const name = itemName(item);
            return (
              <TR
                key={item.id}
                ref={(element) => {
                  if (element) rowRefs.set(item.id, element);
                  else rowRefs.delete(item.id);
                }}
                tabIndex={-1}
                onFocus={() => onFocusIndex(index)}
                className={cn(
                  "align-top outline-none focus-visible:bg-accent-50/60",
                  selected && "bg-accent-50/40",
                  // The focused row (j/k) is marked by a bar at its left edge: a cell's shadow draws where a row's would not.
                  focusIndex === index && "[&>td:first-child]:shadow-[inset_3px_0_0_var(--color-accent-500)]",
                )}
              >
                <TD className="pr-0 align-top">
                  <input
                    type="checkbox"
                    aria-label={`Select ${item.key}`}
                    checked={selected}
                    disabled={item.status !== "pending"}
                    title={item.status !== "pending" ? "Already decided" : undefined}
                    onChange={() => onSelection((current) => toggleRow(current, item, rows))}
                    className="mt-0.5 size-4 rounded border-slate-300 accent-accent-600 disabled:opacity-40"
                  />
                </TD>
                <TD className="max-w-56 align-top">
                  <span className="block truncate font-medium text-slate-900" title={item.key}>
                    {item.key}
                  </span>
                  {name ? (
                    <span className="block truncate text-xs text-slate-500" title={name}>
                      {name}
                    </span>
                  ) : null}
                </TD>
                <TD className="align-top">
                  <OpChip op={item.op} />
                </TD>
                <TD className="align-top">
                  <ItemDiff item={item} />
                </TD>
                <TD className="align-top">
                  <ItemStatusCell item={item} approvalsRequired={approvalsRequired} />
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
    </TableContainer>
  );
}

/** "Select this page": ticked when every waiting row shown is selected, a dash when some are. */
function PageCheckbox({ state, disabled, onChange }: { state: "all" | "some" | "none"; disabled: boolean; onChange: (checked: boolean) => void }) {
  return (
    <input
      type="checkbox"
      aria-label="Select this page"
      ref={(element) => {
        if (element) element.indeterminate = state === "some";
      }}
      checked={state === "all"}
      disabled={disabled}
      onChange={(event) => onChange(event.target.checked)}
      className="size-4 rounded border-slate-300 accent-accent-600 disabled:opacity-40"
    />
  );
}

function NoItems({ query, onClear, onShowAll }: { query: ItemQuery; onClear: () => void; onShowAll: () => void }) {
  const filtered = isFiltered(query);
  const onlyWaiting = !filtered && query.status === "pending";
  return (
    <div role="status" className="rounded-card border border-dashed border-slate-300 bg-white/60 px-6 py-10 text-center">
      <p className="text-sm text-slate-700">
        {onlyWaiting ? "Nothing waits here: every change in this set is decided." : "No change matches these filters."}
      </p>
      <Button variant="secondary" size="sm" className="mt-3" onClick={onlyWaiting ? onShowAll : onClear}>
        {onlyWaiting ? "Show all changes" : "Clear filters"}
      </Button>
    </div>
  );
}

function ItemsSkeleton() {
  return <TableSkeleton label="Loading changes" rows={5} headerWidth="w-48" cells={["size-4", "h-4 w-32", "h-5 w-14 rounded-full", "h-4 w-72", "ml-auto h-5 w-20 rounded-full"]} />;
}
