import { z } from "zod";
import { findCycles, reaches } from "./graph";
import {
  EdgeSchema,
  ErrorPolicySchema,
  FlowSettingsSchema,
  MAX_EDGES,
  MAX_NODES,
  NodeSchema,
  PositionSchema,
  type ErrorPolicy,
  type Flow,
  type FlowEdge,
  type FlowNode,
  type FlowNodeInput,
  type FlowSettingsInput,
  type Position,
} from "./schema";

/*
 * Pure edit operations shared by the canvas and the API. Each returns a new Flow and never changes
 * the one it was given (unchanged nodes and edges are shared between the two, so treat documents as
 * immutable). Each either returns a document that still matches FlowSchema or throws FlowEditError.
 * Operations that need the kind registry (ports, configs) are left to validateFlow.
 */

export type FlowEditErrorCode =
  | "invalid_input"
  | "unknown_node"
  | "id_taken"
  | "self_loop"
  | "duplicate_edge"
  | "cycle"
  | "too_many";

export class FlowEditError extends Error {
  override name = "FlowEditError";
  constructor(
    readonly code: FlowEditErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Makes a candidate id; the operations retry when it is already taken in the flow. */
export type NewId = (what: "node" | "edge") => string;

export interface IdOptions {
  newId?: NewId;
}

// getRandomValues rather than randomUUID: browsers only offer randomUUID on HTTPS or localhost, and a
// self-hosted Flowgate may well be opened over plain HTTP on a local network.
export const randomId: NewId = (what) => {
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${what === "node" ? "n" : "e"}_${hex}`;
};

function idAllocator(flow: Flow, newId: NewId = randomId): NewId {
  const taken = new Set<string>([...flow.nodes.map((n) => n.id), ...flow.edges.map((e) => e.id)]);
  return (what) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const id = newId(what);
      if (!taken.has(id) && id.length >= 1 && id.length <= 64) {
        taken.add(id);
        return id;
      }
    }
    throw new FlowEditError("id_taken", `Could not find a free ${what} id: the id generator keeps returning ids in use.`);
  };
}

function nodeLabel(flow: Flow, id: string): string {
  const node = flow.nodes.find((n) => n.id === id);
  return node ? `“${node.label}”` : `“${id}”`;
}

function requireNode(flow: Flow, nodeId: string): FlowNode {
  const node = flow.nodes.find((n) => n.id === nodeId);
  if (!node) throw new FlowEditError("unknown_node", `There is no node with id “${nodeId}” in this flow.`);
  return node;
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new FlowEditError("invalid_input", `${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

function checkLimits(nodeCount: number, edgeCount: number): void {
  if (nodeCount > MAX_NODES) {
    throw new FlowEditError("too_many", `A flow can have at most ${MAX_NODES} nodes. Split the work into several flows.`);
  }
  if (edgeCount > MAX_EDGES) {
    throw new FlowEditError("too_many", `A flow can have at most ${MAX_EDGES} connections. Split the work into several flows.`);
  }
}

/** A node to add; without an `id`, a fresh one is made. The new node is the last one in the returned flow's `nodes`. */
export type NewNode = Omit<FlowNodeInput, "id"> & { id?: string };

export function addNode(flow: Flow, node: NewNode, options: IdOptions = {}): Flow {
  const id = node.id ?? idAllocator(flow, options.newId)("node");
  if (flow.nodes.some((n) => n.id === id)) {
    throw new FlowEditError("id_taken", `This flow already has a node with id “${id}”.`);
  }
  const parsed = parseOrThrow(NodeSchema, { ...node, id }, "The new node is not valid");
  checkLimits(flow.nodes.length + 1, flow.edges.length);
  return { ...flow, nodes: [...flow.nodes, parsed] };
}

/** Removes the nodes and every connection to or from them. Ids not in the flow are ignored. */
export function removeNodes(flow: Flow, nodeIds: Iterable<string>): Flow {
  const removed = new Set(nodeIds);
  return {
    ...flow,
    nodes: flow.nodes.filter((n) => !removed.has(n.id)),
    edges: flow.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)),
  };
}

export interface ConnectInput {
  source: string;
  sourcePort?: string;
  target: string;
  targetPort?: string;
  id?: string;
}

/**
 * Adds a connection. Refuses a node connected to itself, a second identical connection, and a
 * connection that would make a loop. Whether the ports exist is the kind registry's business: validateFlow.
 */
export function connect(flow: Flow, input: ConnectInput, options: IdOptions = {}): Flow {
  const id = input.id ?? idAllocator(flow, options.newId)("edge");
  const edge = parseOrThrow(EdgeSchema, { ...input, id }, "The new connection is not valid");
  requireNode(flow, edge.source);
  requireNode(flow, edge.target);
  if (flow.edges.some((e) => e.id === edge.id)) {
    throw new FlowEditError("id_taken", `This flow already has a connection with id “${edge.id}”.`);
  }
  if (edge.source === edge.target) {
    throw new FlowEditError("self_loop", `A node cannot be connected to itself (${nodeLabel(flow, edge.source)}).`);
  }
  const same = (e: FlowEdge) =>
    e.source === edge.source && e.sourcePort === edge.sourcePort && e.target === edge.target && e.targetPort === edge.targetPort;
  if (flow.edges.some(same)) {
    throw new FlowEditError(
      "duplicate_edge",
      `${nodeLabel(flow, edge.source)} is already connected to ${nodeLabel(flow, edge.target)} this way.`,
    );
  }
  if (reaches(flow.edges, edge.target, edge.source)) {
    throw new FlowEditError(
      "cycle",
      `Connecting ${nodeLabel(flow, edge.source)} to ${nodeLabel(flow, edge.target)} would make a loop: ` +
        `data already flows from ${nodeLabel(flow, edge.target)} to ${nodeLabel(flow, edge.source)}.`,
    );
  }
  checkLimits(flow.nodes.length, flow.edges.length + 1);
  return { ...flow, edges: [...flow.edges, edge] };
}

/** Removes connections by id. Ids not in the flow are ignored. */
export function disconnect(flow: Flow, edgeIds: Iterable<string>): Flow {
  const removed = new Set(edgeIds);
  return { ...flow, edges: flow.edges.filter((e) => !removed.has(e.id)) };
}

/** Sets new positions. Ids not in the flow are ignored (the node may have been deleted meanwhile). */
export function moveNodes(flow: Flow, positions: Readonly<Record<string, Position>>): Flow {
  const parsed = parseOrThrow(z.record(z.string(), PositionSchema), positions, "The new positions are not valid");
  return {
    ...flow,
    nodes: flow.nodes.map((n) => {
      const position = Object.hasOwn(parsed, n.id) ? parsed[n.id] : undefined;
      return position ? { ...n, position: { x: position.x, y: position.y } } : n;
    }),
  };
}

/** Replaces a node's config (the kind's schema is checked by validateFlow, not here). */
export function updateNodeConfig(flow: Flow, nodeId: string, config: Record<string, unknown>): Flow {
  requireNode(flow, nodeId);
  const parsed = parseOrThrow(NodeSchema.shape.config, config, "The node's settings are not valid");
  return { ...flow, nodes: flow.nodes.map((n) => (n.id === nodeId ? { ...n, config: parsed } : n)) };
}

/** Renames a node; surrounding spaces are dropped, and the label must not be empty. */
export function renameNode(flow: Flow, nodeId: string, label: string): Flow {
  requireNode(flow, nodeId);
  const parsed = parseOrThrow(NodeSchema.shape.label, label.trim(), "The node's name is not valid");
  return { ...flow, nodes: flow.nodes.map((n) => (n.id === nodeId ? { ...n, label: parsed } : n)) };
}

/**
 * Switches a node off (a disabled node passes nothing on) or on again. Enabling removes the field
 * rather than writing `false`, so a document that never disabled anything stays as it was.
 */
export function setNodeDisabled(flow: Flow, nodeId: string, disabled: boolean): Flow {
  const node = requireNode(flow, nodeId);
  if ((node.disabled ?? false) === disabled) return flow;
  return {
    ...flow,
    nodes: flow.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      if (disabled) return { ...n, disabled: true };
      const { disabled: _, ...rest } = n;
      return rest;
    }),
  };
}

