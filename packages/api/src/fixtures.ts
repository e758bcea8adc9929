import type { Flow } from "@flowgate/flow";

/** A small valid flow over the fixture registry of @flowgate/flow: trigger → source → filter → destination. */
export function validFixtureFlow(): Flow {
  return {
    schemaVersion: 1,
    nodes: [
      { id: "start", kind: "trigger.manual", kindVersion: 1, label: "Start", position: { x: 0, y: 0 }, config: {} },
      { id: "read", kind: "source.fixture", kindVersion: 1, label: "Read products", position: { x: 200, y: 0 }, config: { rows: 5 } },
      { id: "cheap", kind: "filter.fixture", kindVersion: 1, label: "Cheap only", position: { x: 400, y: 0 }, config: { expression: "price < 10" } },
      { id: "write", kind: "destination.fixture", kindVersion: 1, label: "Write to shop", position: { x: 600, y: 0 }, config: {} },
    ],
    edges: [
      { id: "e1", source: "start", sourcePort: "out", target: "read", targetPort: "in" },
      { id: "e2", source: "read", sourcePort: "out", target: "cheap", targetPort: "in" },
      { id: "e3", source: "cheap", sourcePort: "kept", target: "write", targetPort: "in" },
    ],
    settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  } as Flow;
}
