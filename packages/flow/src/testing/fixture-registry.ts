import { z } from "zod";
import { createKindRegistry, type NodeKindDescriptor } from "../registry";
import { FlowSchema, type Flow } from "../schema";

/** Four small kinds, one per port shape, for tests of this package and of packages that use it. */
export const fixtureKinds = [
  {
    id: "trigger.manual",
    version: 1,
    label: "Manual start",
    category: "trigger",
    configSchema: z.object({}),
    inputs: [],
    outputs: ["out"],
  },
  {
    id: "source.fixture",
    version: 1,
    label: "Fixture source",
    category: "source",
    configSchema: z.object({ rows: z.number().default(10) }),
    inputs: ["in"],
    outputs: ["out"],
  },
  {
    id: "filter.fixture",
    version: 1,
    label: "Fixture filter",
    category: "filter",
    configSchema: z.object({ expression: z.string().min(1) }),
    inputs: ["in"],
    outputs: ["kept", "discarded"],
  },
  {
    id: "destination.fixture",
    version: 1,
    label: "Fixture destination",
    category: "destination",
    configSchema: z.object({}),
    inputs: ["in"],
    outputs: [],
  },
] as const satisfies readonly NodeKindDescriptor[];

export const fixtureRegistry = createKindRegistry(fixtureKinds);

/** A valid flow over `fixtureRegistry`: start → source → filter → (kept) destination. */
export function fixtureFlow(): Flow {
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes: [
      { id: "start", kind: "trigger.manual", kindVersion: 1, label: "Start", position: { x: 0, y: 0 } },
      { id: "products", kind: "source.fixture", kindVersion: 1, label: "Fetch products", position: { x: 200, y: 0 }, config: { rows: 5 } },
      { id: "in-stock", kind: "filter.fixture", kindVersion: 1, label: "In stock", position: { x: 400, y: 0 }, config: { expression: "stock > 0" } },
      { id: "store", kind: "destination.fixture", kindVersion: 1, label: "Save to store", position: { x: 600, y: 0 } },
    ],
    edges: [
      { id: "e1", source: "start", target: "products" },
      { id: "e2", source: "products", target: "in-stock" },
      { id: "e3", source: "in-stock", sourcePort: "kept", target: "store" },
    ],
    settings: {},
  });
}