/** What a node does with a record it cannot process; `undefined` leaves it to the flow's `settings.errorPolicy`. */
export function setNodeErrorPolicy(flow: Flow, nodeId: string, policy: ErrorPolicy | undefined): Flow {
  const node = requireNode(flow, nodeId);
  const parsed = parseOrThrow(ErrorPolicySchema.optional(), policy, "The node's error handling is not valid");
  if (node.onError === parsed) return flow;
  return {
    ...flow,
    nodes: flow.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const { onError: _, ...rest } = n;
      return parsed === undefined ? rest : { ...rest, onError: parsed };
    }),
  };
}

/** Changes some of the flow's settings; the others keep their values. */
export function updateSettings(flow: Flow, partial: Partial<FlowSettingsInput>): Flow {
  const settings = parseOrThrow(FlowSettingsSchema, { ...flow.settings, ...partial }, "The flow settings are not valid");
  return { ...flow, settings };
}

export const FlowFragmentSchema = z
  .object({
    flowgate: z.literal("fragment"),
    version: z.literal(1),
    nodes: z.array(NodeSchema).max(MAX_NODES),
    edges: z.array(EdgeSchema).max(MAX_EDGES),
  })
  .superRefine((fragment, ctx) => {
    const ids = new Set<string>();
    fragment.nodes.forEach((node, i) => {
      if (ids.has(node.id)) ctx.addIssue({ code: "custom", message: "node ids must be unique", path: ["nodes", i, "id"] });
      ids.add(node.id);
    });
    fragment.edges.forEach((edge, i) => {
      for (const end of ["source", "target"] as const) {
        if (!ids.has(edge[end])) {
          ctx.addIssue({ code: "custom", message: "connections must join nodes of the fragment", path: ["edges", i, end] });
        }
      }
    });
  });

