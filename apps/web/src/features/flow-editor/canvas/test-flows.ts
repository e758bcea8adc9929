import { emptyFlow, type Flow, type FlowNode } from "@flowgate/flow";

/** A small real flow for the canvas tests: manual trigger → HTTP source → filter, whose "kept" goes to a destination. */
export function sampleFlow(): Flow {
  const node = (id: string, kind: string, label: string, x: number): FlowNode => ({ id, kind, kindVersion: 1, label, position: { x, y: 0 }, config: {} });
  return {
    ...emptyFlow(),
    nodes: [
      node("t", "trigger.manual", "Start", 0),
      node("s", "source.http", "Supplier", 320),
      node("f", "filter.condition", "In stock", 640),
      node("d", "destination.postgres", "Shop", 960),
    ],
    edges: [
      { id: "e1", source: "t", sourcePort: "out", target: "s", targetPort: "in" },
      { id: "e2", source: "s", sourcePort: "out", target: "f", targetPort: "in" },
      { id: "e3", source: "f", sourcePort: "kept", target: "d", targetPort: "in" },
    ],
  };
}
