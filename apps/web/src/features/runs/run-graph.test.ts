import { describe, expect, it } from "vitest";
import { edgeCounts, nodeInputs, nodeLineText, nodeRole, nodeRunMark, outputPorts, totalOut, type NodeStats } from "./run-graph";

const stats = (nodeId: string, rest: Partial<NodeStats> = {}): NodeStats => ({ nodeId, in: 0, out: {}, errors: 0, ms: 0, ...rest });

const flow = {
  nodes: [
    { id: "start", label: "Start" },
    { id: "read", label: "Supplier" },
    { id: "route", label: "Router" },
    { id: "shop", label: "Shop" },
    { id: "log", label: "Log" },
  ],
  edges: [
    { id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" },
    { id: "e2", source: "read", sourcePort: "out", target: "route", targetPort: "in" },
    { id: "e3", source: "route", sourcePort: "kept", target: "shop", targetPort: "in" },
    { id: "e4", source: "route", sourcePort: "discarded", target: "log", targetPort: "in" },
    { id: "e5", source: "shop", sourcePort: "error", target: "log", targetPort: "in" },
  ],
};

describe("node marks", () => {
  const run = { errorNodeId: undefined, started: true, isTrigger: false };

  it("marks the node the run failed in, whatever its counts", () => {
    expect(nodeRunMark("shop", stats("shop", { in: 10, out: { out: 10 } }), { ...run, errorNodeId: "shop" })).toBe("failed");
    expect(nodeRunMark("shop", undefined, { ...run, errorNodeId: "shop" })).toBe("failed");
  });

  it("marks a node with failed records, one records went through, and one nothing reached", () => {
    expect(nodeRunMark("shop", stats("shop", { in: 10, out: { out: 5 }, errors: 5 }), run)).toBe("errors");
    expect(nodeRunMark("shop", stats("shop", { in: 10, out: { out: 10 } }), run)).toBe("passed");
    expect(nodeRunMark("read", stats("read", { out: { out: 10 } }), run)).toBe("passed");
    expect(nodeRunMark("shop", stats("shop"), run)).toBe("idle");
    expect(nodeRunMark("shop", undefined, run)).toBe("idle");
  });

  it("counts a trigger as passed once the run started", () => {
    expect(nodeRunMark("start", stats("start"), { ...run, isTrigger: true })).toBe("passed");
    expect(nodeRunMark("start", undefined, { ...run, isTrigger: true, started: false })).toBe("idle");
  });
});

describe("edge counts", () => {
  it("labels each connection with what its source sent out of its port", () => {
    const nodes = [
      stats("start"),
      stats("read", { out: { out: 100 } }),
      stats("route", { in: 100, out: { kept: 60, discarded: 40 } }),
      stats("shop", { in: 60, out: { out: 57, error: 3 }, errors: 3 }),
    ];
    expect(edgeCounts(flow, nodes)).toEqual({ e1: 0, e2: 100, e3: 60, e4: 40, e5: 3 });
  });

  it("leaves connections out whose source has not reported yet, or is a trigger", () => {
    expect(edgeCounts(flow, [stats("read", { out: { out: 7 } })])).toEqual({ e2: 7 });
    expect(edgeCounts(flow, [stats("start"), stats("read", { out: { out: 7 } })], new Set(["start"]))).toEqual({ e2: 7 });
  });

  it("adds up what left a node", () => {
    expect(totalOut(stats("x", { out: { a: 2, b: 3 } }))).toBe(5);
  });
});

describe("inputs and outputs", () => {
  it("names where a node's records came from, port included when it is not the main one", () => {
    expect(nodeInputs(flow, "log")).toEqual([
      { edgeId: "e4", nodeId: "route", port: "discarded", label: "Router (discarded)" },
      { edgeId: "e5", nodeId: "shop", port: "error", label: "Shop (error)" },
    ]);
    expect(nodeInputs(flow, "start")).toEqual([]);
  });

  it("lists the ports records left by, declared ones first", () => {
    expect(outputPorts({ out: { error: 1, discarded: 2, kept: 3 } }, ["kept", "discarded"])).toEqual(["kept", "discarded", "error"]);
    expect(outputPorts(undefined, ["out"])).toEqual([]);
  });
});

describe("the line under a node", () => {
  it("says what went in and out, what failed and how long it took", () => {
    expect(nodeLineText("errors", stats("shop", { in: 2000, out: { out: 1995, error: 5 }, errors: 5, ms: 1234 }), "step")).toBe("2,000 in · 1,995 out · 5 errors · 1.2 s");
    expect(nodeLineText("passed", stats("shop", { in: 10, errors: 1 }), "step")).toBe("10 in · 1 error");
  });

  it("counts what a source read, and says a trigger started the run", () => {
    expect(nodeLineText("passed", stats("read", { out: { out: 300 }, ms: 40 }), "source")).toBe("300 read · 40 ms");
    expect(nodeLineText("passed", stats("start"), "trigger")).toBe("Started the run");
    expect(nodeLineText("idle", undefined, "trigger")).toBe("No records");
    expect(nodeRole("trigger")).toBe("trigger");
    expect(nodeRole("source")).toBe("source");
    expect(nodeRole("destination")).toBe("step");
  });

  it("falls back to the mark while a node has no numbers", () => {
    expect(nodeLineText("idle", undefined, "step")).toBe("No records");
    expect(nodeLineText("idle", stats("shop"), "step")).toBe("No records");
    expect(nodeLineText("failed", stats("read"), "source")).toBe("0 read");
  });
});
