import { describe, expect, it } from "vitest";
import { diffFlows, isEmptyDiff } from "./diff";
import { addNode, connect, disconnect, moveNodes, removeNodes, renameNode, setNodeDisabled, updateNodeConfig, updateSettings } from "./edit";
import type { Flow } from "./schema";
import { deepFreeze } from "./testing/deep-freeze";
import { fixtureFlow } from "./testing/fixture-registry";

/** A frozen flow: diffing must not write to either side. */
function base(): Flow {
  const flow = fixtureFlow();
  const map = { id: "map", kind: "transform.map", kindVersion: 1, label: "Prices", position: { x: 300, y: 100 }, config: { keyField: "sku", fields: [{ target: "price", expression: "price * 2" }, { target: "name", expression: "title" }] } };
  return deepFreeze(addNode(flow, map));
}

describe("diffFlows", () => {
  it("finds nothing between a document and itself", () => {
    const flow = base();
    const diff = diffFlows(flow, structuredClone(flow));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(diff).toEqual({ nodes: { added: [], removed: [], changed: [], moved: [] }, edges: { added: [], removed: [] }, settings: [] });
  });

  it("lists added and removed nodes with the connections that came and went with them", () => {
    const before = base();
    let after = removeNodes(before, ["in-stock"]);
    after = addNode(after, { id: "cheap", kind: "filter.fixture", kindVersion: 1, label: "Cheap", position: { x: 400, y: 0 }, config: { expression: "price < 10" } });
    after = connect(after, { source: "products", target: "cheap" });
    after = connect(after, { source: "cheap", sourcePort: "kept", target: "store" });
    const diff = diffFlows(before, after);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(["cheap"]);
    expect(diff.nodes.removed.map((n) => [n.id, n.label])).toEqual([["in-stock", "In stock"]]);
    expect(diff.nodes.changed).toEqual([]);
    expect(diff.edges.added.map((e) => `${e.source}.${e.sourcePort}→${e.target}`)).toEqual(["products.out→cheap", "cheap.kept→store"]);
    expect(diff.edges.removed.map((e) => e.id)).toEqual(["e2", "e3"]);
    expect(isEmptyDiff(diff)).toBe(false);
  });

  it("reports config changes as a flat list of paths, with the values before and after", () => {
    const before = base();
    const after = updateNodeConfig(before, "map", {
      keyField: "sku",
      fields: [{ target: "price", expression: "$round(price * 1.23, 2)" }, { target: "name", expression: "title" }, { target: "stock", expression: "qty" }],
      dropUnmapped: true,
    });
    const [change, ...others] = diffFlows(before, after).nodes.changed;
    expect(others).toEqual([]);
    expect(change).toEqual({
      nodeId: "map",
      label: "Prices",
      kind: "transform.map",
      fields: [],
      config: [
        { path: "fields.0.expression", before: "price * 2", after: "$round(price * 1.23, 2)" },
        { path: "fields.2", before: undefined, after: { target: "stock", expression: "qty" } },
        { path: "dropUnmapped", before: undefined, after: true },
      ],
      moved: false,
    });
  });

  it("reports a value that changed shape as one change at its path", () => {
    const before = base();
    const after = updateNodeConfig(before, "map", { keyField: ["sku", "ean"], fields: [] });
    expect(diffFlows(before, after).nodes.changed[0]!.config).toEqual([
      { path: "keyField", before: "sku", after: ["sku", "ean"] },
      { path: "fields.0", before: { target: "price", expression: "price * 2" }, after: undefined },
      { path: "fields.1", before: { target: "name", expression: "title" }, after: undefined },
    ]);
  });

  it("reports label, kind and disabled changes on the node, without counting an unset disabled as a change", () => {
    const before = base();
    let after = renameNode(before, "products", "Supplier products");
    after = setNodeDisabled(after, "in-stock", true);
    after = { ...after, nodes: after.nodes.map((n) => (n.id === "store" ? { ...n, kind: "destination.other", disabled: false } : n)) };
    const changed = diffFlows(before, after).nodes.changed;
    expect(changed.map((c) => [c.nodeId, c.label, c.fields])).toEqual([
      ["products", "Supplier products", [{ path: "label", before: "Fetch products", after: "Supplier products" }]],
      ["in-stock", "In stock", [{ path: "disabled", before: false, after: true }]],
      ["store", "Save to store", [{ path: "kind", before: "destination.fixture", after: "destination.other" }]],
    ]);
  });

  it("reports position-only moves apart from changes, and flags a changed node that also moved", () => {
    const before = base();
    let after = moveNodes(before, { start: { x: -40, y: 20 }, map: { x: 320, y: 140 } });
    after = renameNode(after, "map", "Prices with VAT");
    const diff = diffFlows(before, after);
    expect(diff.nodes.moved).toEqual([{ nodeId: "start", label: "Start", before: { x: 0, y: 0 }, after: { x: -40, y: 20 } }]);
    expect(diff.nodes.changed.map((c) => [c.nodeId, c.moved])).toEqual([["map", true]]);
  });

  it("treats a connection drawn again between the same ports as unchanged", () => {
    const before = base();
    const after = connect(disconnect(before, ["e2"]), { id: "e-redrawn", source: "products", target: "in-stock" });
    expect(diffFlows(before, after).edges).toEqual({ added: [], removed: [] });
    const rerouted = connect(disconnect(before, ["e3"]), { source: "in-stock", sourcePort: "discarded", target: "store" });
    expect(diffFlows(before, rerouted).edges.added.map((e) => e.sourcePort)).toEqual(["discarded"]);
    expect(diffFlows(before, rerouted).edges.removed.map((e) => e.id)).toEqual(["e3"]);
  });

  it("lists settings changes by name", () => {
    const before = base();
    const after = updateSettings(before, { batchSize: 250, timezone: "Europe/Warsaw" });
    expect(diffFlows(before, after).settings).toEqual([
      { path: "batchSize", before: 1000, after: 250 },
      { path: "timezone", before: "UTC", after: "Europe/Warsaw" },
    ]);
  });
});
