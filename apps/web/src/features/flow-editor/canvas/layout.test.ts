import { describe, expect, it } from "vitest";
import { autoLayout, elkGraph } from "./layout";
import { sampleFlow } from "./test-flows";

const size = () => ({ width: 224, height: 80 });

describe("auto-layout", () => {
  it("gives ELK every node with its ports in drawing order and every connection port to port", () => {
    const flow = sampleFlow();
    const graph = elkGraph({ ...flow, edges: [...flow.edges, { id: "x", source: "gone", sourcePort: "out", target: "d", targetPort: "in" }] }, size);
    const filter = graph.children!.find((child) => child.id === "f")!;
    expect(filter.ports!.map((port) => [port.id.split("\u0000").slice(1).join(":"), port.layoutOptions!["elk.port.side"]])).toEqual([
      ["out:kept", "EAST"],
      ["out:discarded", "EAST"],
      ["out:error", "EAST"],
      ["in:in", "WEST"],
    ]);
    // The broken connection is left out rather than failing the layout.
    expect(graph.edges!.map((edge) => edge.id)).toEqual(["e1", "e2", "e3"]);
  });

  it("lays a chain out from left to right on the grid, keeping the flow's top-left corner", async () => {
    const flow = sampleFlow();
    const scrambled = { ...flow, nodes: flow.nodes.map((node, i) => ({ ...node, position: { x: 400 - i * 100, y: 64 + i * 50 } })) };
    const positions = await autoLayout(scrambled, size);
    const xs = ["t", "s", "f", "d"].map((id) => positions[id]!.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(Math.min(...xs)).toBe(96);
    for (const p of Object.values(positions)) expect([p.x % 16, p.y % 16]).toEqual([0, 0]);
  });
});
