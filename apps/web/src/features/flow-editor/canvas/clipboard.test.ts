import { describe, expect, it } from "vitest";
import { offsetToAnchor, parseClipboard, selectionToText } from "./clipboard";
import { sampleFlow } from "./test-flows";

describe("clipboard", () => {
  it("round-trips the selected nodes and the connections among them", () => {
    const text = selectionToText(sampleFlow(), ["s", "f"])!;
    const parsed = parseClipboard(text);
    expect(parsed.ok && parsed.fragment.nodes.map((n) => n.id)).toEqual(["s", "f"]);
    expect(parsed.ok && parsed.fragment.edges.map((e) => e.id)).toEqual(["e2"]);
    expect(selectionToText(sampleFlow(), [])).toBeNull();
  });

  it("takes a whole exported flow document as all of its nodes", () => {
    const parsed = parseClipboard(JSON.stringify(sampleFlow()));
    expect(parsed.ok && parsed.fragment.nodes).toHaveLength(4);
  });

  it("says what the clipboard should hold when it holds something else", () => {
    for (const text of ["", "hello", "[1,2]", '{"nodes":[]}']) {
      const parsed = parseClipboard(text);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.message).toMatch(/does not hold Flowgate nodes/);
    }
    const damaged = parseClipboard(JSON.stringify({ flowgate: "fragment", version: 1, nodes: [], edges: [{ id: "e", source: "a", target: "b" }] }));
    expect(!damaged.ok && damaged.message).toMatch(/damaged/);
  });

  it("moves a fragment's top-left node to the anchor, on the grid", () => {
    const fragment = { nodes: [{ position: { x: 320, y: 40 } }, { position: { x: 100, y: 200 } }] } as Parameters<typeof offsetToAnchor>[0];
    expect(offsetToAnchor(fragment, { x: 507, y: 9 })).toEqual({ x: 512 - 100, y: 16 - 40 });
  });
});
