import { diffFlows, FlowSchema, type Flow } from "@flowgate/flow";
import { describe, expect, it } from "vitest";
import { describeChange, describeDiff, describePath, describeValue, diffMarksOf } from "./diff-text";

function flow(nodes: { id: string; kind: string; label: string; config?: Record<string, unknown>; disabled?: boolean; position?: { x: number; y: number } }[], edges: { id: string; source: string; target: string; sourcePort?: string }[] = []): Flow {
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes: nodes.map((n) => ({ kindVersion: 1, position: { x: 0, y: 0 }, ...n })),
    edges,
    settings: {},
  });
}

const mapConfig = (expression: string) => ({ fields: [{ target: "sku", expression: "sku" }, { target: "price", expression }] });

describe("describePath", () => {
  it("names a mapping row by the field it fills", () => {
    const config = mapConfig("price * 1.25");
    expect(describePath("fields.1.expression", config, config)).toBe("price ← expression");
  });

  it("names list items by their name-like field, else by position", () => {
    const config = { rules: [{ field: "stock", operator: "gt", value: 0 }], headers: { Accept: "json" }, list: ["a", "b"] };
    expect(describePath("rules.0.value", config, config)).toBe("rules “stock” › value");
    expect(describePath("headers.Accept", config, config)).toBe("headers › Accept");
    expect(describePath("list.1", config, config)).toBe("list #2");
  });

  it("does not name a row by the field that changed", () => {
    expect(describePath("fields.1.target", mapConfig("price"), { fields: [{ target: "sku" }, { target: "cost" }] })).toBe("fields #2 › target");
  });

  it("names a whole mapping row that was added", () => {
    const after = mapConfig("price");
    expect(describePath("fields.1", undefined, after)).toBe("fields “price”");
  });

  it("finds the item in the old config when it is gone from the new one", () => {
    expect(describePath("fields.1.type", mapConfig("price"), { fields: [] })).toBe("price ← type");
  });
});

describe("describeChange and describeValue", () => {
  it("reads as a sentence", () => {
    const before = mapConfig("price");
    const after = mapConfig("$round(price * 1.25, 2)");
    expect(describeChange({ path: "fields.1.expression", before: "price", after: "$round(price * 1.25, 2)" }, before, after)).toBe(
      "price ← expression changed from “price” to “$round(price * 1.25, 2)”",
    );
    expect(describeChange({ path: "keyField", before: undefined, after: "sku" }, {}, { keyField: "sku" })).toBe("keyField set to “sku”");
    expect(describeChange({ path: "keyField", before: "sku", after: undefined }, { keyField: "sku" }, {})).toBe("keyField removed (was “sku”)");
  });

  it("keeps long values short", () => {
    expect(describeValue("x".repeat(100))).toHaveLength(62);
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue("")).toBe("empty");
    expect(describeValue({ target: "name", expression: "title", type: "auto" })).toBe("“name ← title”");
  });
});

describe("describeDiff", () => {
  const before = flow(
    [
      { id: "t", kind: "trigger.manual", label: "Start" },
      { id: "m", kind: "transform.map", label: "Prices", config: mapConfig("price") },
      { id: "old", kind: "transform.map", label: "Old step" },
    ],
    [{ id: "e1", source: "t", target: "m" }],
  );
  const after = flow(
    [
      { id: "t", kind: "trigger.manual", label: "Start", position: { x: 40, y: 0 } },
      { id: "m", kind: "transform.map", label: "Shop prices", config: mapConfig("price * 1.25"), disabled: true },
      { id: "new", kind: "filter.condition", label: "In stock" },
    ],
    [
      { id: "e1", source: "t", target: "m" },
      { id: "e2", source: "m", target: "new" },
    ],
  );
  const diff = diffFlows({ ...before, settings: { ...before.settings, batchSize: 1000 } }, { ...after, settings: { ...after.settings, batchSize: 500 } });

  it("lists nodes added, removed and changed with their config changes, then edges, settings and moves", () => {
    expect(describeDiff(diff, before, after)).toEqual([
      { kind: "added", nodeId: "new", title: "Added “In stock”", details: ["Filter"] },
      { kind: "removed", nodeId: "old", title: "Removed “Old step”", details: ["Map fields"] },
      {
        kind: "changed",
        nodeId: "m",
        title: "Changed “Shop prices”",
        details: ["Renamed from “Prices”", "Switched off", "price ← expression changed from “price” to “price * 1.25”"],
      },
      { kind: "connected", title: "Connected Shop prices → In stock", details: [] },
      { kind: "settings", title: "Changed the flow settings", details: ["Batch size changed from 1000 to 500"] },
      { kind: "moved", title: "Moved 1 node on the canvas", details: [] },
    ]);
  });

  it("marks nodes for the canvas", () => {
    expect([...diffMarksOf(diff)]).toEqual([
      ["new", "added"],
      ["old", "removed"],
      ["m", "changed"],
    ]);
  });
});
