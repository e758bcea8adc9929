"use client";

import { connect, FlowEditError, moveNodes, type Flow, type Position } from "@flowgate/flow";
import { Button, useToast } from "@flowgate/ui";
import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useConnection,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type EdgeTypes,
  type FinalConnectionState,
  type Handle as HandleInfo,
  type NodeChange,
  type NodeTypes,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import {
  AlignCenterIcon,
  AlignLeftIcon,
  AlignMiddleIcon,
  AlignTopIcon,
  AutoLayoutIcon,
  DistributeHorizontalIcon,
  DistributeVerticalIcon,
} from "@/components/icons";
import { useEditor, useEditorStore, type EditorStore } from "../editor-store";
import { addKindNode } from "./actions";
import { arrange, type Arrangement, type Box } from "./arrange";
import { registerCanvas } from "./canvas-bridge";
import { connectionProblem, SAME_SIDE_PROBLEM } from "./connection-check";
import { createEdgeMapper, createNodeMapper, UNKNOWN_KIND_TYPE, type CanvasEdge, type CanvasNode } from "./elements";
import { FlowEdge } from "./flow-edge";
import { GRID, NODE_SIZE } from "./insert";
import { KindNode } from "./kind-node";
import { definitionOf, definitions, KIND_MIME } from "./kinds";
import { autoLayout } from "./layout";
import { useCanvasShortcuts } from "./use-canvas-shortcuts";

// Built once: React Flow re-creates every node when these objects change identity.
const nodeTypes: NodeTypes = Object.fromEntries([...definitions.map((kind) => [kind.id, KindNode]), [UNKNOWN_KIND_TYPE, KindNode]]);
const edgeTypes: EdgeTypes = { flow: FlowEdge };
const SNAP_GRID: [number, number] = [GRID, GRID];
const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1 };
const MULTI_SELECT_KEYS = ["Shift", "Meta", "Control"];
const NO_POSITIONS: ReadonlyMap<string, Position> = new Map();
const NO_SIZES: ReadonlyMap<string, { width: number; height: number }> = new Map();

/**
 * The flow on a canvas: drag nodes, connect ports, select, copy and paste, arrange. Reads and edits
 * the editor store of the surrounding editor; fills its positioned parent.
 */
export function FlowCanvas() {
  return (
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>
  );
}

