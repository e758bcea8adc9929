import type { NodeDefinition } from "@flowgate/engine";
import { addNode, connect, FlowEditError, type Flow, type FlowNode, type IdOptions, type Position } from "@flowgate/flow";
import { defaultConfig, definitionOf, freshLabel, portsOf } from "./kinds";

export const GRID = 16;
/** The size a node is drawn at before the browser has measured it. */
export const NODE_SIZE = { width: 224, height: 72 } as const;
const GAP_X = 80;
const STEP_Y = 112; // a node and a gap, on the grid

export function snap(position: Position): Position {
  return { x: Math.round(position.x / GRID) * GRID, y: Math.round(position.y / GRID) * GRID };
}

export interface InsertResult {
  flow: Flow;
  nodeId: string;
}

/**
 * Adds a node of `kind` at `position` (snapped to the grid) with the schema's default config. With
 * `after`, the node goes to the right of that node instead, below any node already there, and is
 * connected from its first output when the kinds allow it: clicking kinds in order builds a chain.
 */
export function insertKind(
  flow: Flow,
  kind: NodeDefinition,
  place: { position: Position } | { after: string; afterWidth?: number },
  options: IdOptions = {},
): InsertResult {
  const previous = "after" in place ? flow.nodes.find((node) => node.id === place.after) : undefined;
  const position =
    "position" in place
      ? snap(place.position)
      : freeSpot(flow.nodes, snap({ x: (previous?.position.x ?? 0) + (place.afterWidth ?? NODE_SIZE.width) + GAP_X, y: previous?.position.y ?? 0 }));
  const added = addNode(
    flow,
    { kind: kind.id, kindVersion: kind.version, label: freshLabel(flow.nodes, kind.label), position, config: defaultConfig(kind) },
    options,
  );
  const nodeId = added.nodes[added.nodes.length - 1]!.id;
  if (!previous || kind.inputs.length === 0) return { flow: added, nodeId };
  const sourcePort = firstOutput(previous, flow);
  if (sourcePort === undefined) return { flow: added, nodeId };
  try {
    return { flow: connect(added, { source: previous.id, sourcePort, target: nodeId, targetPort: kind.inputs[0] }, options), nodeId };
  } catch (error) {
    // The new node still belongs where it was asked for; only the automatic connection is skipped.
    if (error instanceof FlowEditError) return { flow: added, nodeId };
    throw error;
  }
}

function firstOutput(node: FlowNode, flow: Flow): string | undefined {
  const kind = definitionOf(node.kind);
  return kind ? portsOf(node, kind, flow.edges).outputs[0] : undefined;
}

/** `wanted`, or the first spot below it that no node covers. */
export function freeSpot(nodes: readonly Pick<FlowNode, "position">[], wanted: Position): Position {
  let spot = wanted;
  const covered = (p: Position) =>
    nodes.some((node) => Math.abs(node.position.x - p.x) < NODE_SIZE.width && Math.abs(node.position.y - p.y) < NODE_SIZE.height);
  while (covered(spot)) spot = { x: spot.x, y: spot.y + STEP_Y };
  return spot;
}
