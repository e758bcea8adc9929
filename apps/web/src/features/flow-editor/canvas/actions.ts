"use client";

import type { NodeDefinition } from "@flowgate/engine";
import { disconnect, duplicateSelection, FlowEditError, pasteFragment, removeNodes, type Position } from "@flowgate/flow";
import type { ToastInput } from "@flowgate/ui";
import type { EditorStore } from "../editor-store";
import { canvasOf } from "./canvas-bridge";
import { offsetToAnchor, parseClipboard, selectionToText } from "./clipboard";
import { insertKind, NODE_SIZE } from "./insert";

/*
 * Canvas commands shared by the keyboard, the clipboard events, the palette and drag and drop. Each
 * is one store.apply, so each is one undo step, and each says what went wrong in a toast.
 */

type Toast = (input: ToastInput) => void;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function reportEditError(toast: Toast, title: string, error: unknown): void {
  if (error instanceof FlowEditError) toast({ tone: "error", title, description: error.message });
  else throw error;
}

/** Adds a node of `kind` (dropped at a point, or after the selected node, or in the middle of the view) and selects it. */
export function addKindNode(store: EditorStore, kind: NodeDefinition, toast: Toast, at?: Position): void {
  const { selection } = store.getSnapshot();
  const canvas = canvasOf(store);
  const after = at ? undefined : selection.nodes[selection.nodes.length - 1];
  const centre = canvas?.viewportCentre() ?? { x: 0, y: 0 };
  const place = after
    ? { after, afterWidth: canvas?.nodeWidth(after) }
    : { position: at ?? { x: centre.x - NODE_SIZE.width / 2, y: centre.y - NODE_SIZE.height / 2 } };
  try {
    let nodeId = "";
    store.apply((doc) => {
      const inserted = insertKind(doc, kind, place);
      nodeId = inserted.nodeId;
      return inserted.flow;
    });
    store.select({ nodes: [nodeId] });
    canvas?.reveal(nodeId);
  } catch (error) {
    reportEditError(toast, `“${kind.label}” could not be added`, error);
  }
}

export function deleteSelection(store: EditorStore): void {
  const { selection } = store.getSnapshot();
  if (selection.nodes.length === 0 && selection.edges.length === 0) return;
  store.apply((doc) => disconnect(removeNodes(doc, selection.nodes), selection.edges));
}

export function selectAll(store: EditorStore): void {
  const { doc } = store.getSnapshot();
  store.select({ nodes: doc.nodes.map((node) => node.id), edges: doc.edges.map((edge) => edge.id) });
}

export function duplicateSelected(store: EditorStore, toast: Toast): void {
  const { selection } = store.getSnapshot();
  if (selection.nodes.length === 0) return;
  try {
    let copies: string[] = [];
    store.apply((doc) => {
      const result = duplicateSelection(doc, selection.nodes);
      copies = result.newNodeIds;
      return result.flow;
    });
    store.select({ nodes: copies });
  } catch (error) {
    reportEditError(toast, "The nodes could not be duplicated", error);
  }
}

/** The selection as clipboard text, with a toast saying what was copied; null when no node is selected. */
export function copyText(store: EditorStore, toast: Toast): string | null {
  const { doc, selection } = store.getSnapshot();
  const text = selectionToText(doc, selection.nodes);
  if (text !== null) {
    toast({
      title: `Copied ${plural(selection.nodes.length, "node", "nodes")}`,
      description: "Paste with Ctrl+V (⌘V on a Mac), here or in another flow.",
      duration: 2500,
    });
  }
  return text;
}

/** Pastes clipboard text with its top-left node at `anchor`, and selects what was pasted. */
export function pasteText(store: EditorStore, text: string, anchor: Position, toast: Toast): void {
  const parsed = parseClipboard(text);
  if (!parsed.ok) {
    toast({ tone: "error", title: "Nothing to paste", description: parsed.message });
    return;
  }
  try {
    let pasted: string[] = [];
    store.apply((doc) => {
      const result = pasteFragment(doc, parsed.fragment, { offset: offsetToAnchor(parsed.fragment, anchor) });
      pasted = result.newNodeIds;
      return result.flow;
    });
    store.select({ nodes: pasted });
  } catch (error) {
    reportEditError(toast, "The nodes could not be pasted", error);
  }
}
