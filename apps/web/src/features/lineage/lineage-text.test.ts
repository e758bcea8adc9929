import { describe, expect, it } from "vitest";
import { groupByRun, lineageHref, nodeLabelsOf, opLabel, outcomeText, parseKey } from "./lineage-text";

describe("parseKey and lineageHref", () => {
  it("reads the key from the address as the search trims it", () => {
    expect(parseKey(null)).toBeNull();
    expect(parseKey("")).toBeNull();
    expect(parseKey("   ")).toBeNull();
    expect(parseKey(" SKU-1 ")).toBe("SKU-1");
  });

  it("writes a key into the address so that it reads back the same, odd characters too", () => {
    for (const key of ["SKU-1", "a b&c=d", "ÄÖ/ü?#%"]) {
      const href = lineageHref(key);
      expect(href.startsWith("/lineage?key=")).toBe(true);
      expect(parseKey(new URL(href, "http://x").searchParams.get("key"))).toBe(key);
    }
    expect(lineageHref("  ")).toBe("/lineage");
    expect(lineageHref(null)).toBe("/lineage");
  });
});

describe("groupByRun", () => {
  const entry = (id: number, runId: string) => ({ id, runId, flowId: `f-${runId}`, flowName: `Flow ${runId}`, runStatus: "succeeded" });

  it("puts each run's entries together, newest run first, entries in order", () => {
    const groups = groupByRun([entry(5, "r2"), entry(4, "r2"), entry(3, "r1"), entry(2, "r1"), entry(1, "r1")]);
    expect(groups.map((g) => [g.runId, g.flowName, g.entries.map((e) => e.id)])).toEqual([
      ["r2", "Flow r2", [5, 4]],
      ["r1", "Flow r1", [3, 2, 1]],
    ]);
  });

  it("never shows a run twice when another run's entries come between its own", () => {
    const groups = groupByRun([entry(4, "a"), entry(3, "b"), entry(2, "a"), entry(1, "b")]);
    expect(groups.map((g) => [g.runId, g.entries.map((e) => e.id)])).toEqual([
      ["a", [4, 2]],
      ["b", [3, 1]],
    ]);
  });

  it("has no groups without entries", () => {
    expect(groupByRun([])).toEqual([]);
  });
});

describe("outcome and operation words", () => {
  it("names every outcome the lineage stores, with a tone that tells good from bad", () => {
    expect(outcomeText("written")).toMatchObject({ label: "Written", tone: "success" });
    expect(outcomeText("failed")).toMatchObject({ label: "Failed", tone: "danger" });
    expect(outcomeText("decided")).toMatchObject({ label: "Decided", tone: "accent" });
    expect(outcomeText("unchanged").label).toBe("Unchanged");
    expect(outcomeText("skipped").label).toBe("Skipped");
    expect(outcomeText("something-new")).toMatchObject({ label: "something-new", tone: "neutral" });
  });

  it("says what a step set out to do", () => {
    expect(opLabel("update")).toBe("Update");
    expect(opLabel("upsert")).toBe("Create or update");
    expect(opLabel("reject")).toBe("Reject");
    expect(opLabel("error")).toBe("Write");
    expect(opLabel("merge")).toBe("merge");
  });
});

describe("nodeLabelsOf", () => {
  it("names a document's steps by id", () => {
    const labels = nodeLabelsOf({ nodes: [{ id: "shop", label: "Shop products" }, { id: "n-1", label: "  " }, { id: 3, label: "x" }] });
    expect([...labels]).toEqual([["shop", "Shop products"]]);
  });

  it("gives no names for anything that is not a flow document", () => {
    expect(nodeLabelsOf(null).size).toBe(0);
    expect(nodeLabelsOf({ nodes: "x" }).size).toBe(0);
    expect(nodeLabelsOf("x").size).toBe(0);
  });
});
