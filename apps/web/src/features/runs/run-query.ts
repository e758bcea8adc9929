import type { RouterInputs } from "@/lib/api-types";
import { RUN_STATUSES, RUN_TRIGGERS, type RunStatus, type RunTrigger } from "./run-text";

/*
 * The runs page's filters, kept in the address (a filtered view can be shared and survives a
 * reload), and how they become runs.list's input.
 */

export const TIME_RANGES = [
  { value: "1h", label: "Last hour", ms: 60 * 60 * 1000 },
  { value: "24h", label: "Last 24 hours", ms: 24 * 60 * 60 * 1000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 24 * 60 * 60 * 1000 },
  { value: "30d", label: "Last 30 days", ms: 30 * 24 * 60 * 60 * 1000 },
] as const;
export type TimeRange = (typeof TIME_RANGES)[number]["value"];

export interface RunsQuery {
  flowId?: string;
  status?: RunStatus;
  trigger?: RunTrigger;
  range?: TimeRange;
  /** Text in the flow's name, or a run id. */
  search?: string;
  /** The page: runs older than this cursor (none: the newest). */
  cursor?: string;
}

export type RunsListInput = RouterInputs["runs"]["list"];

export const PAGE_SIZE = 50;
const MAX_SEARCH = 200;
const MAX_ID = 100;
const MAX_CURSOR = 500;

function member<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

function text(value: string | null, max: number): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, max) : undefined;
}

/** Reads the filters from the address; anything unknown or malformed is left out. */
export function parseRunsQuery(params: { get(name: string): string | null }): RunsQuery {
  const query: RunsQuery = {};
  const flowId = text(params.get("flow"), MAX_ID);
  if (flowId) query.flowId = flowId;
  const status = member(RUN_STATUSES, params.get("status"));
  if (status) query.status = status;
  const trigger = member(RUN_TRIGGERS, params.get("trigger"));
  if (trigger) query.trigger = trigger;
  const range = member(
    TIME_RANGES.map((r) => r.value),
    params.get("range"),
  );
  if (range) query.range = range;
  const search = text(params.get("q"), MAX_SEARCH);
  if (search) query.search = search;
  const cursor = params.get("before");
  if (cursor && cursor.length <= MAX_CURSOR) query.cursor = cursor;
  return query;
}

/** The filters as an address's search part ("" when nothing is set). */
export function runsQueryString(query: RunsQuery): string {
  const params = new URLSearchParams();
  if (query.flowId) params.set("flow", query.flowId);
  if (query.status) params.set("status", query.status);
  if (query.trigger) params.set("trigger", query.trigger);
  if (query.range) params.set("range", query.range);
  if (query.search?.trim()) params.set("q", query.search.trim());
  if (query.cursor) params.set("before", query.cursor);
  return params.toString();
}

/** Whether any filter narrows the list (the page does not count). */
export function isFiltered(query: RunsQuery): boolean {
  return Boolean(query.flowId || query.status || query.trigger || query.range || query.search?.trim());
}

/** The query with one filter changed; any other filter means another list, so it starts at its newest page. */
export function withFilter<K extends Exclude<keyof RunsQuery, "cursor">>(query: RunsQuery, name: K, value: RunsQuery[K] | "" | undefined): RunsQuery {
  const { cursor: _page, ...next } = query;
  if (value === "" || value === undefined) delete next[name];
  else next[name] = value;
  return next;
}

/** Minutes, not milliseconds: "the last hour" starting at a whole minute keeps the same list (and cache) for a minute. */
export function rangeStart(range: TimeRange, now: number): string {
  const span = TIME_RANGES.find((r) => r.value === range)!.ms;
  const minute = Math.floor(now / 60_000) * 60_000;
  return new Date(minute - span).toISOString();
}

/** runs.list's input for the filters and page. */
export function listInputOf(query: RunsQuery, now: number): RunsListInput {
  return {
    limit: PAGE_SIZE,
    ...(query.flowId && { flowId: query.flowId }),
    ...(query.status && { status: query.status }),
    ...(query.trigger && { trigger: query.trigger }),
    ...(query.range && { from: rangeStart(query.range, now) }),
    ...(query.search?.trim() && { search: query.search.trim() }),
    ...(query.cursor && { cursor: query.cursor }),
  };
}

/*
 * Paging: runs.list only goes older, so the pages seen on the way are remembered to come back.
 * A trail holds the cursors of the pages before the current one (undefined: the newest page).
 */

export function olderPage(trail: readonly (string | undefined)[], current: string | undefined, next: string): { trail: (string | undefined)[]; cursor: string } {
  return { trail: [...trail, current], cursor: next };
}

/** The page before (newer than) the current one; with no trail (an address opened as it was shared) the newest. */
export function newerPage(trail: readonly (string | undefined)[]): { trail: (string | undefined)[]; cursor: string | undefined } {
  if (trail.length === 0) return { trail: [], cursor: undefined };
  return { trail: trail.slice(0, -1), cursor: trail[trail.length - 1] };
}
