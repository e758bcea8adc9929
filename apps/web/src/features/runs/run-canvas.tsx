"use client";

import type { Flow } from "@flowgate/flow";
import { cn } from "@flowgate/ui";
import { Panel, ReactFlow, ReactFlowProvider, type EdgeTypes, type Node, type NodeChange, type NodeProps, type NodeTypes } from "@xyflow/react";
import { memo, useCallback, useMemo, useState } from "react";
import { createEdgeMapper, createNodeMapper, UNKNOWN_KIND_TYPE, type KindNodeData } from "@/features/flow-editor/canvas/elements";
import { FlowEdge } from "@/features/flow-editor/canvas/flow-edge";
import { READ_ONLY_FLOW_PROPS, ReadOnlyBackdrop } from "@/features/flow-editor/canvas/read-only";
import { KindNode } from "@/features/flow-editor/canvas/kind-node";
import { definitionOf, definitions, outputsOf } from "@/features/flow-editor/canvas/kinds";
import { EditorContext, EditorStore } from "@/features/flow-editor/editor-store";
import { edgeCounts, NODE_MARKS, nodeLineText, nodeRole, nodeRunMark, statsByNode, type NodeRunMark, type NodeStats } from "./run-graph";

/*
 * The version a run pinned, drawn read-only with the editor's own node cards and connections. Each
 * node says how it fared (outline and a line under it: passed, had errors, failed, no records) with
 * its counts; each connection carries the records that crossed it. Clicking a node (or Enter on it)
 * opens its panel.
 */

type RunNodeData = KindNodeData & { mark: NodeRunMark; stats: NodeStats | undefined };
type RunCanvasNode = Node<RunNodeData>;

const MARK_STYLES: Record<NodeRunMark, { outline: string; dot: string; text: string }> = {
  idle: { outline: "opacity-60", dot: "bg-slate-300", text: "text-slate-500" },
  passed: { outline: "outline-2 outline-offset-2 outline-emerald-500/70", dot: "bg-emerald-500", text: "text-emerald-800" },
  errors: { outline: "outline-2 outline-offset-2 outline-amber-500", dot: "bg-amber-500", text: "text-amber-800" },
  failed: { outline: "outline-2 outline-offset-2 outline-red-500", dot: "bg-red-500", text: "text-red-700" },
};

function RunNodeView(props: NodeProps<RunCanvasNode>) {
  const { mark, stats, kind } = props.data;
  const style = MARK_STYLES[mark];
  return (
    <div className="flex flex-col items-start">
      <div className={cn("rounded-lg", style.outline)}>
        <KindNode {...(props as unknown as NodeProps<Node<KindNodeData>>)} />
      </div>
      <p className={cn("mt-1.5 flex max-w-56 items-center gap-1.5 truncate px-1 text-[11px] font-medium tabular-nums", style.text)}>
        <span aria-hidden className={cn("size-1.5 shrink-0 rounded-full", style.dot)} />
        {mark === "failed" ? "Failed here · " : null}
        {nodeLineText(mark, stats, nodeRole(kind?.category))}
      </p>
    </div>
  );
}

/** Re-renders only when what it shows changes (see KindNode). */
const RunNode = memo(RunNodeView, (before, after) => before.id === after.id && before.data === after.data && before.selected === after.selected);

// Built once: React Flow re-creates every node when these objects change identity.
const nodeTypes: NodeTypes = Object.fromEntries([...definitions.map((kind) => [kind.id, RunNode]), [UNKNOWN_KIND_TYPE, RunNode]]);
const edgeTypes: EdgeTypes = { flow: FlowEdge };
const FIT_VIEW_OPTIONS = { padding: 0.08, maxZoom: 1 };
const NO_PROBLEMS = new Map();
const NO_DIFF = new Map();
const NO_POSITIONS = new Map();
const NO_EDGES_SELECTED: ReadonlySet<string> = new Set();

interface RunMarks {
  errorNodeId: string | undefined;
  started: boolean;
}

/** Adds each node's mark and stats to the editor's node, keeping the same object while neither changes (no re-render when a poll brings nothing new). */
function createRunNodeMapper() {
  let cache = new Map<string, { base: Node<KindNodeData>; mark: NodeRunMark; stats: NodeStats | undefined; node: RunCanvasNode }>();
  return (base: readonly Node<KindNodeData>[], stats: ReadonlyMap<string, NodeStats>, marks: RunMarks): RunCanvasNode[] => {
    const next = new Map<string, { base: Node<KindNodeData>; mark: NodeRunMark; stats: NodeStats | undefined; node: RunCanvasNode }>();
    const nodes = base.map((rf) => {
      const nodeStats = stats.get(rf.id);
      const mark = nodeRunMark(rf.id, nodeStats, { ...marks, isTrigger: rf.data.kind?.category === "trigger" });
      const previous = cache.get(rf.id);
      const sameStats = previous && JSON.stringify(previous.stats) === JSON.stringify(nodeStats);
      const node: RunCanvasNode =
        previous && previous.base === rf && previous.mark === mark && sameStats
          ? previous.node
          : {
              ...rf,
              data: { ...rf.data, mark, stats: nodeStats },
              ariaLabel: `${rf.data.node.label} (${rf.data.kind?.label ?? rf.data.node.kind}): ${nodeLineText(mark, nodeStats, nodeRole(rf.data.kind?.category))}`,
            };
      next.set(rf.id, { base: rf, mark, stats: nodeStats, node });
      return node;
    });
    cache = next;
    return nodes;
  };
}

