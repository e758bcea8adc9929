/** validateFlow on the largest flow the schema allows, against bare graph checks. */
import { fixtureRegistry, validateFlow, type Flow } from "@flowgate/flow";
import { peakRssMb, report } from "../scenario";

function largestFlow(): Flow {
  const nodes: Flow["nodes"] = [{ id: "n0", kind: "trigger.manual", kindVersion: 1, label: "Start", position: { x: 0, y: 0 }, config: {} }];
  const edges: Flow["edges"] = [];
  for (let i = 1; i < 500; i++) {
    const isFilter = i % 2 === 0;
    nodes.push({
      id: `n${i}`,
      kind: isFilter ? "filter.fixture" : "source.fixture",
      kindVersion: 1,
      label: `Step ${i}`,
      position: { x: i * 10, y: 0 },
      config: isFilter ? { expression: "price > 0" } : { rows: 5 },
    });
    edges.push({ id: `e${i}`, source: `n${i - 1}`, sourcePort: i - 1 > 0 && (i - 1) % 2 === 0 ? "kept" : "out", target: `n${i}`, targetPort: "in" });
  }
  return { schemaVersion: 1, nodes, edges, settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: "UTC", errorPolicy: "fail", missedSchedules: "once" } };
}

/** The least any validator must do: unique ids, known endpoints, and a topological sort (Kahn). */
function bareGraphChecks(flow: Flow): boolean {
  const ids = new Set<string>();
  for (const node of flow.nodes) {
    if (ids.has(node.id)) return false;
    ids.add(node.id);
  }
  const indegree = new Map<string, number>();
  const out = new Map<string, string[]>();
  for (const id of ids) indegree.set(id, 0);
  for (const edge of flow.edges) {
    if (!ids.has(edge.source) || !ids.has(edge.target)) return false;
    indegree.set(edge.target, indegree.get(edge.target)! + 1);
    (out.get(edge.source) ?? out.set(edge.source, []).get(edge.source)!).push(edge.target);
  }
  const queue = [...ids].filter((id) => indegree.get(id) === 0);
  let seen = 0;
  while (queue.length) {
    const id = queue.pop()!;
    seen++;
    for (const next of out.get(id) ?? []) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  return seen === ids.size;
}

function opsPerSecond(fn: () => void, millis = 1500): number {
  for (let i = 0; i < 20; i++) fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < millis) {
    fn();
    runs++;
  }
  return (runs * 1000) / (performance.now() - start);
}

const flow = largestFlow();
if (!validateFlow(flow, fixtureRegistry).ok || !bareGraphChecks(flow)) throw new Error("the benchmark flow must be valid");
const subject = opsPerSecond(() => validateFlow(flow, fixtureRegistry));
const ceiling = opsPerSecond(() => bareGraphChecks(flow));
const ratio = subject / ceiling;
report({
  scenario: "validate-flow",
  what: "validateFlow (run on every save and before every run) on the largest flow the schema allows (500 nodes); counted in validations, not records.",
  records: 500,
  seconds: 1 / subject,
  recordsPerSecond: subject * 500,
  peakRssMb: peakRssMb(),
  ceiling: { recordsPerSecond: ceiling * 500, what: "a bare loop checking only ids, endpoints and cycles (no schema, config, ports or messages)." },
  ratio,
  goal: "ratio ≥ 0.005 (a full validation within 200× bare graph checks)",
  met: ratio >= 0.005,
});
