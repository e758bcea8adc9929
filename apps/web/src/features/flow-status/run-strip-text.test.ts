import { describe, expect, it } from "vitest";
import { nextRunText, STRIP_RUNS, stripMarks } from "./run-strip-text";

const now = new Date("2025-05-12T12:00:00.000Z");
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000).toISOString();

describe("stripMarks", () => {
  it("puts the oldest run on the left and names each mark with its status and time", () => {
    const marks = stripMarks(
      [
        { id: "r3", status: "failed", createdAt: minutesAgo(5) },
        { id: "r2", status: "succeeded_with_errors", createdAt: minutesAgo(65) },
        { id: "r1", status: "succeeded", createdAt: minutesAgo(60 * 24) },
      ],
      now,
    );
    expect(marks).toEqual([
      { runId: "r1", tone: "success", label: "Succeeded, yesterday" },
      { runId: "r2", tone: "warning", label: "Succeeded with errors, 1 hour ago" },
      { runId: "r3", tone: "danger", label: "Failed, 5 minutes ago" },
    ]);
  });

  it("shows the latest runs only", () => {
    const runs = Array.from({ length: 15 }, (_, i) => ({ id: `r${15 - i}`, status: "succeeded", createdAt: minutesAgo(i) }));
    const marks = stripMarks(runs, now);
    expect(marks).toHaveLength(STRIP_RUNS);
    expect(marks[0]!.runId).toBe("r6");
    expect(marks.at(-1)!.runId).toBe("r15");
  });

  it("marks runs still going, and an unknown status calmly", () => {
    expect(stripMarks([{ id: "a", status: "running", createdAt: minutesAgo(0) }], now)[0]).toMatchObject({ tone: "accent", label: "Running, just now" });
    expect(stripMarks([{ id: "a", status: "paused", createdAt: minutesAgo(0) }], now)[0]).toMatchObject({ tone: "neutral", label: "paused, just now" });
  });
});

describe("nextRunText", () => {
  it("says when the schedule fires next, or nothing without one", () => {
    expect(nextRunText(new Date(now.getTime() + 4 * 60_000).toISOString(), now)).toBe("Next run in 4 minutes");
    expect(nextRunText(minutesAgo(0), now)).toBe("Next run starting now");
    expect(nextRunText(null, now)).toBeNull();
  });
});
