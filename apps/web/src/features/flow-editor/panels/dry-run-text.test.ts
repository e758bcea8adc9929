import { describe, expect, it } from "vitest";
import type { DryRunView } from "../editor-store";
import { configPath, dryRunFailure, nodeStatsText, opsSummary, progressText } from "./dry-run-text";

const base: DryRunView = {
  id: "d1",
  flowId: "f",
  status: "succeeded",
  options: { limit: 100 },
  result: null,
  error: null,
  createdAt: "2025-01-01T00:00:00.000Z",
  finishedAt: "2025-01-01T00:00:01.000Z",
};
const emptyResult = { recordsRead: 0, truncated: false, nodes: {}, edges: {}, samples: {}, errors: [], planned: {}, notPreviewable: {} };
const labelOf = (id: string) => ({ src: "Supplier" })[id] ?? id;

describe("dryRunFailure", () => {
  it("names the node that stopped the run", () => {
    const view: DryRunView = {
      ...base,
      status: "failed",
      result: { ...emptyResult, status: "failed", error: { message: "Connection refused by 127.0.0.1:9", nodeId: "src", field: "url" } },
    };
    expect(dryRunFailure(view, labelOf)).toEqual({
      title: "The dry run stopped at “Supplier”",
      message: "Connection refused by 127.0.0.1:9",
      nodeId: "src",
      field: "url",
    });
  });

  it("says why a run that never started failed", () => {
    const view: DryRunView = { ...base, status: "failed", error: "The flow has 2 problems: …" };
    expect(dryRunFailure(view, labelOf)).toEqual({ title: "The dry run could not run", message: "The flow has 2 problems: …" });
  });

  it("is null for a run that succeeded, even with record errors", () => {
    expect(dryRunFailure({ ...base, result: { ...emptyResult, status: "succeeded_with_errors" } }, labelOf)).toBeNull();
  });
});

describe("progressText and configPath", () => {
  it("says what a queued run waits for", () => {
    expect(progressText({ status: "queued", options: { limit: 100 } })).toEqual({
      title: "Dry run on the first 100 records…",
      detail: "Waiting for a worker to pick it up.",
    });
  });

  it("turns a dotted field into a config path with list indexes as numbers", () => {
    expect(configPath("fields.0.expression")).toEqual(["fields", 0, "expression"]);
  });
});

describe("nodeStatsText and opsSummary", () => {
  it("names the ports of a node with several outputs", () => {
    const result = { ...emptyResult, status: "succeeded" as const, nodes: { f: { in: 100, out: { kept: 88, discarded: 12 }, errors: 1, ms: 14 }, m: { in: 5, out: { out: 5 }, errors: 0, ms: 2 } } };
    expect(nodeStatsText(result, "f")).toBe("100 in · 88 kept · 12 discarded · 1 error · 14 ms");
    expect(nodeStatsText(result, "m")).toBe("5 in · 5 out · 0 errors · 2 ms");
    expect(nodeStatsText(result, "gone")).toBeNull();
  });

  it("counts planned writes by operation", () => {
    expect(opsSummary([{ op: "create", key: "A" }, { op: "create", key: "B" }, { op: "update", key: "C" }])).toBe("2 creates, 1 update, 0 deletes");
  });
});
