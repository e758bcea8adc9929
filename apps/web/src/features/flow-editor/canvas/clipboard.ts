import { copySelection, FlowFragmentSchema, FlowSchema, type Flow, type FlowFragment, type Position } from "@flowgate/flow";
import { snap } from "./insert";

/** The selected nodes and the connections among them, as the JSON the clipboard carries; null when no node is selected. */
export function selectionToText(flow: Flow, nodeIds: readonly string[]): string | null {
  if (nodeIds.length === 0) return null;
  return JSON.stringify(copySelection(flow, nodeIds), null, 2);
}

export type ParsedClipboard = { ok: true; fragment: FlowFragment } | { ok: false; message: string };

const NOT_OURS =
  "The clipboard does not hold Flowgate nodes. Select nodes in a flow, copy them with Ctrl+C (⌘C on a Mac), then paste them here.";

/**
 * Reads clipboard text as nodes to paste: a fragment copied from a canvas, or a whole exported flow
 * document (all its nodes). Anything else gets a message that says what the clipboard should hold.
 */
export function parseClipboard(text: string): ParsedClipboard {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: NOT_OURS };
  }
  if (typeof value !== "object" || value === null) return { ok: false, message: NOT_OURS };
  const record = value as Record<string, unknown>;
  if (record["flowgate"] === "fragment") {
    const fragment = FlowFragmentSchema.safeParse(value);
    if (fragment.success) return { ok: true, fragment: fragment.data };
    return {
      ok: false,
      message: "The copied nodes are damaged and cannot be pasted (they may have been edited by hand). Copy them again from their flow.",
    };
  }
  if ("schemaVersion" in record && Array.isArray(record["nodes"])) {
    const flow = FlowSchema.safeParse(value);
    if (flow.success) return { ok: true, fragment: { flowgate: "fragment", version: 1, nodes: flow.data.nodes, edges: flow.data.edges } };
    return { ok: false, message: "The clipboard holds a flow document that this Flowgate cannot read. Export it again, or copy its nodes from the canvas." };
  }
  return { ok: false, message: NOT_OURS };
}

/** The shift that puts the fragment's top-left corner at `anchor`, on the grid. */
export function offsetToAnchor(fragment: Pick<FlowFragment, "nodes">, anchor: Position): Position {
  if (fragment.nodes.length === 0) return { x: 0, y: 0 };
  const left = Math.min(...fragment.nodes.map((node) => node.position.x));
  const top = Math.min(...fragment.nodes.map((node) => node.position.y));
  const target = snap(anchor);
  return { x: target.x - left, y: target.y - top };
}
