import type { Flow, FlowNode } from "@flowgate/flow";
import { kindRegistry } from "@flowgate/nodes/definitions";

export function findNode(doc: Flow, nodeId: string | undefined): FlowNode | undefined {
  return nodeId === undefined ? undefined : doc.nodes.find((node) => node.id === nodeId);
}

/** The node's label as the canvas shows it; a node that is gone (edited away since) by its id. */
export function nodeLabel(doc: Flow, nodeId: string): string {
  return findNode(doc, nodeId)?.label || nodeId;
}

export function kindLabel(kind: string): string {
  return kindRegistry.get(kind)?.label ?? kind;
}

export function isDestination(node: FlowNode | undefined): boolean {
  return node !== undefined && kindRegistry.get(node.kind)?.category === "destination";
}

export function hasInputs(node: FlowNode | undefined): boolean {
  return node !== undefined && (kindRegistry.get(node.kind)?.inputs.length ?? 0) > 0;
}
