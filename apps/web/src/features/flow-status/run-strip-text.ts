import type { Tone } from "@flowgate/ui";
import { runStatusLabel, runStatusTone } from "@/features/runs/run-text";
import { formatRelative } from "@/lib/format";

/*
 * The flow header's strip of recent runs: one mark per run, oldest on the left so the newest sits
 * next to what comes after it (the next run), each named for a screen reader. Pure, so it is tested
 * without a browser.
 */

/** How many of the flow's latest runs the strip shows. */
export const STRIP_RUNS = 10;

export interface StripMark {
  runId: string;
  tone: Tone;
  /** "Failed, 3 minutes ago": the mark's name and tooltip. */
  label: string;
}

/** Marks for runs given newest first (as runs.list answers), oldest first, at most STRIP_RUNS. */
export function stripMarks(runs: readonly { id: string; status: string; createdAt: string }[], now: Date = new Date()): StripMark[] {
  return runs
    .slice(0, STRIP_RUNS)
    .reverse()
    .map((run) => ({ runId: run.id, tone: runStatusTone(run.status), label: `${runStatusLabel(run.status)}, ${formatRelative(run.createdAt, now)}` }));
}

/** "Next run in 4 minutes"; null when the flow does not run on a schedule. */
export function nextRunText(nextRunAt: string | null | undefined, now: Date = new Date()): string | null {
  if (!nextRunAt) return null;
  const at = new Date(nextRunAt);
  // A slot that just passed is being started by the scheduler right now.
  if (at.getTime() <= now.getTime()) return "Next run starting now";
  return `Next run ${formatRelative(at, now)}`;
}
