import { describe, expect, it } from "vitest";
import { defaultConfig, definitionOf, definitions, freshLabel, paletteGroups, portsOf } from "./kinds";
import { sampleFlow } from "./test-flows";

describe("paletteGroups", () => {
  it("lists the families in the order people think of them, approval announced while it has no kinds", () => {
    const groups = paletteGroups(definitions, "");
    expect(groups.map((g) => g.label)).toEqual(["Triggers", "Sources", "Transform", "Filter", "Approval", "Destinations"]);
    expect(groups.find((g) => g.category === "trigger")!.kinds.map((k) => k.id)).toContain("trigger.schedule");
  });

  it("keeps the kinds whose label or description holds every word searched, and drops empty families", () => {
    const groups = paletteGroups(definitions, "  CSV  file ");
    expect(groups.map((g) => g.category)).toEqual(["source", "destination"]);
    expect(groups.flatMap((g) => g.kinds.map((k) => k.id))).toEqual(["source.file", "destination.file"]);
    expect(paletteGroups(definitions, "no such thing")).toEqual([]);
  });
});

describe("defaultConfig", () => {
  it("is the schema's defaults when an empty config passes, else empty for the inspector to fill", () => {
    expect(defaultConfig(definitionOf("transform.map")!)).toEqual({ fields: [], keepUnmapped: true });
    expect(defaultConfig(definitionOf("source.http")!)).toEqual({});
  });

  it("starts a kind with variants in its first variant", () => {
    expect(defaultConfig(definitionOf("filter.condition")!)).toEqual({ mode: "rules" });
    expect(defaultConfig(definitionOf("trigger.schedule")!)).toMatchObject({ mode: "cron" });
  });
});

describe("portsOf", () => {
  it("gives a router one output per route, and every node with inputs the error output", () => {
    const flow = sampleFlow();
    const router = {
      ...flow.nodes[2]!,
      kind: "filter.route",
      config: { routes: [{ name: "cheap", condition: { mode: "expression", expression: "price < 10" } }] },
    };
    expect(portsOf(router, definitionOf("filter.route"), [])).toEqual({
      inputs: ["in"],
      outputs: ["cheap", "else"],
      errorPort: true,
      strayInputs: [],
      strayOutputs: [],
    });
    expect(portsOf(flow.nodes[0]!, definitionOf("trigger.manual"), flow.edges).errorPort).toBe(false);
  });

  it("keeps a handle for a port a connection uses but the node no longer has", () => {
    const flow = sampleFlow();
    const edges = [...flow.edges, { id: "e9", source: "f", sourcePort: "gone", target: "d", targetPort: "in" }];
    expect(portsOf(flow.nodes[2]!, definitionOf("filter.condition"), edges).strayOutputs).toEqual(["gone"]);
    expect(portsOf({ ...flow.nodes[2]!, kind: "filter.nope" }, undefined, edges)).toMatchObject({ strayInputs: ["in"], strayOutputs: ["kept", "gone"] });
  });
});

describe("freshLabel", () => {
  it("numbers a label the flow already uses", () => {
    expect(freshLabel([{ label: "Map" }], "Filter")).toBe("Filter");
    expect(freshLabel([{ label: "Map" }, { label: "Map 2" }], "Map")).toBe("Map 3");
  });
});
