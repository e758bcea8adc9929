"use client";

import type { Flow } from "@flowgate/flow";
import { ReactFlow, ReactFlowProvider, type EdgeTypes, type NodeChange, type NodeTypes } from "@xyflow/react";
import { useCallback, useMemo, useState } from "react";
import { createEdgeMapper, createNodeMapper, UNKNOWN_KIND_TYPE, type CanvasNode } from "@/features/flow-editor/canvas/elements";
import { FlowEdge } from "@/features/flow-editor/canvas/flow-edge";
import { READ_ONLY_FLOW_PROPS, ReadOnlyBackdrop } from "@/features/flow-editor/canvas/read-only";
import { KindNode } from "@/features/flow-editor/canvas/kind-node";
import { definitions } from "@/features/flow-editor/canvas/kinds";
import { EditorContext, EditorStore } from "@/features/flow-editor/editor-store";

/*
 * A template's flow drawn read-only with the editor's own node cards (as the run page does): nothing
 * can be moved, connected or deleted. Names and labels are the template's text, rendered as text.
 */

// Built once: React Flow re-creates every node when these objects change identity.
const nodeTypes: NodeTypes = Object.fromEntries([...definitions.map((kind) => [kind.id, KindNode]), [UNKNOWN_KIND_TYPE, KindNode]]);
const edgeTypes: EdgeTypes = { flow: FlowEdge };
const NO_PROBLEMS = new Map();
const NO_DIFF = new Map();
const NO_POSITIONS = new Map();
const NO_SELECTION: ReadonlySet<string> = new Set();

export function TemplateCanvas({ flow, label }: { flow: Flow; label: string }) {
  const [store] = useState(() => new EditorStore(flow, { readOnly: true }));
  return (
    <EditorContext.Provider value={store}>
      <ReactFlowProvider>
        <Canvas flow={flow} label={label} />
      </ReactFlowProvider>
    </EditorContext.Provider>
  );
}

function Canvas({ flow, label }: { flow: Flow; label: string }) {
  const [mapNodes] = useState(createNodeMapper);
  const [mapEdges] = useState(createEdgeMapper);
  const [measured, setMeasured] = useState<ReadonlyMap<string, { width: number; height: number }>>(new Map());
  const nodes = useMemo(
    () => mapNodes(flow, { selected: NO_SELECTION, problemsByNode: NO_PROBLEMS, dryRunNodes: undefined, diffMarks: NO_DIFF, dragging: NO_POSITIONS, measured }),
    [mapNodes, flow, measured],
  );
  const edges = useMemo(() => mapEdges(flow, NO_SELECTION, undefined), [mapEdges, flow]);
  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    let sizes: Map<string, { width: number; height: number }> | null = null;
    for (const change of changes) {
      if (change.type === "dimensions" && change.dimensions) (sizes ??= new Map()).set(change.id, change.dimensions);
    }
    if (sizes) {
      const now = sizes;
      setMeasured((before) => new Map([...before, ...now]));
    }
  }, []);
  return (
    <div className="absolute inset-0" data-testid="template-canvas">
      <ReactFlow<CanvasNode>
        aria-label={label}
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        {...READ_ONLY_FLOW_PROPS}
        elementsSelectable={false}
      >
        <ReadOnlyBackdrop />
      </ReactFlow>
    </div>
  );
}
