import { FlowSchema, validateFlow, type FlowProblem } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";
import { describe, expect, it } from "vitest";
import { configPathOf, messageBeside, problemPlace } from "./problems";

const doc = FlowSchema.parse({
  schemaVersion: 1,
  nodes: [
    { id: "m", kind: "transform.map", kindVersion: 1, label: "Prices", position: { x: 0, y: 0 }, config: { fields: [{ target: "", expression: "x" }] } },
    { id: "d", kind: "destination.postgres", kindVersion: 1, label: "Shop", position: { x: 0, y: 0 }, config: {} },
  ],
  edges: [{ id: "e1", source: "m", sourcePort: "nowhere", target: "d" }],
  settings: {},
});
const problems = validateFlow(doc, kindRegistry).problems;
const byCode = (code: FlowProblem["code"]) => problems.filter((p) => p.code === code);

describe("problems as the panel shows them", () => {
  it("points a config problem at the field inside the node's config", () => {
    const target = byCode("invalid_config").find((p) => p.nodeId === "m");
    expect(target && configPathOf(target)).toEqual(["fields", 0, "target"]);
    expect(target && problemPlace(doc, target)).toBe("Prices");
  });

  it("names a connection by its ends and a flow-wide problem as the flow", () => {
    const port = byCode("unknown_port")[0];
    expect(port && problemPlace(doc, port)).toBe("Connection Prices → Shop");
    const trigger = byCode("no_trigger")[0];
    expect(trigger && problemPlace(doc, trigger)).toBe("Flow");
    expect(trigger && configPathOf(trigger)).toEqual([]);
  });

  it("does not name the node twice", () => {
    expect(messageBeside("Shop", "Node “Shop”: the setting “table” is missing.")).toBe("The setting “table” is missing.");
    expect(messageBeside("Shop", "Node “Other”: the setting “table” is missing.")).toBe("Node “Other”: the setting “table” is missing.");
  });
});
