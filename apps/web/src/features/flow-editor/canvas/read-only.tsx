"use client";

import { Background, BackgroundVariant, Controls } from "@xyflow/react";
import { GRID } from "./insert";

/**
 * What every read-only drawing of a flow (a run's pinned version, a template's preview) passes to
 * React Flow: nothing moves, connects or deletes; it fits the flow on open.
 */
export const READ_ONLY_FLOW_PROPS = {
  nodesDraggable: false,
  nodesConnectable: false,
  edgesFocusable: false,
  deleteKeyCode: null,
  selectionKeyCode: null,
  multiSelectionKeyCode: null,
  fitView: true,
  fitViewOptions: { padding: 0.1, maxZoom: 1 },
  minZoom: 0.1,
  maxZoom: 1.5,
  attributionPosition: "bottom-right",
} as const;

/** The dotted grid and the zoom buttons of a read-only drawing. */
export function ReadOnlyBackdrop() {
  return (
    <>
      <Background variant={BackgroundVariant.Dots} gap={GRID} size={1.2} />
      <Controls showInteractive={false} position="bottom-left" />
    </>
  );
}
