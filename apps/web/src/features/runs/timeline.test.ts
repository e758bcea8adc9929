import { describe, expect, it } from "vitest";
import { barPercent, batchName, failedShare, timelineSummary, timelineText, type RunBatch } from "./timeline";

const batch = (batchIndex: number, records: number, errors: number, ms: number): RunBatch => ({ batchIndex, records, errors, ms, finishedAt: "2025-01-01T00:00:00.000Z" });

describe("timeline", () => {
  const batches = [batch(0, 200, 0, 120), batch(1, 200, 5, 1250), batch(2, 100, 0, 80)];

  it("sums the batches and finds the slowest", () => {
    const summary = timelineSummary(batches);
    expect(summary).toMatchObject({ batches: 3, records: 500, errors: 5, ms: 1450 });
    expect(summary.slowest?.batchIndex).toBe(1);
    expect(timelineText(summary)).toBe("3 batches, 500 records (5 failed), 1.4 s in all; the slowest: batch 2, 1.2 s.");
  });

  it("says so when no batch has finished", () => {
    expect(timelineText(timelineSummary([]))).toBe("No batch has finished yet.");
    expect(timelineText(timelineSummary([batch(0, 1, 0, 5)]))).toBe("1 batch, 1 record, 5 ms in all.");
  });

  it("numbers batches from 1", () => {
    expect(batchName({ batchIndex: 0 })).toBe("Batch 1");
  });

  it("scales bars to the slowest batch, keeping a sliver for the fastest", () => {
    expect(barPercent(1250, 1250)).toBe(100);
    expect(barPercent(625, 1250)).toBe(50);
    expect(barPercent(1, 1250)).toBe(4);
    expect(barPercent(0, 0)).toBe(100);
  });

  it("shades the failed share of a batch", () => {
    expect(failedShare({ records: 200, errors: 5 })).toBe(2.5);
    expect(failedShare({ records: 200, errors: 0 })).toBe(0);
    expect(failedShare({ records: 0, errors: 3 })).toBe(100);
  });
});
