import type { NodeDefinition } from "@flowgate/engine";
import type { Flow, FlowEdge, FlowNode, FlowProblem, Position } from "@flowgate/flow";
import type { Edge, Node } from "@xyflow/react";
import type { DiffMark } from "../editor-store";
import { definitionOf, portsOf, samePorts, type NodePorts } from "./kinds";

/*
 * The flow document as React Flow nodes and edges. The mappers remember what they returned last
 * time and hand back the very same object for every node and edge that did not change, so React
 * Flow re-renders only what an edit touched (a 500-node flow stays smooth while one node moves).
 */

/** The React Flow node type of a node whose kind this Flowgate does not know. */
export const UNKNOWN_KIND_TYPE = "flowgate.unknown";

export interface NodeRunCounts {
  in: number;
  out: number;
  errors: number;
}

export type KindNodeData = {
  node: FlowNode;
  kind: NodeDefinition | undefined;
  ports: NodePorts;
  /** The validator's messages about this node. */
  problems: readonly string[];
  /** Counts of the latest dry run, when it reached this node. */
  counts: NodeRunCounts | null;
  diff: DiffMark | null;
};
export type CanvasNode = Node<KindNodeData>;

export type FlowEdgeData = {
  /** Records that passed this connection in the latest dry run. */
  count: number | null;
  /** The connection leaves through the error output. */
  errorPath: boolean;
};
export type CanvasEdge = Edge<FlowEdgeData, "flow">;

type DryRunNodes = Readonly<Record<string, { in: number; out: Readonly<Record<string, number>>; errors: number }>>;

export interface NodeOverlay {
  selected: ReadonlySet<string>;
  problemsByNode: ReadonlyMap<string, readonly FlowProblem[]>;
  dryRunNodes: DryRunNodes | undefined;
  diffMarks: ReadonlyMap<string, DiffMark>;
  /** Where nodes are while the pointer drags them (the document learns on release). */
  dragging: ReadonlyMap<string, Position>;
  /**
   * Sizes React Flow measured. A controlled flow hands them back on its nodes: the minimap reads them
   * there, and a changed node that came without them would be hidden and measured again.
   */
  measured: ReadonlyMap<string, { width: number; height: number }>;
}

interface NodeEntry {
  doc: FlowNode;
  edges: readonly FlowEdge[];
  data: KindNodeData;
  rf: CanvasNode;
}

const NO_EDGES: readonly FlowEdge[] = [];
const NO_PROBLEMS: readonly string[] = [];

export function createNodeMapper(): (flow: Flow, overlay: NodeOverlay) => CanvasNode[] {
  let cache = new Map<string, NodeEntry>();
  return (flow, overlay) => {
    const edgesByNode = new Map<string, FlowEdge[]>();
    for (const edge of flow.edges) {
      for (const end of [edge.source, edge.target]) {
        const list = edgesByNode.get(end);
        if (list) list.push(edge);
        else edgesByNode.set(end, [edge]);
      }
    }
    const next = new Map<string, NodeEntry>();
    const nodes = flow.nodes.map((node) => {
      const previous = cache.get(node.id);
      const edges = edgesByNode.get(node.id) ?? NO_EDGES;
      const data = nodeData(node, edges, overlay, previous);
      const position = overlay.dragging.get(node.id) ?? node.position;
      const selected = overlay.selected.has(node.id);
      const measured = overlay.measured.get(node.id);
      const rf =
        previous &&
        previous.data === data &&
        previous.rf.selected === selected &&
        previous.rf.position.x === position.x &&
        previous.rf.position.y === position.y &&
        previous.rf.measured?.width === measured?.width &&
        previous.rf.measured?.height === measured?.height
          ? previous.rf
          : toCanvasNode(node, data, position, selected, measured);
      const entry = { doc: node, edges, data, rf };
      next.set(node.id, entry);
      return rf;
    });
    cache = next;
    return nodes;
  };
}

