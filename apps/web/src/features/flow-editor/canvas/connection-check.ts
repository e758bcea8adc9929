import { connect, ERROR_PORT, FlowEditError, type Flow } from "@flowgate/flow";
import { definitionOf, portsOf } from "./kinds";

export interface ProposedConnection {
  source: string;
  sourceHandle?: string | null;
  target: string;
  targetHandle?: string | null;
}

/**
 * Why the canvas refuses a connection, in words for the person dragging it; null when it may be
 * drawn. The graph rules (self loop, duplicate, loop) are the edit operation's own, so the canvas
 * and the document never disagree; the port rules are the kind's.
 */
export function connectionProblem(flow: Flow, proposed: ProposedConnection): string | null {
  const source = flow.nodes.find((node) => node.id === proposed.source);
  const target = flow.nodes.find((node) => node.id === proposed.target);
  if (!source || !target) return "One end of this connection is no longer in the flow.";
  const sourcePort = proposed.sourceHandle ?? "out";
  const targetPort = proposed.targetHandle ?? "in";
  const targetKind = definitionOf(target.kind);
  if (targetKind?.category === "trigger") {
    return `“${target.label}” is a trigger: it starts the flow, so nothing can connect into it.`;
  }
  if (!targetKind || !targetKind.inputs.includes(targetPort)) {
    return `“${target.label}” has no input “${targetPort}”. Connect to one of its inputs on the left side.`;
  }
  const sourceKind = definitionOf(source.kind);
  if (!sourceKind) return `“${source.label}” is of a kind this Flowgate does not know, so it cannot send records on.`;
  const ports = portsOf(source, sourceKind, []);
  if (!ports.outputs.includes(sourcePort) && !(ports.errorPort && sourcePort === ERROR_PORT)) {
    return `“${source.label}” has no output “${sourcePort}” any more. Connect from one of its outputs on the right side.`;
  }
  try {
    connect(flow, { source: source.id, sourcePort, target: target.id, targetPort });
    return null;
  } catch (error) {
    if (error instanceof FlowEditError) return error.message;
    throw error;
  }
}

/** Two handles of the same side were joined: records leave through outputs (right) and enter through inputs (left). */
export const SAME_SIDE_PROBLEM = "Connect an output (on a node's right side) to an input (on another node's left side).";
