/**
 * What the node kinds' tests share: two test kinds (a source that brings the records of its config,
 * a destination that records what reaches it, or fails), fixture flows checked by the one validator
 * against every real kind, and runs through the real engine with every real kind.
 */
import type { FlowRecord, ImplementationRegistry, LogEntry, NodeContext, NodeDefinition, NodeImplementation, RunInfo, RunReport } from "@flowgate/engine";
import { fakeImplementation, MemoryState, runTestFlow, testExpressions, testRunInfo, type TestRunOptions } from "@flowgate/engine/testing";
import { createKindRegistry, validateFlow, type Flow, type FlowInput } from "@flowgate/flow";
import { z } from "zod";
import { nodeDefinitions, nodeImplementations } from "../registry";
import type { NodeServices } from "../services";

/** `source.records`: the records of its config, in batches of the flow's batch size; the cursor is the next index. */
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

const RecorderConfigSchema = z.object({ fail: z.boolean().default(false) });

/** What `destination.recorder` nodes received in a run (or several). */
export interface Recorder {
  /** The `destination.recorder` kind, writing here. With `fail: true` in its config, it fails the run instead. */
  implementation: NodeImplementation<any, any>;
  /** Records per destination node id, in order. */
  written: Map<string, FlowRecord[]>;
  /** Every batch any recorder node received, in order. */
  receivedBatches: FlowRecord[][];
  /** Every record any recorder node received, in order (for flows with one recorder). */
  readonly records: FlowRecord[];
}

export function createRecorder(): Recorder {
  const written = new Map<string, FlowRecord[]>();
  const receivedBatches: FlowRecord[][] = [];
  const implementation = fakeImplementation({
    id: "destination.recorder",
    label: "Recorder",
    configSchema: RecorderConfigSchema,
    execute(ctx, batch) {
      if (ctx.config.fail) throw new Error("the shop is not answering");
      receivedBatches.push(batch);
      const list = written.get(ctx.node.id) ?? [];
      list.push(...batch);
      written.set(ctx.node.id, list);
      return { ports: {} };
    },
  });
  return {
    implementation,
    written,
    receivedBatches,
    get records() {
      return receivedBatches.flat();
    },
  };
}

/** Every real kind plus the two test kinds: what fixture flows are validated against. */
export const fixtureKinds = createKindRegistry([...nodeDefinitions, recordsSource.definition, createRecorder().implementation.definition]);

/** A fixture flow (JSON beside the test), optionally changed, checked by the one validator as on save. */
export function fixtureFlow(doc: unknown, change?: (flow: FlowInput) => void): Flow {
  const copy = structuredClone(doc) as FlowInput;
  change?.(copy);
  const result = validateFlow(copy, fixtureKinds);
  if (!result.ok) throw new Error(`The fixture flow is not valid: ${result.problems.map((p) => p.message).join(" | ")}`);
  return result.flow;
}

/** Sets a node's config (merged over the fixture's) before validation. */
export function configure(doc: FlowInput, nodeId: string, config: Record<string, unknown>): void {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`The fixture flow has no node “${nodeId}”`);
  node.config = { ...(node.config ?? {}), ...config };
}

/** The records of the flow's `source.records` node, to change between runs. */
export function sourceRecords(flow: FlowInput): FlowRecord[] {
  const source = flow.nodes.find((node) => node.kind === "source.records");
  if (!source) throw new Error("The fixture flow has no source.records node");
  return (source.config as { records: FlowRecord[] }).records;
}

export interface FixtureRunOptions extends Omit<Partial<TestRunOptions<NodeServices | undefined>>, "flow" | "implementations"> {
  /** Where the recorders write: pass one to keep recording across runs; a new one by default. */
  recorder?: Recorder;
  /** Kinds besides the real ones and the test kinds (e.g. a test's own source). */
  extra?: NodeImplementation<any, any>[];
}

export type FixtureReport = RunReport & { state: MemoryState; logs: LogEntry[] } & Pick<Recorder, "written" | "receivedBatches" | "records">;

/**
 * Runs a flow through the real engine with every real kind, the test kinds and `extra`, in-memory
 * state and the real expressions. Services are the caller's (`createTestServices()`) when the flow
 * needs any. Returns the report, the state, the log and what the recorders received.
 */
export async function runFixture(flow: Flow, options: FixtureRunOptions = {}): Promise<FixtureReport> {
  const { recorder = createRecorder(), extra = [], log, ...rest } = options;
  const testKinds = new Map([recordsSource, recorder.implementation, ...extra].map((kind) => [kind.definition.id, kind]));
  const implementations: ImplementationRegistry = { get: (kindId) => testKinds.get(kindId) ?? nodeImplementations.get(kindId) };
  const logs: LogEntry[] = [];
  const report = await runTestFlow<NodeServices | undefined>({
    flow,
    implementations,
    log: (entry) => {
      logs.push(entry);
      log?.(entry);
    },
    ...rest,
  });
  return {
    ...report,
    logs,
    written: recorder.written,
    receivedBatches: recorder.receivedBatches,
    get records() {
      return recorder.records;
    },
  };
}

/** A node's context for calling its methods directly: config parsed by the kind's schema, real expressions. */
export function nodeContext<Schema extends z.ZodType, Services = undefined>(
  definition: NodeDefinition<Schema>,
  config: z.input<Schema>,
  options: { state?: MemoryState; nodeId?: string; run?: Partial<RunInfo>; services?: Services; signal?: AbortSignal } = {},
): NodeContext<z.output<Schema>, Services> {
  const nodeId = options.nodeId ?? "node";
  return {
    node: { id: nodeId, label: definition.label, kind: definition.id },
    run: testRunInfo(options.run),
    config: definition.configSchema.parse(config),
    state: (options.state ?? new MemoryState()).forNode(nodeId),
    services: options.services as Services,
    expressions: testExpressions,
    signal: options.signal ?? new AbortController().signal,
    log: () => {},
  };
}
