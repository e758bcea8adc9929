import { moveNodes, renameNode, type FlowProblem } from "@flowgate/flow";
import { describe, expect, it } from "vitest";
import { createEdgeMapper, createNodeMapper, edgeLabel, type NodeOverlay } from "./elements";
import { sampleFlow } from "./test-flows";

const overlay = (patch: Partial<NodeOverlay> = {}): NodeOverlay => ({
  selected: new Set(),
  problemsByNode: new Map(),
  dryRunNodes: undefined,
  diffMarks: new Map(),
  dragging: new Map(),
  measured: new Map(),
  ...patch,
});

describe("document → React Flow nodes", () => {
  it("makes one node per document node, typed by its kind, with its ports and overlays", () => {
    const nodes = createNodeMapper()(
      sampleFlow(),
      overlay({
        selected: new Set(["f"]),
        problemsByNode: new Map([["s", [{ message: "Enter the address." } as FlowProblem]]]),
        dryRunNodes: { f: { in: 10, out: { kept: 7, discarded: 3 }, errors: 1 } },
        diffMarks: new Map([["d", "added" as const]]),
      }),
    );
    expect(nodes.map((n) => [n.id, n.type, n.selected])).toEqual([
      ["t", "trigger.manual", false],
      ["s", "source.http", false],
      ["f", "filter.condition", true],
      ["d", "destination.postgres", false],
    ]);
    expect(nodes[1]!.data.problems).toEqual(["Enter the address."]);
    expect(nodes[2]!.data.counts).toEqual({ in: 10, out: 10, errors: 1 });
    expect(nodes[2]!.data.ports.outputs).toEqual(["kept", "discarded"]);
    expect(nodes[3]!.data.diff).toBe("added");
    expect(nodes[1]!.ariaLabel).toBe("Supplier (Read from an API)");
  });

  it("hands back the same objects for the nodes an edit did not touch", () => {
    const map = createNodeMapper();
    const flow = sampleFlow();
    const before = map(flow, overlay({ problemsByNode: new Map([["s", [{ message: "x" } as FlowProblem]]]) }));
    // A new problems map with the same messages (the store recomputes it on every edit).
    const after = map(renameNode(flow, "f", "Cheap"), overlay({ problemsByNode: new Map([["s", [{ message: "x" } as FlowProblem]]]) }));
    expect(after.map((node, i) => node === before[i])).toEqual([true, true, false, true]);
    expect(after[2]!.data.node.label).toBe("Cheap");
  });

  it("shows dragged nodes where the pointer is, and keeps measured sizes on changed nodes", () => {
    const map = createNodeMapper();
    const flow = sampleFlow();
    const first = map(flow, overlay());
    const measured = new Map([["s", { width: 224, height: 80 }]]);
    const dragging = map(flow, overlay({ dragging: new Map([["s", { x: 400, y: 16 }]]), measured }));
    expect(dragging[1]!.position).toEqual({ x: 400, y: 16 });
    expect(dragging[1]!.measured).toEqual({ width: 224, height: 80 });
    expect(dragging[1]!.data).toBe(first[1]!.data);
    const dropped = map(moveNodes(flow, { s: { x: 400, y: 16 } }), overlay({ measured }));
    expect(dropped[1]!.position).toEqual({ x: 400, y: 16 });
    expect(dropped[0]).toBe(first[0]);
  });
});

describe("document → React Flow edges", () => {
  it("joins ports by handle id and reads the dry-run count on each connection", () => {
    const map = createEdgeMapper();
    const flow = sampleFlow();
    const edges = map(flow, new Set(["e3"]), { e1: 1, e2: 120, e3: 0 });
    expect(edges[2]).toMatchObject({ source: "f", sourceHandle: "kept", target: "d", targetHandle: "in", selected: true, data: { count: 0 } });
    expect(edges.map((e) => e.ariaLabel)).toEqual(["1 record from Start to Supplier", "120 records from Supplier to In stock", "0 records from In stock (kept) to Shop"]);
    const again = map(renameNode(flow, "t", "Go"), new Set(["e3"]), { e1: 1, e2: 120, e3: 0 });
    expect(again.map((edge, i) => edge === edges[i])).toEqual([false, true, true]);
    expect(again[0]!.ariaLabel).toBe("1 record from Go to Supplier");
  });

  it("names a connection without counts before any dry run", () => {
    expect(edgeLabel(sampleFlow().edges[0]!, null, new Map([["t", "Start"], ["s", "Supplier"]]))).toBe("Connection from Start to Supplier");
  });
});
