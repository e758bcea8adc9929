import { describe, expect, it } from "vitest";
import {
  durationText,
  formatDuration,
  IDLE_POLL_MS,
  isLive,
  listPollInterval,
  LIVE_POLL_MS,
  outcomeSegments,
  outcomeText,
  progressText,
  recordsText,
  RUN_STATUSES,
  runPollInterval,
  runStatusLabel,
  runStatusTone,
  shortRunId,
  triggerText,
} from "./run-text";

describe("run status", () => {
  it("colours each status by what it asks of a person", () => {
    expect(Object.fromEntries(RUN_STATUSES.map((s) => [s, runStatusTone(s)]))).toEqual({
      queued: "accent",
      running: "accent",
      awaiting_approval: "warning",
      succeeded: "success",
      succeeded_with_errors: "warning",
      failed: "danger",
      cancelled: "neutral",
    });
    expect(runStatusTone("exploded")).toBe("neutral");
  });

  it("names each status in words, and an unknown one as it is", () => {
    expect(runStatusLabel("succeeded_with_errors")).toBe("Succeeded with errors");
    expect(runStatusLabel("awaiting_approval")).toBe("Awaiting approval");
    expect(runStatusLabel("half_done")).toBe("half done");
  });

  it("counts queued, running and awaiting approval as still going", () => {
    expect(RUN_STATUSES.filter(isLive)).toEqual(["queued", "running", "awaiting_approval"]);
  });

  it("names triggers", () => {
    expect(triggerText("schedule")).toBe("Schedule");
    expect(triggerText("manual")).toBe("Manual");
    expect(triggerText("other")).toBe("other");
  });
});

describe("polling", () => {
  it("asks every 2 s while any run on the page is still going, and rarely otherwise", () => {
    expect(listPollInterval(["succeeded", "running"])).toBe(LIVE_POLL_MS);
    expect(listPollInterval(["succeeded", "awaiting_approval"])).toBe(LIVE_POLL_MS);
    expect(listPollInterval(["succeeded", "failed"])).toBe(IDLE_POLL_MS);
    expect(listPollInterval([])).toBe(IDLE_POLL_MS);
    expect(LIVE_POLL_MS).toBeLessThanOrEqual(2000);
  });

  it("stops asking about a run once it is over", () => {
    expect(runPollInterval("queued")).toBe(LIVE_POLL_MS);
    expect(runPollInterval("running")).toBe(LIVE_POLL_MS);
    expect(runPollInterval("cancelled")).toBe(false);
    expect(runPollInterval("succeeded_with_errors")).toBe(false);
  });
});

describe("durations", () => {
  it("reads at a glance from milliseconds to days", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(340.6)).toBe("341 ms");
    expect(formatDuration(4_280)).toBe("4.2 s");
    expect(formatDuration(42_900)).toBe("42 s");
    expect(formatDuration(60_000)).toBe("1 min");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(2 * 3600_000 + 14 * 60_000 + 59_000)).toBe("2 h 14 min");
    expect(formatDuration(3 * 86400_000 + 4 * 3600_000)).toBe("3 d 4 h");
    expect(formatDuration(-5)).toBe("0 ms");
  });

  it("measures a run from its start to its end, or to now while it goes on", () => {
    const startedAt = "2025-01-01T10:00:00.000Z";
    const now = Date.parse("2025-01-01T10:01:30.000Z");
    expect(durationText({ startedAt, finishedAt: "2025-01-01T10:00:04.500Z" }, now)).toBe("4.5 s");
    expect(durationText({ startedAt, finishedAt: null }, now)).toBe("1 min 30 s");
    expect(durationText({ startedAt: null, finishedAt: null }, now)).toBe("—");
  });
});

describe("counts and progress", () => {
  const counts = { read: 2000, written: 1995, errors: 5 };

  it("says how many records a live run read, and what it waits for", () => {
    expect(progressText({ status: "running", counts: { read: 1200, written: 0, errors: 0 }, cancelRequested: false })).toBe("1,200 records read");
    expect(progressText({ status: "running", counts: { read: 1, written: 0, errors: 0 }, cancelRequested: false })).toBe("1 record read");
    expect(progressText({ status: "running", counts: { read: 300, written: 0, errors: 0 }, cancelRequested: true })).toBe("Stopping after 300 records read");
    expect(progressText({ status: "queued", counts: { read: 0, written: 0, errors: 0 }, cancelRequested: false })).toBe("Waiting for a worker");
    expect(progressText({ status: "awaiting_approval", counts, cancelRequested: false })).toBe("2,000 records read, waiting for approval");
    expect(progressText({ status: "succeeded", counts, cancelRequested: false })).toBe("2,000 records read");
  });

  it("splits an ended run's bar into written, failed and the rest", () => {
    expect(outcomeSegments(counts)).toEqual([
      { kind: "written", percent: 99.75 },
      { kind: "failed", percent: 0.25 },
    ]);
    expect(outcomeSegments({ read: 100, written: 40, errors: 0 })).toEqual([
      { kind: "written", percent: 40 },
      { kind: "other", percent: 60 },
    ]);
    expect(outcomeSegments({ read: 0, written: 0, errors: 0 })).toEqual([]);
    // A retry of failed records writes what an earlier run read: the bar never overflows.
    const over = outcomeSegments({ read: 0, written: 5, errors: 0 });
    expect(over).toEqual([{ kind: "written", percent: 100 }]);
  });

  it("says the outcome in words", () => {
    expect(outcomeText(counts)).toBe("1,995 written, 5 failed of 2,000 read");
    expect(outcomeText({ read: 10, written: 10, errors: 0 })).toBe("10 written of 10 read");
    expect(recordsText(1)).toBe("1 record");
  });

  it("shortens run ids", () => {
    expect(shortRunId("3f2a9c1e-0000-4000-8000-000000000000")).toBe("3f2a9c1e");
  });
});
