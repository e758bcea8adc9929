import type { ChangeItemFilter } from "@/lib/api-types";
import { CHANGE_OPS, ITEM_STATUSES, type ChangeOp, type ItemStatus } from "./approval-text";

/*
 * The change set page's filters and sort, kept in the address (so a filtered view can be shared and
 * survives a reload), and how they become approvals.items' filter. Waiting changes are the default view.
 */

export type ItemSort = "id" | "key" | "change";

export interface ItemQuery {
  /** "any" shows decided items too. */
  status: ItemStatus | "any";
  op?: ChangeOp;
  changedField?: string;
  text?: string;
  /** The numeric threshold: a field and its minimum change in percent; it filters once both are set. */
  numericField?: string;
  minPercent?: number;
  sort: ItemSort;
  /** For sort "change": the numeric field whose change orders the items, largest first. */
  sortField?: string;
}

export const DEFAULT_ITEM_QUERY: ItemQuery = { status: "pending", sort: "id" };

const MAX_TEXT = 200;

function member<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

function text(value: string | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, MAX_TEXT) : undefined;
}

/** Reads the query from the address; anything unknown or malformed falls back to the default. */
export function parseItemQuery(params: { get(name: string): string | null }): ItemQuery {
  const status = params.get("status") === "any" ? "any" : (member(ITEM_STATUSES, params.get("status")) ?? DEFAULT_ITEM_QUERY.status);
  const sort = member(["id", "key", "change"] as const, params.get("sort")) ?? DEFAULT_ITEM_QUERY.sort;
  const min = params.get("min");
  const minPercent = min !== null && min.trim() !== "" && Number.isFinite(Number(min)) && Number(min) >= 0 ? Number(min) : undefined;
  const query: ItemQuery = { status, sort };
  const op = member(CHANGE_OPS, params.get("op"));
  if (op) query.op = op;
  const changedField = text(params.get("field"));
  if (changedField) query.changedField = changedField;
  const search = text(params.get("q"));
  if (search) query.text = search;
  const numericField = text(params.get("num"));
  if (numericField) query.numericField = numericField;
  if (minPercent !== undefined) query.minPercent = minPercent;
  const sortField = text(params.get("by"));
  if (sort === "change" && sortField) query.sortField = sortField;
  return query;
}

/** The query as an address's search part, without the defaults ("" for the default view). */
export function itemQueryString(query: ItemQuery): string {
  const params = new URLSearchParams();
  if (query.status !== DEFAULT_ITEM_QUERY.status) params.set("status", query.status);
  if (query.op) params.set("op", query.op);
  if (query.changedField) params.set("field", query.changedField);
  if (query.text?.trim()) params.set("q", query.text.trim());
  if (query.numericField) params.set("num", query.numericField);
  if (query.minPercent !== undefined) params.set("min", String(query.minPercent));
  if (query.sort !== DEFAULT_ITEM_QUERY.sort) params.set("sort", query.sort);
  if (query.sort === "change" && query.sortField) params.set("by", query.sortField);
  return params.toString();
}

/** approvals.items' (and decide's) filter for the query. */
export function itemFilterOf(query: ItemQuery): ChangeItemFilter {
  const filter: ChangeItemFilter = {};
  if (query.status !== "any") filter.status = query.status;
  if (query.op) filter.op = query.op;
  if (query.changedField) filter.changedField = query.changedField;
  if (query.text?.trim()) filter.text = query.text.trim();
  if (query.numericField && query.minPercent !== undefined) filter.numeric = { field: query.numericField, minPercent: query.minPercent };
  return filter;
}

/**
 * approvals.items' sort. "Biggest change" needs a numeric field: the one chosen, else the threshold's
 * field; without either the items keep their order.
 */
export function itemSortOf(query: ItemQuery): { sort: ItemSort; sortField?: string } {
  if (query.sort !== "change") return { sort: query.sort };
  const sortField = query.sortField ?? query.numericField;
  return sortField ? { sort: "change", sortField } : { sort: "id" };
}

/** The sort select's value: "id", "key" or "change:<field>". */
export function sortOptionValue(query: ItemQuery): string {
  const { sort, sortField } = itemSortOf(query);
  return sort === "change" ? `change:${sortField}` : sort;
}

/** The query with the sort a select option names. */
export function withSortOption(query: ItemQuery, value: string): ItemQuery {
  const { sortField: _dropped, ...rest } = query;
  if (value.startsWith("change:")) return { ...rest, sort: "change", sortField: value.slice("change:".length) };
  return { ...rest, sort: value === "key" ? "key" : "id" };
}

/** Whether any filter narrows the default view (the sort does not count). */
export function isFiltered(query: ItemQuery): boolean {
  return Boolean(
    query.status !== DEFAULT_ITEM_QUERY.status || query.op || query.changedField || query.text?.trim() || query.numericField || query.minPercent !== undefined,
  );
}

/** The same filters: a selection made under one filter is void under another. */
export function sameFilter(a: ItemQuery, b: ItemQuery): boolean {
  return JSON.stringify(itemFilterOf(a)) === JSON.stringify(itemFilterOf(b));
}
