/**
 * Flows for the scenarios: the real node kinds from the registry (plus the bench's own generated
 * source and null destination), a compact flow builder, and a runner that fails the scenario unless
 * the run succeeded without a single record error.
 */
import { FlowSchema, type Flow } from "@flowgate/flow";
import { createImplementationRegistry, runFlow, type CheckpointPort, type LogEntry, type RunReport, type StatePort } from "@flowgate/engine";
import { testExpressions } from "@flowgate/engine/testing";
import { nodeImplementations } from "@flowgate/nodes/registry";
import { generatedSource, nullDestination } from "./generated";

/** Every real kind, and the bench's `source.generated` and `destination.null`. */
export const benchImplementations = createImplementationRegistry([...nodeImplementations.list(), generatedSource, nullDestination]);

export interface Step {
  id: string;
  kind: string;
  config: Record<string, unknown>;
  /** The port towards the next step (default `out`; `kept` after a filter). */
  port?: string;
}

/** A straight line: trigger.manual → steps, each into the next through `in`. */
export function lineFlow(steps: Step[], batchSize = 1000): Flow {
  const all: Step[] = [{ id: "start", kind: "trigger.manual", config: {} }, ...steps];
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes: all.map((step, i) => ({ id: step.id, kind: step.kind, kindVersion: 1, label: step.id, position: { x: i * 200, y: 0 }, config: step.config })),
    edges: all.slice(1).map((step, i) => ({
      id: `e${i + 1}`,
      source: all[i]!.id,
      sourcePort: all[i]!.port ?? (all[i]!.kind.startsWith("filter.") ? "kept" : "out"),
      target: step.id,
      targetPort: "in",
    })),
    settings: { batchSize, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  });
}

/** The 5-field mapping of engine-map-filter: every expression in the fast subset. */
export const MAP_FIELDS = [
  { target: "gross", expression: "price * 1.23" },
  { target: "grossRounded", expression: "$round(price * 1.23, 2)" },
  { target: "label", expression: 'name & " (" & sku & ")"' },
  { target: "upperName", expression: "$uppercase($trim(name))" },
  { target: "cheap", expression: "stock > 0 and price < 100" },
] as const;

/** The shop mapping (http-to-postgres, incremental): the shop table's five columns, all fast-subset expressions. */
export const SHOP_FIELDS = [
  { target: "sku", expression: "sku" },
  { target: "name", expression: 'name & " (" & sku & ")"' },
  { target: "price", expression: "$round(price * 1.23, 2)" },
  { target: "stock", expression: "stock" },
  { target: "updated_at", expression: "updated_at" },
] as const;

export const IN_STOCK_RULES = { mode: "rules", match: "all", rules: [{ field: "stock", operator: "greater", value: 0 }] };

export interface EngineRun<Services> {
  flow: Flow;
  services: Services;
  state: StatePort;
  checkpoint?: CheckpointPort;
  runId: string;
  log?: (entry: LogEntry) => void;
}

/** Runs the flow with the real expressions; throws unless it succeeded with no record errors. */
export async function runOrThrow<Services>(options: EngineRun<Services>): Promise<RunReport> {
  const report = await runFlow({
    flow: options.flow,
    implementations: benchImplementations,
    services: options.services,
    run: { id: options.runId, flowId: "bench", mode: "run", startedAt: new Date(), trigger: { kind: "manual" } },
    state: options.state,
    ...(options.checkpoint && { checkpoint: options.checkpoint }),
    expressions: testExpressions,
    sampleSize: 0,
    ...(options.log && { log: options.log }),
  });
  if (report.status !== "succeeded" || report.errorCount > 0) {
    throw new Error(`run ${options.runId} ${report.status}: ${JSON.stringify(report.error)} ${JSON.stringify(report.errors.slice(0, 3))}`);
  }
  return report;
}

/** Per node: milliseconds and share of the run, for notes ("map 31%, filter 4%, …"). */
export function nodeTimes(report: RunReport): string {
  const total = Object.values(report.nodes).reduce((sum, n) => sum + n.ms, 0);
  return Object.entries(report.nodes)
    .filter(([, n]) => n.ms > 0)
    .map(([id, n]) => `${id} ${Math.round(n.ms).toLocaleString("en")} ms (${Math.round((n.ms / total) * 100)}%)`)
    .join(", ");
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en", { maximumFractionDigits: digits });

/** Best (shortest) of repeated timings. */
export function best(times: number[]): number {
  return Math.min(...times);
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
