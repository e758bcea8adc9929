"use client";

import { Button, cn, Input, Spinner } from "@flowgate/ui";
import { useId } from "react";
import { CheckIcon, CrossIcon } from "@/components/icons";
import { changesText, decidingText } from "./approval-text";
import type { DecideRequest } from "./use-decide";

/** One key in the help line. */
function Key({ children }: { children: string }) {
  return <kbd className="rounded border border-slate-300 bg-white px-1.5 py-px font-mono text-[11px] text-slate-700 shadow-xs">{children}</kbd>;
}

/**
 * The toolbar over the table: what is selected, "Select all matching", an optional comment, and
 * Approve / Reject. While a decision applies it shows its progress instead; when the person may not
 * decide, the buttons stay visible but disabled, with the reason beside them.
 */
export function DecideBar({
  selected,
  allMatching,
  matchingTotal,
  canSelectAllMatching,
  onSelectAllMatching,
  onClearSelection,
  comment,
  onComment,
  onDecide,
  canDecide,
  cannotDecideReason,
  inFlight,
  settling,
}: {
  selected: number;
  /** Every item matching the filter is selected (decided by the filter, not ids). */
  allMatching: boolean;
  matchingTotal: number;
  /** False when the view shows decided items: only waiting ones can be decided by a filter. */
  canSelectAllMatching: boolean;
  onSelectAllMatching: () => void;
  onClearSelection: () => void;
  comment: string;
  onComment: (comment: string) => void;
  onDecide: (decision: "approve" | "reject") => void;
  canDecide: boolean;
  cannotDecideReason: string | null;
  inFlight: DecideRequest | null;
  /** The filters changed and the table has not caught up yet. */
  settling: boolean;
}) {
  const reasonId = useId();
  const busy = inFlight !== null;
  const disabled = !canDecide || selected === 0 || busy || settling;
  const disabledTitle = !canDecide
    ? (cannotDecideReason ?? "You may not decide these changes")
    : selected === 0
      ? "Select changes first: tick their boxes, or press x on a row"
      : settling
        ? "Applying the filters…"
        : undefined;

  return (
    <div className="mb-3 rounded-card border border-line bg-white px-4 py-3 shadow-card">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-3">
        {busy ? (
          <p role="status" className="flex items-center gap-2 text-sm font-medium text-accent-800">
            <Spinner className="text-accent-600" />
            {decidingText(inFlight.decision, inFlight.count)}
          </p>
        ) : (
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2 text-sm text-slate-700">
            <span aria-live="polite" className="tabular-nums">
              {allMatching ? `All ${changesText(matchingTotal)} matching the filters are selected` : selected > 0 ? `${selected.toLocaleString("en")} selected` : "None selected"}
            </span>
            {!allMatching && matchingTotal > 0 ? (
              <Button
                size="sm"
                variant="secondary"
                onClick={onSelectAllMatching}
                disabled={!canSelectAllMatching || settling}
                title={
                  !canSelectAllMatching
                    ? "Show pending changes to select all that match"
                    : settling
                      ? "Applying the filters…"
                      : `Select every waiting change that matches the filters (${changesText(matchingTotal)})`
                }
              >
                Select all matching
              </Button>
            ) : null}
            {selected > 0 ? (
              <Button size="sm" variant="ghost" onClick={onClearSelection}>
                Clear selection
              </Button>
            ) : null}
          </div>
        )}
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <div className="w-56">
            <Input
              aria-label="Comment (optional)"
              placeholder="Comment (optional)"
              maxLength={1000}
              value={comment}
              onChange={(event) => onComment(event.target.value)}
              disabled={!canDecide || busy}
            />
          </div>
          <Button
            variant="secondary"
            className={cn(!disabled && "text-red-700 hover:bg-red-50 hover:text-red-800")}
            disabled={disabled}
            title={disabledTitle}
            aria-describedby={!canDecide && cannotDecideReason ? reasonId : undefined}
            icon={<CrossIcon className="size-4" />}
            loading={inFlight?.decision === "reject"}
            onClick={() => onDecide("reject")}
          >
            Reject selected
          </Button>
          <Button
            variant="primary"
            disabled={disabled}
            title={disabledTitle}
            aria-describedby={!canDecide && cannotDecideReason ? reasonId : undefined}
            icon={<CheckIcon className="size-4" />}
            loading={inFlight?.decision === "approve"}
            onClick={() => onDecide("approve")}
          >
            Approve selected
          </Button>
        </div>
      </div>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2 border-t border-slate-100 pt-2 text-xs text-slate-500">
        {!canDecide && cannotDecideReason ? (
          <p id={reasonId} className="font-medium text-amber-800">
            {cannotDecideReason}
          </p>
        ) : (
          <span />
        )}
        <p>
          Keys: <Key>j</Key> <Key>k</Key> move · <Key>x</Key> select · <Key>a</Key> approve · <Key>r</Key> reject (the selected changes, else the focused
          one)
        </p>
      </div>
    </div>
  );
}
