"use client";

import type { Position } from "@flowgate/flow";
import { useCallback, useSyncExternalStore } from "react";
import type { EditorStore } from "../editor-store";

/*
 * The palette and the canvas are siblings in the editor's layout, each under the editor store but
 * not under one another. What the palette needs from the canvas (where the view is) and what the
 * keyboard needs from a node (start renaming) goes through this small per-store bridge.
 */

export interface CanvasApi {
  /** The centre of the visible part of the canvas, in flow coordinates. */
  viewportCentre(): Position;
  /** A node's drawn width, once the browser measured it. */
  nodeWidth(nodeId: string): number | undefined;
  /** Pans to a node the person cannot see (keeping the zoom). */
  reveal(nodeId: string): void;
}

interface Bridge {
  api: CanvasApi | null;
  renaming: string | null;
  listeners: Set<() => void>;
}

const bridges = new WeakMap<EditorStore, Bridge>();

function bridgeOf(store: EditorStore): Bridge {
  let bridge = bridges.get(store);
  if (!bridge) {
    bridge = { api: null, renaming: null, listeners: new Set() };
    bridges.set(store, bridge);
  }
  return bridge;
}

export function registerCanvas(store: EditorStore, api: CanvasApi): () => void {
  const bridge = bridgeOf(store);
  bridge.api = api;
  return () => {
    if (bridge.api === api) bridge.api = null;
  };
}

export function canvasOf(store: EditorStore): CanvasApi | null {
  return bridgeOf(store).api;
}

/** Asks the node to show its name field (F2); null ends renaming. */
export function setRenaming(store: EditorStore, nodeId: string | null) {
  const bridge = bridgeOf(store);
  if (bridge.renaming === nodeId) return;
  bridge.renaming = nodeId;
  for (const listener of bridge.listeners) listener();
}

/** Whether this node is being renamed; only the nodes whose answer changes re-render. */
export function useRenaming(store: EditorStore, nodeId: string): boolean {
  const bridge = bridgeOf(store);
  const subscribe = useCallback(
    (listener: () => void) => {
      bridge.listeners.add(listener);
      return () => void bridge.listeners.delete(listener);
    },
    [bridge],
  );
  return useSyncExternalStore(subscribe, () => bridge.renaming === nodeId, () => false);
}
