import type { Flow, FlowEdge, FlowNode, Position } from "./schema";

/** One value that differs, by its dotted path (`fields.0.expression`, `batchSize`). Absent on one side: undefined. */
export interface ValueChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** A node present on both sides whose meaning changed (not only its place on the canvas). */
export interface NodeChange {
  nodeId: string;
  /** Its label after the change (the `fields` say when the label itself changed). */
  label: string;
  kind: string;
  /** The node's own fields that changed: label, kind, kindVersion, disabled, onError. */
  fields: ValueChange[];
  /** Its settings that changed, leaf by leaf. */
  config: ValueChange[];
  /** It was also moved on the canvas. */
  moved: boolean;
}

export interface NodeMove {
  nodeId: string;
  label: string;
  before: Position;
  after: Position;
}

/** What changed between two documents, as a person reviewing a version would read it. */
export interface FlowDiff {
  nodes: {
    added: FlowNode[];
    removed: FlowNode[];
    changed: NodeChange[];
    /** Nodes that only moved: nothing they do changed. */
    moved: NodeMove[];
  };
  /** Connections, matched by their ends (a connection drawn again between the same ports is the same connection). */
  edges: { added: FlowEdge[]; removed: FlowEdge[] };
  settings: ValueChange[];
}

const NODE_FIELDS = ["label", "kind", "kindVersion", "disabled", "onError"] as const;

/** Compares two documents by node id; pure, and neither document is changed. */
export function diffFlows(before: Flow, after: Flow): FlowDiff {
  const beforeNodes = new Map(before.nodes.map((node) => [node.id, node]));
  const afterIds = new Set(after.nodes.map((node) => node.id));
  const diff: FlowDiff = {
    nodes: { added: [], removed: before.nodes.filter((node) => !afterIds.has(node.id)), changed: [], moved: [] },
    edges: { added: [], removed: [] },
    settings: diffValues(before.settings, after.settings),
  };
  for (const node of after.nodes) {
    const old = beforeNodes.get(node.id);
    if (!old) {
      diff.nodes.added.push(node);
      continue;
    }
    // An unset `disabled` is false: saying "disabled: (none) → false" would report a change that changes nothing.
    const fields = NODE_FIELDS.flatMap((field) =>
      field === "disabled" ? diffValues(old.disabled ?? false, node.disabled ?? false, field) : diffValues(old[field], node[field], field),
    );
    const config = diffValues(old.config, node.config);
    const moved = old.position.x !== node.position.x || old.position.y !== node.position.y;
    if (fields.length > 0 || config.length > 0) diff.nodes.changed.push({ nodeId: node.id, label: node.label, kind: node.kind, fields, config, moved });
    else if (moved) diff.nodes.moved.push({ nodeId: node.id, label: node.label, before: old.position, after: node.position });
  }
  const ends = (edge: FlowEdge) => JSON.stringify([edge.source, edge.sourcePort, edge.target, edge.targetPort]);
  const beforeEdges = new Set(before.edges.map(ends));
  const afterEdges = new Set(after.edges.map(ends));
  diff.edges.added = after.edges.filter((edge) => !beforeEdges.has(ends(edge)));
  diff.edges.removed = before.edges.filter((edge) => !afterEdges.has(ends(edge)));
  return diff;
}

/** True when the two documents do the same thing in the same places. */
export function isEmptyDiff(diff: FlowDiff): boolean {
  const { nodes, edges, settings } = diff;
  return [nodes.added, nodes.removed, nodes.changed, nodes.moved, edges.added, edges.removed, settings].every((list) => list.length === 0);
}

/**
 * The leaves that differ between two JSON values: objects and arrays are walked (arrays by index),
 * anything else, or two values of different shapes, is one change at its path.
 */
function diffValues(before: unknown, after: unknown, path = ""): ValueChange[] {
  if (Object.is(before, after)) return [];
  const join = (key: string | number) => (path === "" ? String(key) : `${path}.${key}`);
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: ValueChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) changes.push(...diffValues(before[i], after[i], join(i)));
    return changes;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => diffValues(before[key], after[key], join(key)));
  }
  return [{ path, before, after }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
