import type { Checkpoint, RunCounts } from "@flowgate/engine";

/** What a run tells the worker's metrics (apps/worker serves them on /metrics); optional in RunFlowDeps. */
export interface RunMetrics {
  /** After each saved checkpoint: what the nodes handled since the previous one, by node kind, and how long it took. */
  batchCheckpointed(batch: BatchObservation): void;
}

export interface BatchObservation {
  flowId: string;
  /** Seconds since the previous checkpoint (or since the run started on this worker); absent for the closing checkpoint after the nodes' finish. */
  seconds?: number;
  /** Records handled per node kind in this batch (kinds with none are left out). */
  records: { kind: string; count: number }[];
}

/**
 * A function for run-flow's checkpoint save: turns the engine's cumulative counters into per-batch
 * numbers for `metrics`. Does nothing without metrics. A resumed run starts from the counters of
 * its last checkpoint, so nothing is counted twice.
 */
export function batchObserver(
  metrics: RunMetrics | undefined,
  run: { flowId: string; nodes: readonly { id: string; kind: string }[]; resumedCounts?: RunCounts | undefined },
): (checkpoint: Checkpoint) => void {
  if (!metrics) return () => {};
  const kindOf = new Map(run.nodes.map((n) => [n.id, n.kind]));
  let previous = run.resumedCounts ? handledByNode(run.resumedCounts) : new Map<string, number>();
  let since = performance.now();
  return (checkpoint) => {
    const current = handledByNode(checkpoint.counts);
    const byKind = new Map<string, number>();
    for (const [nodeId, handled] of current) {
      const delta = handled - (previous.get(nodeId) ?? 0);
      const kind = kindOf.get(nodeId);
      if (delta > 0 && kind) byKind.set(kind, (byKind.get(kind) ?? 0) + delta);
    }
    const now = performance.now();
    metrics.batchCheckpointed({
      flowId: run.flowId,
      ...(!checkpoint.done && { seconds: (now - since) / 1000 }),
      records: [...byKind].map(([kind, count]) => ({ kind, count })),
    });
    previous = current;
    since = now;
  };
}

/** What each node handled so far: what reached it, or, for a source, what it read (the larger of in and out). */
function handledByNode(counts: RunCounts): Map<string, number> {
  const handled = new Map<string, number>();
  for (const [nodeId, node] of Object.entries(counts.nodes)) {
    const out = Object.values(node.out).reduce((sum, n) => sum + n, 0);
    handled.set(nodeId, Math.max(node.in, out));
  }
  return handled;
}