function Canvas() {
  const store = useEditorStore();
  const { toast } = useToast();
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const doc = useEditor((s) => s.doc);
  // Fit the view to the flow it opened with. An empty canvas keeps its viewport: React Flow would
  // otherwise fit (and move the view) when the first node lands, under the person's next drop.
  const [fitOnOpen] = useState(() => doc.nodes.length > 0);
  const selection = useEditor((s) => s.selection);
  const problemsByNode = useEditor((s) => s.problemsByNode);
  const dryRunResult = useEditor((s) => s.dryRun?.result ?? null);
  const diffMarks = useEditor((s) => s.diffMarks);
  const readOnly = useEditor((s) => s.readOnly);
  const focusRequest = useEditor((s) => s.focusRequest);
  const wrapper = useRef<HTMLDivElement>(null);

  // Positions while the pointer drags nodes; the document gets them once, on release (one undo step).
  const [dragging, setDraggingState] = useState(NO_POSITIONS);
  const draggingRef = useRef(NO_POSITIONS);
  const setDragging = useCallback((next: ReadonlyMap<string, Position>) => {
    draggingRef.current = next;
    setDraggingState(next);
  }, []);
  // Sizes React Flow measured, given back on the nodes: the minimap and fitView read them there.
  const [measured, setMeasured] = useState<ReadonlyMap<string, { width: number; height: number }>>(NO_SIZES);

  const [mapNodes] = useState(createNodeMapper);
  const [mapEdges] = useState(createEdgeMapper);
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  const nodes = useMemo(
    () =>
      mapNodes(doc, {
        selected: selectedNodes,
        problemsByNode,
        dryRunNodes: dryRunResult?.nodes,
        diffMarks,
        dragging,
        measured,
      }),
    [mapNodes, doc, selectedNodes, problemsByNode, dryRunResult, diffMarks, dragging, measured],
  );
  const edges = useMemo(() => mapEdges(doc, selectedEdges, dryRunResult?.edges), [mapEdges, doc, selectedEdges, dryRunResult]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const { doc, selection } = store.getSnapshot();
      let selected: Set<string> | null = null;
      let dragged: Map<string, Position> | null = null;
      let sizes: Map<string, { width: number; height: number }> | null = null;
      const released: Record<string, Position> = {};
      let releasedAny = false;
      let fromDrag = false;
      for (const change of changes) {
        if (change.type === "select") {
          selected ??= new Set(selection.nodes);
          if (change.selected) selected.add(change.id);
          else selected.delete(change.id);
        } else if (change.type === "position" && change.position) {
          if (change.dragging) {
            dragged ??= new Map(draggingRef.current);
            dragged.set(change.id, change.position);
          } else {
            released[change.id] = change.position;
            releasedAny = true;
            fromDrag ||= draggingRef.current.has(change.id);
          }
        } else if (change.type === "dimensions" && change.dimensions) {
          (sizes ??= new Map()).set(change.id, change.dimensions);
        }
      }
      if (sizes) {
        const measuredNow = sizes;
        setMeasured((before) => new Map([...before, ...measuredNow]));
      }
      if (dragged) setDragging(dragged);
      if (releasedAny) {
        const moved = changedPositions(doc, released);
        // A drag is one step; arrow-key nudges of the same nodes in a row merge into one.
        if (moved) store.apply((d) => moveNodes(d, moved), fromDrag ? {} : { coalesceKey: `nudge:${Object.keys(moved).sort().join(",")}` });
        if (draggingRef.current.size > 0) {
          const still = new Map(draggingRef.current);
          for (const id of Object.keys(released)) still.delete(id);
          setDragging(still.size > 0 ? still : NO_POSITIONS);
        }
      }
      if (selected) store.select({ nodes: [...selected], edges: store.getSnapshot().selection.edges });
    },
    [store, setDragging],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => {
      const { selection } = store.getSnapshot();
      let selected: Set<string> | null = null;
      for (const change of changes) {
        if (change.type !== "select") continue;
        selected ??= new Set(selection.edges);
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      }
      if (selected) store.select({ nodes: selection.nodes, edges: [...selected] });
    },
    [store],
  );

  const isValidConnection = useCallback(
    (connection: Connection | CanvasEdge) => connectionProblem(store.getSnapshot().doc, connection) === null,
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      try {
        store.apply((d) =>
          connect(d, {
            source: connection.source,
            sourcePort: connection.sourceHandle ?? "out",
            target: connection.target,
            targetPort: connection.targetHandle ?? "in",
          }),
        );
      } catch (error) {
        if (!(error instanceof FlowEditError)) throw error;
        toast({ tone: "error", title: "These nodes cannot be connected", description: error.message });
      }
    },
    [store, toast],
  );

  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromHandle || !state.toHandle) return;
      const reason = refusal(store.getSnapshot().doc, state.fromHandle, state.toHandle);
      if (reason) toast({ tone: "error", title: "These nodes cannot be connected", description: reason });
    },
    [store, toast],
  );

  // Where the pointer is over the canvas: paste puts the nodes there.
  const pointer = useRef<{ x: number; y: number } | null>(null);

  const viewportCentre = useCallback((): Position => {
    const rect = wrapper.current?.getBoundingClientRect();
    if (!rect) return { x: 0, y: 0 };
    return rf.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 });
  }, [rf]);

  const reveal = useCallback(
    (nodeId: string) => {
      const rect = wrapper.current?.getBoundingClientRect();
      const node = rf.getInternalNode(nodeId) ?? store.getSnapshot().doc.nodes.find((n) => n.id === nodeId);
      if (!rect || !node) return;
      const { x, y } = "internals" in node ? node.internals.positionAbsolute : node.position;
      const width = ("measured" in node ? node.measured?.width : undefined) ?? NODE_SIZE.width;
      const height = ("measured" in node ? node.measured?.height : undefined) ?? NODE_SIZE.height;
      const topLeft = rf.flowToScreenPosition({ x, y });
      const bottomRight = rf.flowToScreenPosition({ x: x + width, y: y + height });
      const visible = topLeft.x >= rect.left && topLeft.y >= rect.top && bottomRight.x <= rect.right && bottomRight.y <= rect.bottom;
      if (!visible) void rf.setCenter(x + width / 2, y + height / 2, { zoom: rf.getZoom(), duration: 200 });
    },
    [rf, store],
  );

  useEffect(
    () =>
      registerCanvas(store, {
        viewportCentre,
        nodeWidth: (nodeId) => rf.getInternalNode(nodeId)?.measured.width,
        // The node was just added: React Flow places it on the next frame.
        reveal: (nodeId) => requestAnimationFrame(() => reveal(nodeId)),
      }),
    [store, rf, viewportCentre, reveal],
  );

  // A problem was clicked in the problems panel: bring its node into view.
  const focusSeq = focusRequest?.seq;
  const focusNode = focusRequest?.nodeId;
  useEffect(() => {
    if (focusSeq !== undefined && focusNode) reveal(focusNode);
  }, [focusSeq, focusNode, reveal]);

  const pasteAnchor = useCallback((): Position => {
    return pointer.current ? rf.screenToFlowPosition(pointer.current) : viewportCentre();
  }, [rf, viewportCentre]);
  useCanvasShortcuts(store, pasteAnchor);

  const onDragOver = useCallback(
    (event: DragEvent) => {
      if (readOnly || !event.dataTransfer.types.includes(KIND_MIME)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    },
    [readOnly],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = definitionOf(event.dataTransfer.getData(KIND_MIME));
      if (readOnly || !kind) return;
      event.preventDefault();
      const point = rf.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // The pointer holds the node by the middle of its header, where the palette item was grabbed.
      addKindNode(store, kind, toast, { x: point.x - NODE_SIZE.width / 2, y: point.y - 28 });
    },
    [readOnly, rf, store, toast],
  );

  return (
    <div
      ref={wrapper}
      data-testid="flow-canvas"
      className="absolute inset-0"
      onPointerMove={(event) => {
        pointer.current = { x: event.clientX, y: event.clientY };
      }}
      onPointerLeave={() => {
        pointer.current = null;
      }}
    >
      <ReactFlow<CanvasNode, CanvasEdge>
        aria-label="Flow canvas"
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onDragOver={onDragOver}
        onDrop={onDrop}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        // The canvas's own shortcuts delete (one undo step for nodes and connections together).
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={MULTI_SELECT_KEYS}
        snapToGrid
        snapGrid={SNAP_GRID}
        connectionLineType={ConnectionLineType.Bezier}
        fitView={fitOnOpen}
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
        maxZoom={2}
        // Every node stays mounted: panning a large flow then only moves one transform, where culling
        // would mount and unmount nodes on every frame (and a fitted view shows them all anyway).
        attributionPosition="top-right"
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID} size={1.2} />
        <Controls showInteractive={false} position="bottom-left" />
        {doc.nodes.length > 0 ? (
          <MiniMap pannable zoomable position="bottom-right" ariaLabel="Overview of the flow" nodeColor={minimapColor} nodeStrokeWidth={0} />
        ) : null}
        <ArrangeToolbar store={store} readOnly={readOnly} empty={doc.nodes.length === 0} selectedCount={selection.nodes.length} />
        <ConnectionHint />
      </ReactFlow>
      {doc.nodes.length === 0 ? <EmptyHint readOnly={readOnly} /> : null}
    </div>
  );
}

