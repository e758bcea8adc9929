import type { Checkpoint, RunCounts } from "@flowgate/engine";
import { describe, expect, it } from "vitest";
import { batchObserver, type BatchObservation } from "./metrics";

const nodes = [
  { id: "start", kind: "trigger.manual" },
  { id: "read", kind: "source.http" },
  { id: "keep", kind: "filter.condition" },
  { id: "shop", kind: "destination.postgres" },
];

/** Cumulative engine counters after `read` records were read, `kept` of them passed the filter. */
function counts(read: number, kept: number): RunCounts {
  return {
    batches: 0,
    recordsRead: read,
    errors: 0,
    nodes: {
      start: { in: 0, out: {}, errors: 0, ms: 0 },
      read: { in: 0, out: { out: read }, errors: 0, ms: 0 },
      keep: { in: read, out: { kept, discarded: read - kept }, errors: 0, ms: 0 },
      shop: { in: kept, out: {}, errors: 0, ms: 0 },
    },
    edges: {},
  };
}

const checkpoint = (read: number, kept: number, done = false) => ({ batchIndex: 0, cursor: undefined, counts: counts(read, kept), state: {}, done }) as unknown as Checkpoint;

describe("batchObserver", () => {
  it("reports each batch's records by node kind (what reached a node, or what a source read) and its duration; the closing checkpoint has no duration", () => {
    const seen: BatchObservation[] = [];
    const observe = batchObserver({ batchCheckpointed: (b) => seen.push(b) }, { flowId: "f1", nodes });
    observe(checkpoint(100, 60));
    observe(checkpoint(200, 90));
    observe(checkpoint(200, 90, true));
    expect(seen.map((b) => b.records)).toEqual([
      [
        { kind: "source.http", count: 100 },
        { kind: "filter.condition", count: 100 },
        { kind: "destination.postgres", count: 60 },
      ],
      [
        { kind: "source.http", count: 100 },
        { kind: "filter.condition", count: 100 },
        { kind: "destination.postgres", count: 30 },
      ],
      [],
    ]);
    expect(seen.map((b) => b.flowId)).toEqual(["f1", "f1", "f1"]);
    expect(seen.slice(0, 2).every((b) => typeof b.seconds === "number" && b.seconds >= 0)).toBe(true);
    expect(seen[2]!.seconds).toBeUndefined();
  });

  it("a resumed run counts from its last checkpoint, so nothing is counted twice", () => {
    const seen: BatchObservation[] = [];
    const observe = batchObserver({ batchCheckpointed: (b) => seen.push(b) }, { flowId: "f1", nodes, resumedCounts: counts(500, 300) });
    observe(checkpoint(600, 350));
    expect(seen[0]!.records).toEqual([
      { kind: "source.http", count: 100 },
      { kind: "filter.condition", count: 100 },
      { kind: "destination.postgres", count: 50 },
    ]);
  });

  it("does nothing without metrics", () => {
    expect(() => batchObserver(undefined, { flowId: "f1", nodes })(checkpoint(1, 1))).not.toThrow();
  });
});
