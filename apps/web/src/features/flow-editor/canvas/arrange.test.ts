import { describe, expect, it } from "vitest";
import { arrange, type Box } from "./arrange";

const box = (id: string, x: number, y: number, width = 100, height = 50): Box => ({ id, x, y, width, height });

describe("arrange", () => {
  it("aligns left edges, centres, top edges and middles, moving only what must move", () => {
    const boxes = [box("a", 10, 0), box("b", 40, 100, 200), box("c", 10, 300)];
    expect(arrange(boxes, "left")).toEqual({ b: { x: 10, y: 100 } });
    expect(arrange([box("a", 0, 0), box("b", 100, 80, 200, 90)], "center")).toEqual({ a: { x: 75, y: 0 }, b: { x: 25, y: 80 } });
    expect(arrange(boxes, "top")).toEqual({ b: { x: 40, y: 0 }, c: { x: 10, y: 0 } });
    expect(arrange([box("a", 0, 0, 100, 50), box("b", 0, 100, 100, 150)], "middle")).toEqual({ a: { x: 0, y: 75 }, b: { x: 0, y: 25 } });
  });

  it("distributes with equal gaps between neighbours, the outermost staying put", () => {
    const boxes = [box("c", 1000, 0), box("a", 0, 0), box("b", 150, 0, 300)];
    // span 0..1100, widths 500: two gaps of 300
    expect(arrange(boxes, "distribute-horizontal")).toEqual({ b: { x: 400, y: 0 } });
    expect(arrange([box("a", 0, 0), box("b", 0, 10)], "distribute-vertical")).toEqual({});
  });

  it("spaces centres evenly when the boxes overlap too much for gaps", () => {
    expect(arrange([box("a", 0, 0), box("b", 10, 0), box("c", 40, 0)], "distribute-horizontal")).toEqual({ b: { x: 20, y: 0 } });
  });
});
