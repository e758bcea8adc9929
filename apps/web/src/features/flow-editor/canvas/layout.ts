import type { Flow, Position } from "@flowgate/flow";
import type { ElkNode } from "elkjs/lib/elk-api";
import { snap } from "./insert";
import { definitionOf, portsOf } from "./kinds";

export interface Size {
  width: number;
  height: number;
}

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "96",
  "elk.spacing.nodeNode": "48",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
};

const portId = (nodeId: string, side: "in" | "out", port: string) => `${nodeId}\u0000${side}\u0000${port}`;

/**
 * The flow as an ELK graph, left to right. Each node's ports are listed in the order the node draws
 * them (kept above discarded, routes in order), so the layout does not cross a node's own edges.
 */
export function elkGraph(flow: Flow, sizeOf: (nodeId: string) => Size): ElkNode {
  const ids = new Set(flow.nodes.map((node) => node.id));
  return {
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: flow.nodes.map((node) => {
      const ports = portsOf(node, definitionOf(node.kind), flow.edges);
      const inputs = [...ports.inputs, ...ports.strayInputs];
      const outputs = [...ports.outputs, ...ports.strayOutputs, ...(ports.errorPort ? ["error"] : [])];
      return {
        id: node.id,
        ...sizeOf(node.id),
        layoutOptions: { "elk.portConstraints": "FIXED_ORDER" },
        // ELK orders fixed ports clockwise: the east side from the top down, then the west side from the bottom up.
        ports: [
          ...outputs.map((port, i) => ({ id: portId(node.id, "out", port), layoutOptions: { "elk.port.side": "EAST", "elk.port.index": String(i) } })),
          ...inputs.map((port, i) => ({
            id: portId(node.id, "in", port),
            layoutOptions: { "elk.port.side": "WEST", "elk.port.index": String(outputs.length + inputs.length - 1 - i) },
          })),
        ],
      };
    }),
    // A broken connection (its node is gone) is a problem the validator reports; ELK would refuse the whole graph.
    edges: flow.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)).map((edge) => ({
      id: edge.id,
      sources: [portId(edge.source, "out", edge.sourcePort)],
      targets: [portId(edge.target, "in", edge.targetPort)],
    })),
  };
}

/**
 * Node positions from a laid-out graph, shifted so the flow keeps its top-left corner where it was
 * (the view does not jump to the origin), on the grid.
 */
export function positionsFromLayout(flow: Flow, laidOut: ElkNode): Record<string, Position> {
  const children = laidOut.children ?? [];
  if (children.length === 0 || flow.nodes.length === 0) return {};
  const left = Math.min(...flow.nodes.map((node) => node.position.x));
  const top = Math.min(...flow.nodes.map((node) => node.position.y));
  // ELK leaves a padding around the graph; the flow's corner is its first node's, not the padding's.
  const layoutLeft = Math.min(...children.map((child) => child.x ?? 0));
  const layoutTop = Math.min(...children.map((child) => child.y ?? 0));
  const positions: Record<string, Position> = {};
  for (const child of children) {
    positions[child.id] = snap({ x: left + (child.x ?? 0) - layoutLeft, y: top + (child.y ?? 0) - layoutTop });
  }
  return positions;
}

/** Lays the flow out left to right with ELK (loaded on first use: most sessions never ask for it). */
export async function autoLayout(flow: Flow, sizeOf: (nodeId: string) => Size): Promise<Record<string, Position>> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const laidOut = await new ELK().layout(elkGraph(flow, sizeOf));
  return positionsFromLayout(flow, laidOut);
}
