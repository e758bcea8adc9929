/** Searching and sorting the flows list: pure, so the list and its test agree on the order. */

export const FLOW_SORTS = ["updated", "name", "lastRun"] as const;
export type FlowSort = (typeof FLOW_SORTS)[number];

export const flowSortLabels: Record<FlowSort, string> = {
  updated: "Recently updated",
  name: "Name",
  lastRun: "Last run",
};

interface Sortable {
  name: string;
  updatedAt: string;
  lastRun: { createdAt: string } | null;
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** Words in any order, ignoring case and accents: "shop price" finds "Supplier prices → shop". */
export function matchesSearch(name: string, query: string): boolean {
  const fold = (text: string) => text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
  const haystack = fold(name);
  return fold(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/**
 * Names A→Z (numbers in order: "Flow 2" before "Flow 10"); updated and last run newest first, flows
 * that never ran last; ties by name so the order never jumps between refreshes.
 */
export function orderFlows<T extends Sortable>(flows: readonly T[], query: string, sort: FlowSort): T[] {
  const byName = (a: T, b: T) => collator.compare(a.name, b.name);
  const newest = (a: string | undefined, b: string | undefined) => (b ?? "").localeCompare(a ?? "");
  const compare: (a: T, b: T) => number =
    sort === "name"
      ? byName
      : sort === "updated"
        ? (a, b) => newest(a.updatedAt, b.updatedAt) || byName(a, b)
        : (a, b) => newest(a.lastRun?.createdAt, b.lastRun?.createdAt) || byName(a, b);
  return flows.filter((flow) => matchesSearch(flow.name, query)).sort(compare);
}
