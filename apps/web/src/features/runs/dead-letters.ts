import type { Tone } from "@flowgate/ui";
import type { RouterOutputs } from "@/lib/api-types";
import { formatCount } from "./run-text";

/* A run's failed records (dead letters) as the errors tab shows them, and what can be selected there. Pure. */

export type DeadLetter = RouterOutputs["runs"]["errors"]["items"][number];
export type DeadLetterStatus = DeadLetter["status"];

export const DEAD_LETTER_STATUSES: Record<DeadLetterStatus, { label: string; tone: Tone; hint: string }> = {
  open: { label: "Failed", tone: "danger", hint: "Not retried or dismissed yet" },
  retried: { label: "Retried", tone: "success", hint: "Sent again by a later run" },
  dismissed: { label: "Dismissed", tone: "neutral", hint: "Left alone on purpose: retries skip it" },
};

/** The record's name in the table: its key, else where it was in the run. */
export function deadLetterName(error: Pick<DeadLetter, "key" | "index" | "batchIndex">): string {
  return error.key ?? `Record ${formatCount(error.index + 1)} of batch ${formatCount(error.batchIndex + 1)}`;
}

/** Only failed records nobody has dealt with can be retried or dismissed. */
export function isSelectable(error: Pick<DeadLetter, "status">): boolean {
  return error.status === "open";
}

/** The selection without what is no longer selectable (retried or dismissed meanwhile, or gone from the list). */
export function pruneSelection(selected: ReadonlySet<number>, items: readonly Pick<DeadLetter, "id" | "status">[]): ReadonlySet<number> {
  const open = new Set(items.filter(isSelectable).map((item) => item.id));
  const kept = [...selected].filter((id) => open.has(id));
  return kept.length === selected.size ? selected : new Set(kept);
}

/** The header checkbox: every selectable row shown, or none; "mixed" when some are. */
export function pageSelectionState(selected: ReadonlySet<number>, items: readonly Pick<DeadLetter, "id" | "status">[]): boolean | "mixed" {
  const open = items.filter(isSelectable);
  const chosen = open.filter((item) => selected.has(item.id)).length;
  if (chosen === 0) return false;
  return chosen === open.length ? true : "mixed";
}

export function toggleAllShown(selected: ReadonlySet<number>, items: readonly Pick<DeadLetter, "id" | "status">[]): ReadonlySet<number> {
  const open = items.filter(isSelectable).map((item) => item.id);
  return pageSelectionState(selected, items) === true ? new Set([...selected].filter((id) => !open.includes(id))) : new Set([...selected, ...open]);
}

export function toggleOne(selected: ReadonlySet<number>, id: number): ReadonlySet<number> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** "5 failed records": the words for a number of them. */
export function failedRecordsText(n: number): string {
  return `${formatCount(n)} failed ${n === 1 ? "record" : "records"}`;
}