export function RunCanvas({
  flow,
  nodes: nodeStats,
  errorNodeId,
  started,
  selectedNodeId,
  onSelectNode,
}: {
  flow: Flow;
  nodes: readonly NodeStats[];
  errorNodeId: string | undefined;
  started: boolean;
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
}) {
  // The node cards read the editor store (names, read-only): a read-only one of the pinned version.
  const [store] = useState(() => new EditorStore(flow, { readOnly: true }));
  return (
    <EditorContext.Provider value={store}>
      <ReactFlowProvider>
        <Canvas flow={flow} nodeStats={nodeStats} errorNodeId={errorNodeId} started={started} selectedNodeId={selectedNodeId} onSelectNode={onSelectNode} />
      </ReactFlowProvider>
    </EditorContext.Provider>
  );
}

function Canvas({
  flow,
  nodeStats,
  errorNodeId,
  started,
  selectedNodeId,
  onSelectNode,
}: {
  flow: Flow;
  nodeStats: readonly NodeStats[];
  errorNodeId: string | undefined;
  started: boolean;
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
}) {
  const [mapNodes] = useState(createNodeMapper);
  const [mapEdges] = useState(createEdgeMapper);
  const [mapRunNodes] = useState(createRunNodeMapper);
  // Sizes React Flow measured, handed back on the nodes: a node that came without them would be hidden and measured again (a flicker on every poll).
  const [measured, setMeasured] = useState<ReadonlyMap<string, { width: number; height: number }>>(new Map());
  const selected = useMemo(() => new Set(selectedNodeId ? [selectedNodeId] : []), [selectedNodeId]);
  const stats = useMemo(() => statsByNode(nodeStats), [nodeStats]);

  const nodes = useMemo(() => {
    const base = mapNodes(flow, { selected, problemsByNode: NO_PROBLEMS, dryRunNodes: undefined, diffMarks: NO_DIFF, dragging: NO_POSITIONS, measured });
    return mapRunNodes(base, stats, { errorNodeId, started });
  }, [mapNodes, mapRunNodes, flow, selected, measured, stats, errorNodeId, started]);
  const triggers = useMemo(() => new Set(flow.nodes.filter((node) => definitionOf(node.kind)?.category === "trigger").map((node) => node.id)), [flow]);
  const counts = useMemo(() => edgeCounts(flow, nodeStats, triggers), [flow, nodeStats, triggers]);
  const edges = useMemo(() => mapEdges(flow, NO_EDGES_SELECTED, counts), [mapEdges, flow, counts]);

  const onNodesChange = useCallback(
    (changes: NodeChange<RunCanvasNode>[]) => {
      let sizes: Map<string, { width: number; height: number }> | null = null;
      for (const change of changes) {
        if (change.type === "select" && change.selected) onSelectNode(change.id);
        else if (change.type === "dimensions" && change.dimensions) (sizes ??= new Map()).set(change.id, change.dimensions);
      }
      if (sizes) {
        const now = sizes;
        setMeasured((before) => new Map([...before, ...now]));
      }
    },
    [onSelectNode],
  );

  return (
    <div className="absolute inset-0" data-testid="run-canvas">
      <ReactFlow<RunCanvasNode>
        aria-label="The run's flow, read-only"
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onPaneClick={() => onSelectNode(null)}
        {...READ_ONLY_FLOW_PROPS}
        elementsSelectable
        fitViewOptions={FIT_VIEW_OPTIONS}
      >
        <ReadOnlyBackdrop />
        <Panel position="top-right">
          <Legend />
        </Panel>
      </ReactFlow>
      {flow.nodes.length === 0 ? (
        <div className="pointer-events-none absolute inset-0 grid place-items-center text-sm text-slate-500">This version of the flow has no nodes.</div>
      ) : null}
    </div>
  );
}

function Legend() {
  return (
    <ul aria-label="Node colours" className="flex items-center gap-3 rounded-control border border-line bg-white/90 px-2.5 py-1.5 text-[11px] text-slate-600 shadow-card">
      {(["passed", "errors", "failed", "idle"] as const).map((mark) => (
        <li key={mark} className="flex items-center gap-1.5">
          <span aria-hidden className={cn("size-2 rounded-full", MARK_STYLES[mark].dot)} />
          {NODE_MARKS[mark].label}
        </li>
      ))}
    </ul>
  );
}

/** The kind's declared outputs for a node of the pinned version (for ordering its ports in the panel). */
export function declaredOutputs(flow: Flow, nodeId: string): readonly string[] {
  const node = flow.nodes.find((n) => n.id === nodeId);
  const kind = node ? definitionOf(node.kind) : undefined;
  return node && kind ? outputsOf(node, kind) : [];
}
