import { FlowSchema, type Flow, type FlowInput, type NodeCategory } from "@flowgate/flow";
import { z } from "zod";
import type {
  AbortInfo,
  BatchOutput,
  Expressions,
  FinishInfo,
  FlowRecord,
  ImplementationRegistry,
  NodeContext,
  NodeDefinition,
  NodeImplementation,
  PlannedWrite,
  ReadOptions,
  RunInfo,
  SourceBatch,
} from "../contract";
import { runFlow, type RunOptions, type RunReport } from "../execute";
import { jsonataExpressions } from "../jsonata-expressions";
import { createImplementationRegistry } from "../registry";
import { MemoryState } from "./memory-state";

export { createMemoryState, MemoryState } from "./memory-state";

export interface FakeKind<Config> {
  /** Kind id; its first segment gives the default category (`source.fake` is a source). */
  id: string;
  label?: string;
  category?: NodeCategory;
  configSchema?: z.ZodType<Config>;
  inputs?: readonly string[];
  outputs?: readonly string[];
  read?(ctx: NodeContext<Config>, options: ReadOptions): AsyncIterable<SourceBatch>;
  execute?(ctx: NodeContext<Config>, batch: FlowRecord[]): Promise<BatchOutput> | BatchOutput;
  plan?(ctx: NodeContext<Config>, batch: FlowRecord[]): Promise<PlannedWrite[]> | PlannedWrite[];
  finish?(ctx: NodeContext<Config>, info: FinishInfo): Promise<BatchOutput | void> | BatchOutput | void | AsyncIterable<BatchOutput>;
  abort?(ctx: NodeContext<Config>, info: AbortInfo): Promise<void> | void;
}

const CATEGORIES: readonly NodeCategory[] = ["trigger", "source", "transform", "filter", "approval", "destination"];

/**
 * A node implementation for tests, with the port shape its category suggests (a trigger has no
 * inputs, a destination no outputs, everything else `in` → `out`) unless given.
 */
export function fakeImplementation<Config = Record<string, unknown>>(kind: FakeKind<Config>): NodeImplementation<Config> {
  const prefix = kind.id.split(".")[0] as NodeCategory;
  const category = kind.category ?? (CATEGORIES.includes(prefix) ? prefix : "transform");
  const definition: NodeDefinition = {
    id: kind.id,
    version: 1,
    label: kind.label ?? kind.id,
    description: `Test kind ${kind.id}`,
    category,
    icon: "box",
    configSchema: kind.configSchema ?? z.looseObject({}),
    inputs: kind.inputs ?? (category === "trigger" ? [] : ["in"]),
    outputs: kind.outputs ?? (category === "destination" ? [] : ["out"]),
  };
  const { read, execute, plan, finish, abort } = kind;
  return {
    definition,
    ...(read && { read }),
    ...(execute && { execute: async (ctx, batch) => execute(ctx, batch) }),
    ...(plan && { plan: async (ctx, batch) => plan(ctx, batch) }),
    ...(finish && {
      finish: (ctx, info) => {
        const output = finish(ctx, info);
        // A batch stream goes back as it is; anything else as a promise, as the contract has it.
        return output !== undefined && Symbol.asyncIterator in output ? output : Promise.resolve(output);
      },
    }),
    ...(abort && { abort: async (ctx, info) => abort(ctx, info) }),
  };
}

/** A manual trigger that brings no records. */
export const fakeTrigger = fakeImplementation({ id: "trigger.manual", label: "Manual start" });

/** The real expression compiler, as the runtime passes it. */
export const testExpressions: Expressions = jsonataExpressions;

/** Expressions for tests that must use none: compiling one is a mistake in the test. */
export const noExpressions: Expressions = {
  compile(source) {
    throw new Error(`This test passed no expressions, but a node compiled “${source}”. Pass \`expressions\` to the run.`);
  },
  compileMapper(fields) {
    throw new Error(`This test passed no expressions, but a node compiled ${fields.length} mapped fields. Pass \`expressions\` to the run.`);
  },
};

export function testRunInfo(overrides: Partial<RunInfo> = {}): RunInfo {
  return {
    id: "run-1",
    flowId: "flow-1",
    mode: "run",
    startedAt: new Date("2024-01-01T00:00:00Z"),
    trigger: { kind: "manual" },
    ...overrides,
  };
}

/** A flow document from shorthand: nodes need only id, kind and (optionally) config; edges default their ports. */
export function testFlow(flow: {
  nodes: (Partial<FlowInput["nodes"][number]> & { id: string; kind: string })[];
  edges: FlowInput["edges"];
  settings?: FlowInput["settings"];
}): Flow {
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes: flow.nodes.map((node, i) => ({ kindVersion: 1, label: node.id, position: { x: i * 200, y: 0 }, ...node })),
    edges: flow.edges,
    settings: flow.settings ?? {},
  });
}

export interface TestRunOptions<Services> extends Partial<Omit<RunOptions<Services>, "flow" | "implementations" | "run" | "state">> {
  flow: Flow;
  state?: MemoryState;
  implementations: readonly NodeImplementation<any, any>[] | ImplementationRegistry;
  run?: Partial<RunInfo>;
}

/** Runs a flow with in-memory state, the real expressions and test defaults; returns the report and the state. */
export async function runTestFlow<Services = undefined>(
  options: TestRunOptions<Services>,
): Promise<RunReport & { state: MemoryState }> {
  const state = options.state ?? new MemoryState();
  const implementations =
    "get" in options.implementations ? options.implementations : createImplementationRegistry(options.implementations);
  const report = await runFlow<Services>({
    expressions: testExpressions,
    services: undefined as Services,
    ...options,
    implementations,
    state,
    run: testRunInfo(options.run),
  });
  return { ...report, state };
}
