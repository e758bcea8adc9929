import { emptyFlow } from "@flowgate/flow";
import { describe, expect, it } from "vitest";
import { insertKind } from "./insert";
import { definitionOf } from "./kinds";
import { sampleFlow } from "./test-flows";

let n = 0;
const newId = (what: "node" | "edge") => `${what}${++n}`;

describe("insertKind", () => {
  it("drops a node on the grid with the kind's label and default config", () => {
    const { flow, nodeId } = insertKind(emptyFlow(), definitionOf("transform.map")!, { position: { x: 101, y: 39 } }, { newId });
    expect(flow.nodes).toEqual([
      { id: nodeId, kind: "transform.map", kindVersion: 1, label: "Map fields", position: { x: 96, y: 32 }, config: { fields: [], keepUnmapped: true } },
    ]);
  });

  it("puts a node inserted after another to its right, connected from its first output", () => {
    const { flow, nodeId } = insertKind(sampleFlow(), definitionOf("transform.map")!, { after: "f", afterWidth: 224 }, { newId });
    const added = flow.nodes.find((node) => node.id === nodeId)!;
    expect(added.position).toEqual({ x: 944, y: 112 }); // 640 + 224 + 80, below the destination at 960,0
    expect(flow.edges.at(-1)).toMatchObject({ source: "f", sourcePort: "kept", target: nodeId, targetPort: "in" });
  });

  it("adds a trigger after a node without connecting it, since nothing connects into a trigger", () => {
    const before = sampleFlow();
    const { flow } = insertKind(before, definitionOf("trigger.manual")!, { after: "d" }, { newId });
    expect(flow.nodes).toHaveLength(before.nodes.length + 1);
    expect(flow.nodes.at(-1)!.label).toBe("Run by hand");
    expect(flow.edges).toEqual(before.edges);
  });
});