// SVG fill attributes take no CSS variables: the theme's accent-400, red-300 and slate-300 as literals.
function minimapColor(node: CanvasNode): string {
  if (node.selected) return "#8b93f0";
  if (node.data.problems.length > 0) return "#fca5a5";
  return "#cbd5e1";
}

/** Only the positions that differ from the document's (a click without a real move changes nothing). */
function changedPositions(doc: Flow, positions: Readonly<Record<string, Position>>): Record<string, Position> | null {
  const moved: Record<string, Position> = {};
  let any = false;
  for (const node of doc.nodes) {
    const position = positions[node.id];
    if (position && (position.x !== node.position.x || position.y !== node.position.y)) {
      moved[node.id] = { x: position.x, y: position.y };
      any = true;
    }
  }
  return any ? moved : null;
}

/** Why a connection from one handle to another is refused, or null. */
function refusal(doc: Flow, from: HandleInfo, to: HandleInfo): string | null {
  if (from.type === to.type) return from.nodeId === to.nodeId && from.id === to.id ? null : SAME_SIDE_PROBLEM;
  const [source, target] = from.type === "source" ? [from, to] : [to, from];
  return connectionProblem(doc, { source: source.nodeId, sourceHandle: source.id, target: target.nodeId, targetHandle: target.id });
}

/** While a connection is dragged over a port that refuses it, says why, next to the pointer. */
function ConnectionHint() {
  const store = useEditorStore();
  const hint = useConnection((c) =>
    c.inProgress && c.isValid === false && c.toHandle
      ? { reason: refusal(store.getSnapshot().doc, c.fromHandle, c.toHandle), x: c.pointer.x, y: c.pointer.y }
      : null,
  );
  if (!hint?.reason) return null;
  return (
    <div
      role="status"
      style={{ left: hint.x + 16, top: hint.y + 16 }}
      className="pointer-events-none absolute z-10 max-w-xs rounded-lg border border-red-200 bg-white px-3 py-2 text-xs text-red-800 shadow-overlay"
    >
      {hint.reason}
    </div>
  );
}

