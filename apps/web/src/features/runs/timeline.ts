import type { RouterOutputs } from "@/lib/api-types";
import { formatCount, formatDuration } from "./run-text";

/* The run's batches as a timeline: one bar each, its height the batch's time. Pure. */

export type RunBatch = RouterOutputs["runs"]["batches"]["items"][number];

export interface TimelineSummary {
  batches: number;
  records: number;
  errors: number;
  ms: number;
  slowest: RunBatch | null;
}

export function timelineSummary(batches: readonly RunBatch[]): TimelineSummary {
  let records = 0;
  let errors = 0;
  let ms = 0;
  let slowest: RunBatch | null = null;
  for (const batch of batches) {
    records += batch.records;
    errors += batch.errors;
    ms += batch.ms;
    if (!slowest || batch.ms > slowest.ms) slowest = batch;
  }
  return { batches: batches.length, records, errors, ms, slowest };
}

/** Batches are numbered from 1 for people; the run counts from 0. */
export function batchName(batch: Pick<RunBatch, "batchIndex">): string {
  return `Batch ${formatCount(batch.batchIndex + 1)}`;
}

/** "20 batches, 2,000 records (5 failed), 12.4 s in all; the slowest: batch 7, 1.2 s." */
export function timelineText(summary: TimelineSummary): string {
  if (summary.batches === 0) return "No batch has finished yet.";
  const batches = `${formatCount(summary.batches)} ${summary.batches === 1 ? "batch" : "batches"}`;
  const records = `${formatCount(summary.records)} ${summary.records === 1 ? "record" : "records"}${summary.errors > 0 ? ` (${formatCount(summary.errors)} failed)` : ""}`;
  const slowest = summary.slowest && summary.batches > 1 ? `; the slowest: ${batchName(summary.slowest).toLowerCase()}, ${formatDuration(summary.slowest.ms)}` : "";
  return `${batches}, ${records}, ${formatDuration(summary.ms)} in all${slowest}.`;
}

/** A bar's height in percent of the tallest: never below a sliver, so a fast batch still shows. */
export function barPercent(ms: number, maxMs: number): number {
  if (maxMs <= 0) return 100;
  return Math.max(4, Math.min(100, (ms / maxMs) * 100));
}

/** The part of a batch's bar drawn as failed: its failed records' share. */
export function failedShare(batch: Pick<RunBatch, "records" | "errors">): number {
  if (batch.errors <= 0) return 0;
  return Math.min(100, (batch.errors / Math.max(batch.records, batch.errors)) * 100);
}
