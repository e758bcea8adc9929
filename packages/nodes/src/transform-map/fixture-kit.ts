/**
 * Test support shared by the tests of transform.map, transform.changes, filter.condition and
 * filter.route: two small test kinds (a source that brings the records its config holds, and a
 * destination that records what reaches it, or fails), the one validator for fixture flows, and a
 * run through the real engine.
 */
import { fakeImplementation, MemoryState, runTestFlow, testExpressions, testRunInfo } from "@flowgate/engine/testing";
import type { FlowRecord, NodeContext, NodeDefinition, NodeImplementation, RunInfo, RunReport } from "@flowgate/engine";
import { createKindRegistry, validateFlow, type Flow, type FlowInput } from "@flowgate/flow";
import { z } from "zod";
import { conditionFilter } from "../filter-condition/execute";
import { routeFilter } from "../filter-route/execute";
import { routePorts, type RouteFilterConfig } from "../filter-route/definition";
import { changesTransform } from "../transform-changes/execute";
import { manualTrigger } from "../trigger-manual/execute";
import { mapTransform } from "./execute";

export interface RecorderServices {
  /** Records written per destination node id, in order. */
  written: Map<string, FlowRecord[]>;
}

/** `source.records`: the records of its config, in batches of the flow's batch size. */
export const recordsSource = fakeImplementation({
  id: "source.records",
  label: "Records",
  configSchema: z.object({ records: z.array(z.record(z.string(), z.unknown())) }),
  async *read(ctx, { cursor, batchSize, limit }) {
    const records = ctx.config.records as FlowRecord[];
    const end = Math.min(records.length, limit ?? Infinity);
    for (let next = typeof cursor === "number" ? cursor : 0; next < end; next += batchSize) {
      yield { records: records.slice(next, Math.min(next + batchSize, end)), cursor: next + batchSize };
    }
  },
});

/** `destination.recorder`: keeps what reaches it in `services.written`; with `fail`, fails the run instead. */
export const recorderDestination = fakeImplementation({
  id: "destination.recorder",
  label: "Recorder",
  configSchema: z.object({ fail: z.boolean().default(false) }),
  execute(ctx, batch) {
    if (ctx.config.fail) throw new Error("the shop is not answering");
    const { written } = ctx.services as RecorderServices;
    const list = written.get(ctx.node.id) ?? [];
    list.push(...batch);
    written.set(ctx.node.id, list);
    return { ports: {} };
  },
});

const implementations: NodeImplementation<any, any>[] = [
  manualTrigger,
  recordsSource,
  recorderDestination,
  mapTransform,
  changesTransform,
  conditionFilter,
  routeFilter,
];

export const kitKinds = createKindRegistry(implementations.map((implementation) => implementation.definition));

/** A fixture flow (optionally changed), checked by the one validator, as on save. */
export function fixtureFlow(doc: unknown, change?: (flow: FlowInput) => void): Flow {
  const copy = structuredClone(doc) as FlowInput;
  change?.(copy);
  const result = validateFlow(copy, kitKinds);
  if (!result.ok) throw new Error(`The fixture flow is not valid: ${result.problems.map((p) => p.message).join(" | ")}`);
  return result.flow;
}

/** The records of the flow's `source.records` node, to change between runs. */
export function sourceRecords(flow: FlowInput): FlowRecord[] {
  const source = flow.nodes.find((node) => node.kind === "source.records");
  if (!source) throw new Error("The fixture flow has no source.records node");
  return (source.config as { records: FlowRecord[] }).records;
}

/**
 * The engine checks ports against a kind's declared outputs; until it asks `outputsFor` (as the
 * validator does), a router runs here with the outputs its routes define.
 */
function withRoutePorts(flow: Flow): NodeImplementation<any, any>[] {
  const ports = new Set(routeFilter.definition.outputs);
  for (const node of flow.nodes) {
    if (node.kind !== "filter.route") continue;
    for (const port of routePorts(node.config as RouteFilterConfig)) ports.add(port);
  }
  const router = { ...routeFilter, definition: { ...routeFilter.definition, outputs: [...ports] } };
  return implementations.map((implementation) => (implementation === routeFilter ? router : implementation));
}

/** Runs a flow through the real engine with in-memory state; returns the report and what each destination got. */
export async function runFixture(
  flow: Flow,
  options: { state?: MemoryState; run?: Partial<RunInfo>; dryRunLimit?: number } = {},
): Promise<RunReport & { state: MemoryState; written: Map<string, FlowRecord[]> }> {
  const services: RecorderServices = { written: new Map() };
  const report = await runTestFlow({
    flow,
    implementations: withRoutePorts(flow),
    services,
    ...(options.state && { state: options.state }),
    ...(options.run && { run: options.run }),
    ...(options.dryRunLimit !== undefined && { dryRunLimit: options.dryRunLimit }),
  });
  return { ...report, written: services.written };
}

/** A node's context for calling `execute` directly: config parsed by the kind's schema, real expressions. */
export function nodeContext<Schema extends z.ZodType>(
  definition: NodeDefinition<Schema>,
  config: z.input<Schema>,
  options: { state?: MemoryState; nodeId?: string; run?: Partial<RunInfo> } = {},
): NodeContext<z.output<Schema>> {
  const nodeId = options.nodeId ?? "node";
  return {
    node: { id: nodeId, label: definition.label, kind: definition.id },
    run: testRunInfo(options.run),
    config: definition.configSchema.parse(config),
    state: (options.state ?? new MemoryState()).forNode(nodeId),
    services: undefined,
    expressions: testExpressions,
    signal: new AbortController().signal,
    log: () => {},
  };
}
