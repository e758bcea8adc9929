/**
 * Flowgate's side of vs-node-red, in a process of its own so that its peak RSS is measured the way
 * Node-RED's is (VmHWM of the process, read by the scenario). Started with
 * `node --import tsx flowgate-child.ts '<json options>'` and driven over IPC:
 *
 *   child → parent  { type: "ready" }                       the flow is valid, services are up
 *   parent → child  { type: "run", run: n }                  one run of the flow (state kept between runs)
 *   child → parent  { type: "done", run: n, report: {...} }  the engine's report, summarised
 *
 * The engine and the real node kinds, with in-memory state (as Node-RED's memory context) and the
 * test services (the real HTTP client with loopback allowed).
 */
import { FlowSchema, type Flow } from "@flowgate/flow";
import { runFlow } from "@flowgate/engine";
import { createMemoryState, testExpressions } from "@flowgate/engine/testing";
import { nodeImplementations } from "@flowgate/nodes/registry";
import { createTestServices } from "@flowgate/nodes/testing";

interface Options {
  supplierUrl: string;
  shopUrl: string;
  pageSize: number;
  batchSize: number;
}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const send = (message: object) => process.send!(message);

/** The flow a person would draw for this job in the editor. */
export function vsNodeRedFlow(o: Options): Flow {
  return FlowSchema.parse({
    schemaVersion: 1,
    nodes: [
      { id: "start", kind: "trigger.manual", kindVersion: 1, label: "Run", position: { x: 0, y: 0 }, config: {} },
      {
        id: "supplier",
        kind: "source.http",
        kindVersion: 1,
        label: "Supplier products",
        position: { x: 200, y: 0 },
        config: { url: `${o.supplierUrl}/products`, recordsPath: "data", pagination: { mode: "page", pageSize: o.pageSize, maxPages: 10_000 } },
      },
      {
        id: "changes",
        kind: "transform.changes",
        kindVersion: 1,
        label: "Only what changed",
        position: { x: 400, y: 0 },
        config: { keyFields: ["sku"], compare: "all" },
      },
      {
        id: "in-stock",
        kind: "filter.condition",
        kindVersion: 1,
        label: "In stock",
        position: { x: 600, y: 0 },
        config: { mode: "rules", match: "all", rules: [{ field: "stock", operator: "greater", value: 0 }] },
      },
      {
        id: "shop",
        kind: "destination.http",
        kindVersion: 1,
        label: "Shop",
        position: { x: 800, y: 0 },
        config: { method: "POST", url: `${o.shopUrl}/products/batch`, body: "record", batchMode: { size: o.batchSize }, keyField: "sku" },
      },
    ],
    edges: [
      { id: "e1", source: "start", sourcePort: "out", target: "supplier", targetPort: "in" },
      { id: "e2", source: "supplier", sourcePort: "out", target: "changes", targetPort: "in" },
      { id: "e3", source: "changes", sourcePort: "out", target: "in-stock", targetPort: "in" },
      { id: "e4", source: "in-stock", sourcePort: "kept", target: "shop", targetPort: "in" },
    ],
    settings: { batchSize: o.pageSize, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail" },
  });
}

const flow = vsNodeRedFlow(options);
const state = createMemoryState();
const services = createTestServices();

process.on("message", (message: { type: string; run?: number }) => {
  if (message.type === "exit") {
    void services.close().finally(() => process.exit(0));
    return;
  }
  if (message.type !== "run") return;
  const run = message.run ?? 1;
  runFlow({
    flow,
    implementations: nodeImplementations,
    services,
    run: { id: `vs-node-red-${run}`, flowId: "vs-node-red", mode: "run", startedAt: new Date(), trigger: { kind: "manual" } },
    state,
    expressions: testExpressions,
    sampleSize: 0,
  }).then(
    (report) =>
      send({
        type: "done",
        run,
        report: { status: report.status, error: report.error, recordsRead: report.recordsRead, batches: report.batches, errorCount: report.errorCount, errors: report.errors.slice(0, 5), nodes: report.nodes },
      }),
    (error: unknown) => send({ type: "done", run, report: { status: "failed", error: { message: error instanceof Error ? error.stack ?? error.message : String(error) } } }),
  );
});

send({ type: "ready" });
