import type { Flow, FlowProblem } from "@flowgate/flow";
import { nodeLabel } from "./node-info";

/** Where a problem is, in the words of the canvas: the node's label, the connection's ends, or the flow. */
export function problemPlace(doc: Flow, problem: FlowProblem): string {
  if (problem.nodeId && !isEdgeProblem(problem)) return nodeLabel(doc, problem.nodeId);
  if (problem.edgeId) {
    const edge = doc.edges.find((e) => e.id === problem.edgeId);
    return edge ? `Connection ${nodeLabel(doc, edge.source)} → ${nodeLabel(doc, edge.target)}` : "Connection";
  }
  if (problem.path[0] === "settings") return "Flow settings";
  return "Flow";
}

/**
 * The message without its "Node “Prices”: " opening when the label is shown beside it anyway:
 * "Prices · The setting “table” is missing…" rather than naming the node twice.
 */
export function messageBeside(place: string, message: string): string {
  const opening = `Node “${place}”: `;
  if (!message.startsWith(opening)) return message;
  const rest = message.slice(opening.length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * The path inside the node's config that a problem points at (`["nodes", 2, "config", "rows", 0]` →
 * `["rows", 0]`), which is what the inspector's focus request names; empty for node-level problems.
 */
export function configPathOf(problem: FlowProblem): (string | number)[] {
  const [area, , section, ...rest] = problem.path;
  return area === "nodes" && section === "config" ? rest : [];
}

/** A problem of a connection (it also names the node at its end, for the badge; the fix is on the connection). */
export function isEdgeProblem(problem: FlowProblem): problem is FlowProblem & { edgeId: string } {
  return problem.edgeId !== undefined && problem.path[0] === "edges";
}