function nodeData(node: FlowNode, edges: readonly FlowEdge[], overlay: NodeOverlay, previous: NodeEntry | undefined): KindNodeData {
  const kind = definitionOf(node.kind);
  const portsChanged = !previous || previous.doc !== node || !sameList(previous.edges, edges);
  let ports = previous && !portsChanged ? previous.data.ports : portsOf(node, kind, edges);
  if (previous && samePorts(previous.data.ports, ports)) ports = previous.data.ports;
  const problemList = overlay.problemsByNode.get(node.id);
  let problems = problemList ? problemList.map((p) => p.message) : NO_PROBLEMS;
  if (previous && sameList(previous.data.problems, problems)) problems = previous.data.problems;
  const run = overlay.dryRunNodes?.[node.id];
  let counts: NodeRunCounts | null = run ? { in: run.in, out: Object.values(run.out).reduce((a, b) => a + b, 0), errors: run.errors } : null;
  const before = previous?.data.counts;
  if (before && counts && before.in === counts.in && before.out === counts.out && before.errors === counts.errors) counts = before;
  const diff = overlay.diffMarks.get(node.id) ?? null;
  if (
    previous &&
    previous.data.node === node &&
    previous.data.ports === ports &&
    previous.data.problems === problems &&
    previous.data.counts === counts &&
    previous.data.diff === diff
  ) {
    return previous.data;
  }
  return { node, kind, ports, problems, counts, diff };
}

function toCanvasNode(
  node: FlowNode,
  data: KindNodeData,
  position: Position,
  selected: boolean,
  measured: { width: number; height: number } | undefined,
): CanvasNode {
  return {
    id: node.id,
    type: data.kind ? data.kind.id : UNKNOWN_KIND_TYPE,
    position,
    data,
    selected,
    ariaLabel: `${node.label} (${data.kind?.label ?? node.kind})`,
    ...(measured && { measured }),
  };
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a === b || (a.length === b.length && a.every((item, i) => item === b[i]));
}

interface EdgeEntry {
  doc: FlowEdge;
  label: string;
  rf: CanvasEdge;
}

export function createEdgeMapper(): (flow: Flow, selected: ReadonlySet<string>, dryRunEdges: Readonly<Record<string, number>> | undefined) => CanvasEdge[] {
  let cache = new Map<string, EdgeEntry>();
  return (flow, selected, dryRunEdges) => {
    const labels = new Map(flow.nodes.map((node) => [node.id, node.label]));
    const next = new Map<string, EdgeEntry>();
    const edges = flow.edges.map((edge) => {
      const count = dryRunEdges?.[edge.id] ?? null;
      const label = edgeLabel(edge, count, labels);
      const isSelected = selected.has(edge.id);
      const previous = cache.get(edge.id);
      const rf =
        previous && previous.doc === edge && previous.label === label && previous.rf.selected === isSelected && previous.rf.data?.count === count
          ? previous.rf
          : toCanvasEdge(edge, label, count, isSelected);
      next.set(edge.id, { doc: edge, label, rf });
      return rf;
    });
    cache = next;
    return edges;
  };
}

/** What a screen reader says for a connection: "12 records from Supplier to Changes". */
export function edgeLabel(edge: FlowEdge, count: number | null, labels: ReadonlyMap<string, string>): string {
  const source = labels.get(edge.source) ?? edge.source;
  const target = labels.get(edge.target) ?? edge.target;
  const from = edge.sourcePort === "out" ? source : `${source} (${edge.sourcePort})`;
  if (count === null) return `Connection from ${from} to ${target}`;
  return `${count.toLocaleString("en")} ${count === 1 ? "record" : "records"} from ${from} to ${target}`;
}

function toCanvasEdge(edge: FlowEdge, label: string, count: number | null, selected: boolean): CanvasEdge {
  return {
    id: edge.id,
    type: "flow",
    source: edge.source,
    sourceHandle: edge.sourcePort,
    target: edge.target,
    targetHandle: edge.targetPort,
    selected,
    ariaLabel: label,
    data: { count, errorPath: edge.sourcePort === "error" },
  };
}