const ARRANGEMENTS: { how: Arrangement; label: string; icon: typeof AlignLeftIcon; min: number }[] = [
  { how: "left", label: "Align left edges", icon: AlignLeftIcon, min: 2 },
  { how: "center", label: "Align centres", icon: AlignCenterIcon, min: 2 },
  { how: "top", label: "Align top edges", icon: AlignTopIcon, min: 2 },
  { how: "middle", label: "Align middles", icon: AlignMiddleIcon, min: 2 },
  { how: "distribute-horizontal", label: "Distribute horizontally", icon: DistributeHorizontalIcon, min: 3 },
  { how: "distribute-vertical", label: "Distribute vertically", icon: DistributeVerticalIcon, min: 3 },
];

function ArrangeToolbar({ store, readOnly, empty, selectedCount }: { store: EditorStore; readOnly: boolean; empty: boolean; selectedCount: number }) {
  const rf = useReactFlow<CanvasNode, CanvasEdge>();
  const { toast } = useToast();
  const [layingOut, setLayingOut] = useState(false);
  if (readOnly) return null;

  const sizeOf = (nodeId: string) => {
    const node = rf.getInternalNode(nodeId);
    return { width: node?.measured.width ?? NODE_SIZE.width, height: node?.measured.height ?? NODE_SIZE.height };
  };

  const runLayout = async () => {
    setLayingOut(true);
    try {
      const doc = store.getSnapshot().doc;
      const positions = await autoLayout(doc, sizeOf);
      // The person may have edited meanwhile; moveNodes ignores nodes that are gone.
      store.apply((d) => moveNodes(d, positions));
      requestAnimationFrame(() => void rf.fitView({ ...FIT_VIEW_OPTIONS, duration: 300 }));
    } catch (error) {
      toast({ tone: "error", title: "Auto-layout failed", description: error instanceof Error ? error.message : String(error) });
    } finally {
      setLayingOut(false);
    }
  };

  const arrangeSelected = (how: Arrangement) => {
    const boxes: Box[] = store.getSnapshot().selection.nodes.flatMap((id) => {
      const node = rf.getInternalNode(id);
      return node ? [{ id, x: node.position.x, y: node.position.y, ...sizeOf(id) }] : [];
    });
    const positions = arrange(boxes, how);
    if (Object.keys(positions).length > 0) store.apply((d) => moveNodes(d, positions));
  };

  return (
    <Panel position="top-left">
      <div role="group" aria-label="Arrange nodes" className="flex items-center gap-0.5 rounded-lg border border-line bg-white p-1 shadow-card">
        <Button
          variant="ghost"
          size="sm"
          icon={<AutoLayoutIcon className="size-4" />}
          loading={layingOut}
          disabled={empty}
          title="Arrange the whole flow from left to right"
          onClick={() => void runLayout()}
        >
          Auto-layout
        </Button>
        {selectedCount >= 2 ? (
          <>
            <span aria-hidden className="mx-1 h-5 w-px bg-slate-200" />
            {ARRANGEMENTS.map(({ how, label, icon: Icon, min }) => (
              <Button key={how} variant="ghost" size="icon" aria-label={label} title={label} disabled={selectedCount < min} onClick={() => arrangeSelected(how)}>
                <Icon className="size-4" />
              </Button>
            ))}
          </>
        ) : null}
      </div>
    </Panel>
  );
}

function EmptyHint({ readOnly }: { readOnly: boolean }) {
  return (
    <div className="pointer-events-none absolute inset-0 z-[4] grid place-items-center p-6">
      <div className="max-w-sm rounded-lg border border-dashed border-slate-300 bg-white/90 px-6 py-5 text-center shadow-card">
        {readOnly ? (
          <p className="text-sm font-medium text-slate-700">This flow has no nodes yet.</p>
        ) : (
          <>
            <p className="text-sm font-medium text-slate-800">Drag a trigger from the left to start, or click one</p>
            <p className="mt-1 text-xs text-slate-500">A trigger decides when the flow runs: on a schedule, when a webhook is called, or by hand.</p>
          </>
        )}
      </div>
    </div>
  );
}
