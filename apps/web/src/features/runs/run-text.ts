import type { Tone } from "@flowgate/ui";
import type { RouterOutputs } from "@/lib/api-types";

/*
 * How a run reads in the runs table and on its page: status (label, colour, whether it is still
 * going), trigger, duration, counts and progress. Pure, so it is tested without a browser.
 */

export type RunSummary = RouterOutputs["runs"]["list"]["items"][number];
export type RunDetail = RouterOutputs["runs"]["get"];
export type RunStatus = RunSummary["status"];
export type RunTrigger = RunSummary["trigger"];
export type RunCounts = RunSummary["counts"];

export const RUN_STATUSES = ["queued", "running", "awaiting_approval", "succeeded", "succeeded_with_errors", "failed", "cancelled"] as const satisfies readonly RunStatus[];
export const RUN_TRIGGERS = ["manual", "schedule", "webhook"] as const satisfies readonly RunTrigger[];

const STATUS_TONES: Record<RunStatus, Tone> = {
  queued: "accent",
  running: "accent",
  awaiting_approval: "warning",
  succeeded: "success",
  succeeded_with_errors: "warning",
  failed: "danger",
  cancelled: "neutral",
};

const STATUS_LABELS: Record<RunStatus, string> = {
  queued: "Queued",
  running: "Running",
  awaiting_approval: "Awaiting approval",
  succeeded: "Succeeded",
  succeeded_with_errors: "Succeeded with errors",
  failed: "Failed",
  cancelled: "Cancelled",
};

function isRunStatus(status: string): status is RunStatus {
  return status in STATUS_TONES;
}

/** Green succeeded, amber needs a look, red failed, indigo still going; an unknown status stays neutral. */
export function runStatusTone(status: string): Tone {
  return isRunStatus(status) ? STATUS_TONES[status] : "neutral";
}

/** "Succeeded", "Awaiting approval"… for a run's status; an unknown status as it is. */
export function runStatusLabel(status: string): string {
  return isRunStatus(status) ? STATUS_LABELS[status] : status.replace(/_/g, " ");
}

/** Queued, running or waiting for approval: the run is not over, so its page and its row keep changing. */
export function isLive(status: string): boolean {
  return status === "queued" || status === "running" || status === "awaiting_approval";
}

const TRIGGER_LABELS: Record<RunTrigger, string> = { manual: "Manual", schedule: "Schedule", webhook: "Webhook" };

export function triggerText(trigger: string): string {
  return trigger in TRIGGER_LABELS ? TRIGGER_LABELS[trigger as RunTrigger] : trigger;
}

/** How often a view asks again: every 2 s while something on it is still going, else rarely (new runs still show up). */
export const LIVE_POLL_MS = 2_000;
export const IDLE_POLL_MS = 15_000;

export function listPollInterval(statuses: readonly string[]): number {
  return statuses.some(isLive) ? LIVE_POLL_MS : IDLE_POLL_MS;
}

/** A run's page asks every 2 s until the run is over, then stops. */
export function runPollInterval(status: string | undefined): number | false {
  return status === undefined || isLive(status) ? LIVE_POLL_MS : false;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "340 ms", "4.2 s", "42 s", "3 min 5 s", "2 h 14 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < SECOND) return `${Math.round(value)} ms`;
  if (value < 10 * SECOND) return `${(Math.floor(value / 100) / 10).toFixed(1)} s`;
  if (value < MINUTE) return `${Math.floor(value / SECOND)} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) => (small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  if (value < HOUR) return pair(Math.floor(value / MINUTE), "min", Math.floor((value % MINUTE) / SECOND), "s");
  if (value < DAY) return pair(Math.floor(value / HOUR), "h", Math.floor((value % HOUR) / MINUTE), "min");
  return pair(Math.floor(value / DAY), "d", Math.floor((value % DAY) / HOUR), "h");
}

/** How long the run has taken: from its start to its end, or to now while it goes on; null before a worker started it. */
export function runDurationMs(run: Pick<RunSummary, "startedAt" | "finishedAt">, now: number): number | null {
  if (!run.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return Math.max(0, end - Date.parse(run.startedAt));
}

/** The duration cell: "4.2 s", or "—" for a run that never started. */
export function durationText(run: Pick<RunSummary, "startedAt" | "finishedAt">, now: number): string {
  const ms = runDurationMs(run, now);
  return ms === null ? "—" : formatDuration(ms);
}

export function formatCount(n: number): string {
  return n.toLocaleString("en");
}

/** "1 record", "2,000 records". */
export function recordsText(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "record" : "records"}`;
}

/** What the progress bar says: how far a live run got, or how an ended one came out. */
export function progressText(run: Pick<RunSummary, "status" | "counts" | "cancelRequested">): string {
  const read = `${recordsText(run.counts.read)} read`;
  switch (run.status) {
    case "queued":
      return run.cancelRequested ? "Cancelling…" : "Waiting for a worker";
    case "running":
      return run.cancelRequested ? `Stopping after ${read}` : read;
    case "awaiting_approval":
      return `${read}, waiting for approval`;
    default:
      return read;
  }
}

export interface OutcomeSegment {
  kind: "written" | "failed" | "other";
  /** Share of the bar, 0–100. */
  percent: number;
}

/**
 * An ended run's bar: the share of the records read that were written, that failed, and the rest
 * (filtered out, unchanged, held back). Nothing read: no segments.
 */
export function outcomeSegments(counts: RunCounts): OutcomeSegment[] {
  const total = Math.max(counts.read, counts.written + counts.errors);
  if (total <= 0) return [];
  const written = (Math.max(0, counts.written) / total) * 100;
  const failed = (Math.max(0, counts.errors) / total) * 100;
  const other = Math.max(0, 100 - written - failed);
  return ([
    { kind: "written", percent: written },
    { kind: "failed", percent: failed },
    { kind: "other", percent: other },
  ] as const).filter((segment) => segment.percent > 0);
}

/** "1,995 written, 5 failed of 2,000 read": the bar's words for screen readers and the tooltip. */
export function outcomeText(counts: RunCounts): string {
  const parts = [`${formatCount(counts.written)} written`];
  if (counts.errors > 0) parts.push(`${formatCount(counts.errors)} failed`);
  return `${parts.join(", ")} of ${formatCount(counts.read)} read`;
}

/** The first 8 characters of a run's id (a UUID): short enough to read, long enough to tell runs apart. */
export function shortRunId(id: string): string {
  return id.slice(0, 8);
}
