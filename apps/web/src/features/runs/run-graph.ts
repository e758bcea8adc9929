import type { FlowEdge, FlowNode } from "@flowgate/flow";
import type { Tone } from "@flowgate/ui";
import { formatCount, formatDuration, type RunDetail } from "./run-text";

/*
 * The pinned version's graph seen through one run: how each node fared (its colour on the canvas),
 * how many records crossed each connection, and where a node's input came from. Pure.
 */

export type NodeStats = RunDetail["nodes"][number];

/** idle: no record reached it; passed: records went through; errors: some records failed in it; failed: the run stopped in it. */
export type NodeRunMark = "idle" | "passed" | "errors" | "failed";

export const NODE_MARKS: Record<NodeRunMark, { label: string; tone: Tone }> = {
  idle: { label: "No records", tone: "neutral" },
  passed: { label: "Passed", tone: "success" },
  errors: { label: "Had errors", tone: "warning" },
  failed: { label: "Failed", tone: "danger" },
};

export function statsByNode(nodes: readonly NodeStats[]): ReadonlyMap<string, NodeStats> {
  return new Map(nodes.map((node) => [node.nodeId, node]));
}

export function totalOut(stats: Pick<NodeStats, "out">): number {
  let sum = 0;
  for (const n of Object.values(stats.out)) sum += n;
  return sum;
}

/**
 * How a node fared. The node the run's error names failed; a node with failed records had errors;
 * a node records reached or left passed. A trigger takes no records and gives none: it passed once
 * the run started anything at all.
 */
export function nodeRunMark(nodeId: string, stats: NodeStats | undefined, run: { errorNodeId: string | undefined; started: boolean; isTrigger: boolean }): NodeRunMark {
  if (run.errorNodeId === nodeId) return "failed";
  if (stats && stats.errors > 0) return "errors";
  if (stats && (stats.in > 0 || totalOut(stats) > 0)) return "passed";
  if (run.isTrigger && run.started) return "passed";
  return "idle";
}

/**
 * Records per connection: what its source node sent out of the port it leaves from. A connection
 * whose source has not reported yet has no count (no label), rather than a misleading 0; so has one
 * from a trigger, which starts its source rather than sending it records.
 */
export function edgeCounts(flow: { edges: readonly FlowEdge[] }, nodes: readonly NodeStats[], triggers: ReadonlySet<string> = new Set()): Record<string, number> {
  const byNode = statsByNode(nodes);
  const counts: Record<string, number> = {};
  for (const edge of flow.edges) {
    const source = byNode.get(edge.source);
    if (source && !triggers.has(edge.source)) counts[edge.id] = source.out[edge.sourcePort] ?? 0;
  }
  return counts;
}

export interface NodeInput {
  edgeId: string;
  /** The node the records came from, and its port. */
  nodeId: string;
  port: string;
  /** "Supplier", or "Router (kept)" for a port other than "out". */
  label: string;
}

/** Where a node's records came from: one entry per connection into it, in the document's order. */
export function nodeInputs(flow: { nodes: readonly Pick<FlowNode, "id" | "label">[]; edges: readonly FlowEdge[] }, nodeId: string): NodeInput[] {
  const labels = new Map(flow.nodes.map((node) => [node.id, node.label]));
  return flow.edges
    .filter((edge) => edge.target === nodeId)
    .map((edge) => {
      const source = labels.get(edge.source) ?? edge.source;
      return { edgeId: edge.id, nodeId: edge.source, port: edge.sourcePort, label: edge.sourcePort === "out" ? source : `${source} (${edge.sourcePort})` };
    });
}

/** The ports a node sent records out of in this run: its declared outputs first (in order), then others such as "error". */
export function outputPorts(stats: Pick<NodeStats, "out"> | undefined, declared: readonly string[]): string[] {
  const reported = Object.keys(stats?.out ?? {});
  const first = declared.filter((port) => reported.includes(port));
  return [...first, ...reported.filter((port) => !first.includes(port)).sort()];
}

/**
 * What a node does with records, for its numbers: a trigger starts the run (no records), a source
 * reads them (its input is the trigger's signal, not records), any other step takes records in.
 */
export type NodeRole = "trigger" | "source" | "step";

export function nodeRole(category: string | undefined): NodeRole {
  return category === "trigger" ? "trigger" : category === "source" ? "source" : "step";
}

/** The line under a node on the canvas: "2,000 in · 1,995 out · 5 errors · 1.2 s", or its mark while it has no numbers. */
export function nodeLineText(mark: NodeRunMark, stats: NodeStats | undefined, role: NodeRole): string {
  if (role === "trigger") return mark === "passed" ? "Started the run" : NODE_MARKS[mark].label;
  if (!stats || mark === "idle") return NODE_MARKS[mark].label;
  const parts: string[] = [];
  if (role === "step") parts.push(`${formatCount(stats.in)} in`);
  // Failed records leave by the error port; they are counted as errors, not as output.
  const out = totalOut(stats) - (stats.out.error ?? 0);
  if (out > 0 || role === "source") parts.push(`${formatCount(out)} ${role === "source" ? "read" : "out"}`);
  if (stats.errors > 0) parts.push(`${formatCount(stats.errors)} ${stats.errors === 1 ? "error" : "errors"}`);
  if (stats.ms >= 1) parts.push(formatDuration(stats.ms));
  return parts.length > 0 ? parts.join(" · ") : NODE_MARKS[mark].label;
}
