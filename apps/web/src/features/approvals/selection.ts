import type { ChangeItemFilter } from "@/lib/api-types";

/*
 * What a decision applies to: rows picked by id, or every item that matches the filter — thousands
 * of them, most never loaded, so that one goes to the server as the filter itself.
 */

export type Selection = { kind: "ids"; ids: ReadonlySet<number> } | { kind: "matching" };

export const NO_SELECTION: Selection = { kind: "ids", ids: new Set() };

/** Only waiting items can be decided, so only they can be selected. */
export interface SelectableRow {
  id: number;
  status: string;
}

function pendingIds(rows: readonly SelectableRow[]): number[] {
  return rows.filter((row) => row.status === "pending").map((row) => row.id);
}

export function isSelected(selection: Selection, row: SelectableRow): boolean {
  if (row.status !== "pending") return false;
  return selection.kind === "matching" || selection.ids.has(row.id);
}

/**
 * Flips one row. Unticking a row while "all matching" is selected keeps the other loaded rows
 * selected: the choice turns into those ids.
 */
export function toggleRow(selection: Selection, row: SelectableRow, loaded: readonly SelectableRow[]): Selection {
  if (row.status !== "pending") return selection;
  const ids = new Set(selection.kind === "matching" ? pendingIds(loaded) : selection.ids);
  if (selection.kind === "matching" || ids.has(row.id)) ids.delete(row.id);
  else ids.add(row.id);
  return { kind: "ids", ids };
}

/** "Select this page": ticked → every waiting row shown; unticked → none. */
export function selectRows(selection: Selection, rows: readonly SelectableRow[], selected: boolean): Selection {
  if (!selected) return NO_SELECTION;
  const ids = new Set(selection.kind === "ids" ? selection.ids : []);
  for (const id of pendingIds(rows)) ids.add(id);
  return { kind: "ids", ids };
}

/** The state of the "Select this page" box: all, some or none of the waiting rows shown. */
export function pageSelectionState(selection: Selection, rows: readonly SelectableRow[]): "all" | "some" | "none" {
  const ids = pendingIds(rows);
  if (ids.length === 0) return "none";
  if (selection.kind === "matching") return "all";
  const picked = ids.filter((id) => selection.ids.has(id)).length;
  return picked === 0 ? "none" : picked === ids.length ? "all" : "some";
}

/** How many items a decision would take: the ids, or every item the filter matches. */
export function selectedCount(selection: Selection, matchingTotal: number): number {
  return selection.kind === "matching" ? matchingTotal : selection.ids.size;
}

/** approvals.decide's target for the selection; null when nothing is selected. */
export function decideTarget(selection: Selection, filter: ChangeItemFilter): { ids: number[] } | { filter: ChangeItemFilter } | null {
  if (selection.kind === "matching") return { filter };
  return selection.ids.size > 0 ? { ids: [...selection.ids].sort((a, b) => a - b) } : null;
}

/** Moves the focused row by `step` (j/k), staying inside the list; from no focus, j starts at the top. */
export function moveFocus(index: number | null, step: number, length: number): number | null {
  if (length === 0) return null;
  if (index === null) return step > 0 ? 0 : length - 1;
  return Math.min(length - 1, Math.max(0, index + step));
}