/** Clipboard content: some nodes and the connections among them. */
export type FlowFragment = z.output<typeof FlowFragmentSchema>;

/** The selected nodes (in document order) and the connections between two selected nodes. */
export function copySelection(flow: Flow, nodeIds: Iterable<string>): FlowFragment {
  const selected = new Set(nodeIds);
  // A copy, not shared structure: the fragment leaves for the clipboard and may be changed there.
  return structuredClone({
    flowgate: "fragment" as const,
    version: 1 as const,
    nodes: flow.nodes.filter((n) => selected.has(n.id)),
    edges: flow.edges.filter((e) => selected.has(e.source) && selected.has(e.target)),
  });
}

export interface PasteOptions extends IdOptions {
  /** Added to every pasted node's position. Default: no shift. */
  offset?: Position;
}

export interface PasteResult {
  flow: Flow;
  /** Ids of the new nodes, in the fragment's order. */
  newNodeIds: string[];
}

/** Adds the fragment's nodes and connections with fresh ids. The fragment is checked with FlowFragmentSchema first. */
export function pasteFragment(flow: Flow, fragment: FlowFragment, options: PasteOptions = {}): PasteResult {
  const parsed = parseOrThrow(FlowFragmentSchema, fragment, "The pasted content is not a Flowgate selection");
  const { x: dx, y: dy } = parseOrThrow(PositionSchema, options.offset ?? { x: 0, y: 0 }, "The paste offset is not valid");
  if (findCycles(parsed.nodes.map((n) => n.id), parsed.edges).length > 0) {
    throw new FlowEditError("cycle", "The pasted nodes are connected in a loop, which a flow cannot have.");
  }
  checkLimits(flow.nodes.length + parsed.nodes.length, flow.edges.length + parsed.edges.length);

  const allocate = idAllocator(flow, options.newId);
  const idFor = new Map(parsed.nodes.map((n) => [n.id, allocate("node")]));
  const nodes = parsed.nodes.map((n) => ({ ...n, id: idFor.get(n.id)!, position: { x: n.position.x + dx, y: n.position.y + dy } }));
  if (nodes.some((n) => !Number.isFinite(n.position.x) || !Number.isFinite(n.position.y))) {
    throw new FlowEditError("invalid_input", "The paste offset moves nodes beyond the canvas.");
  }
  const edges = parsed.edges.map((e) => ({ ...e, id: allocate("edge"), source: idFor.get(e.source)!, target: idFor.get(e.target)! }));
  return {
    flow: { ...flow, nodes: [...flow.nodes, ...nodes], edges: [...flow.edges, ...edges] },
    newNodeIds: nodes.map((n) => n.id),
  };
}

export interface DuplicateOptions extends IdOptions {
  /** Added to every copy's position. Default: 40 right and 40 down, so the copies do not hide the originals. */
  offset?: Position;
}

/** Copies the nodes and the connections among them with fresh ids; returns the flow and the copies' ids. */
export function duplicateSelection(flow: Flow, nodeIds: Iterable<string>, options: DuplicateOptions = {}): PasteResult {
  return pasteFragment(flow, copySelection(flow, nodeIds), { ...options, offset: options.offset ?? { x: 40, y: 40 } });
}
