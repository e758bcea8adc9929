import type { Tone } from "@flowgate/ui";

/*
 * How a record's lineage reads: the key in the URL, entries grouped by the run that made them, each
 * entry's outcome and operation in words, and the names of the steps. Pure, so it is tested without a browser.
 */

/** The key of `?key=`, trimmed as the search trims it; null when there is none to look for. */
export function parseKey(value: string | null | undefined): string | null {
  const key = value?.trim() ?? "";
  return key === "" ? null : key;
}

/** The lineage page of one key (or the empty search). */
export function lineageHref(key: string | null | undefined): string {
  const parsed = parseKey(key);
  return parsed === null ? "/lineage" : `/lineage?${new URLSearchParams({ key: parsed }).toString()}`;
}

interface EntryOfRun {
  runId: string;
  flowId: string;
  flowName: string;
  runStatus: string;
}

export interface RunGroup<E extends EntryOfRun> {
  runId: string;
  flowId: string;
  flowName: string;
  runStatus: string;
  /** Newest first, as the search answers. */
  entries: E[];
}

/**
 * Entries (newest first) grouped by run, in order: each run's entries sit together under it. A run
 * whose entries are split by another run's (two flows at once) keeps one group where it first appears,
 * so a run never shows twice; pages appended later join their run's group.
 */
export function groupByRun<E extends EntryOfRun>(entries: readonly E[]): RunGroup<E>[] {
  const groups = new Map<string, RunGroup<E>>();
  for (const entry of entries) {
    let group = groups.get(entry.runId);
    if (!group) {
      group = { runId: entry.runId, flowId: entry.flowId, flowName: entry.flowName, runStatus: entry.runStatus, entries: [] };
      groups.set(entry.runId, group);
    }
    group.entries.push(entry);
  }
  return [...groups.values()];
}

export const LINEAGE_OUTCOME_TEXT: Record<string, { label: string; tone: Tone; description: string }> = {
  written: { label: "Written", tone: "success", description: "The destination accepted the record." },
  unchanged: { label: "Unchanged", tone: "neutral", description: "The destination already held this record; nothing was written." },
  failed: { label: "Failed", tone: "danger", description: "The destination refused the record, or the step failed on it." },
  skipped: { label: "Skipped", tone: "neutral", description: "The step let the record pass without writing it." },
  decided: { label: "Decided", tone: "accent", description: "An approval step's decision on the change." },
};

/** An outcome's chip; an outcome this page does not know yet reads as it is. */
export function outcomeText(outcome: string): { label: string; tone: Tone; description: string } {
  return LINEAGE_OUTCOME_TEXT[outcome] ?? { label: outcome, tone: "neutral", description: "" };
}

const OPS: Record<string, string> = {
  create: "Create",
  update: "Update",
  delete: "Delete",
  upsert: "Create or update",
  error: "Write",
  approve: "Approve",
  reject: "Reject",
  expire: "Expire",
};

/** What the step set out to do: "Create", "Update", "Approve"…; an unknown operation as it is. */
export function opLabel(op: string): string {
  return OPS[op] ?? op;
}

/**
 * The names of a flow document's steps by node id (the lineage stores ids; a person knows labels).
 * Anything that is not a flow document gives no names, and the page shows the ids.
 */
export function nodeLabelsOf(document: unknown): Map<string, string> {
  const labels = new Map<string, string>();
  const nodes = document && typeof document === "object" && "nodes" in document ? (document as { nodes: unknown }).nodes : null;
  if (!Array.isArray(nodes)) return labels;
  for (const node of nodes) {
    if (node && typeof node === "object" && typeof node.id === "string" && typeof node.label === "string" && node.label.trim() !== "") {
      labels.set(node.id, node.label);
    }
  }
  return labels;
}
