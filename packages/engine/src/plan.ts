import { ERROR_PORT, type ErrorPolicy, type Flow, type FlowNode } from "@flowgate/flow";
import type { ImplementationRegistry, NodeDefinition, NodeImplementation } from "./contract";

/** A flow the engine cannot run, said so that the person who drew it knows what to change. */
export class PlanError extends Error {
  override readonly name = "PlanError";
  readonly nodeIds: string[];
  constructor(message: string, nodeIds: string[] = []) {
    super(message);
    this.nodeIds = nodeIds;
  }
  /** The first node the problem is about, if any. */
  get nodeId(): string | undefined {
    return this.nodeIds[0];
  }
}

export interface PlannedEdge {
  readonly id: string;
  readonly source: string;
  readonly sourcePort: string;
  readonly target: string;
  readonly targetPort: string;
}

export interface PlannedNode {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly node: FlowNode;
  readonly implementation: NodeImplementation<any, any>;
  readonly definition: NodeDefinition;
  /** The node's own `onError`, or else the flow's `settings.errorPolicy`. */
  readonly errorPolicy: ErrorPolicy;
  readonly isDestination: boolean;
  /** Outgoing edges to running nodes, by output port (`error` included). Ports with no edge are absent. */
  readonly outputs: Readonly<Record<string, readonly PlannedEdge[]>>;
  /** Incoming edges from running nodes. */
  readonly inputs: readonly PlannedEdge[];
}

export type SkippedReason =
  /** The node is switched off. */
  | "disabled"
  /** Every path from a trigger to it goes through a disabled node. */
  | "behind_disabled"
  /** No path from a trigger reaches it. */
  | "not_connected";

export interface ExecutionPlan {
  /** The nodes that run, in topological order (document order among equals). */
  readonly order: readonly PlannedNode[];
  readonly nodes: ReadonlyMap<string, PlannedNode>;
  /** The one node whose `read` brings the run's records. */
  readonly producer: PlannedNode;
  /** The output port the producer's records leave through (its first declared output). */
  readonly producerPort: string;
  readonly destinations: readonly PlannedNode[];
  /** Nodes of the document that do not run, and why. */
  readonly skipped: readonly { nodeId: string; reason: SkippedReason }[];
  /** Every running node behind `nodeId` (reachable from it), in topological order, without itself. */
  downstreamOf(nodeId: string): string[];
}

export interface PlanOptions {
  /** Start from this trigger only (the one that fired); by default every enabled trigger. */
  triggerNodeId?: string;
}

/**
 * Works out what runs and in which order. The flow should have passed `validateFlow`; this checks
 * again what running needs (kinds, ports, no loop) so that it never runs half a graph.
 *
 * What runs: the nodes reachable from an enabled trigger through enabled nodes. A disabled node does
 * not pass records through: it and everything reachable only through it do not run (records are not
 * silently handed past a step the person switched off). Nodes not connected to a trigger do not run.
 */
export function planFlow(flow: Flow, implementations: ImplementationRegistry, options: PlanOptions = {}): ExecutionPlan {
  const byId = new Map(flow.nodes.map((node) => [node.id, node]));
  const implementationOf = new Map<string, NodeImplementation<any, any>>();
  for (const node of flow.nodes) {
    if (node.disabled) continue;
    const implementation = implementations.get(node.kind);
    if (!implementation) {
      throw new PlanError(
        `Node “${node.label}” uses kind “${node.kind}”, which this Flowgate cannot run. Replace the node, or disable it to run the flow without it.`,
        [node.id],
      );
    }
    if (node.kindVersion > implementation.definition.version) {
      throw new PlanError(
        `Node “${node.label}” was made with version ${node.kindVersion} of “${implementation.definition.label}”, but this Flowgate only runs up to version ${implementation.definition.version}. Update Flowgate, or replace the node.`,
        [node.id],
      );
    }
    implementationOf.set(node.id, implementation);
  }

  const isTrigger = (node: FlowNode) => implementationOf.get(node.id)?.definition.category === "trigger";
  let starts = flow.nodes.filter((node) => !node.disabled && isTrigger(node));
  if (options.triggerNodeId !== undefined) {
    const chosen = byId.get(options.triggerNodeId);
    if (!chosen || !isTrigger(chosen)) {
      throw new PlanError(`The run was started by trigger “${options.triggerNodeId}”, which is not an enabled trigger of this flow.`);
    }
    starts = [chosen];
  }
  if (starts.length === 0) {
    throw new PlanError("This flow has no enabled trigger, so nothing starts it. Add a trigger or enable one.");
  }

  const active = reachable(
    starts.map((node) => node.id),
    flow,
    (id) => byId.get(id)?.disabled !== true,
  );
  const throughDisabled = reachable(
    flow.nodes.filter((node) => implementations.get(node.kind)?.definition.category === "trigger").map((node) => node.id),
    flow,
    () => true,
  );
  const skipped = flow.nodes
    .filter((node) => !active.has(node.id))
    .map((node) => ({
      nodeId: node.id,
      reason: node.disabled ? ("disabled" as const) : throughDisabled.has(node.id) ? ("behind_disabled" as const) : ("not_connected" as const),
    }));

  const edges: PlannedEdge[] = flow.edges.filter((edge) => active.has(edge.source) && active.has(edge.target));
  for (const edge of edges) checkPorts(edge, byId, implementationOf);

  const order = topologicalOrder(
    flow.nodes.filter((node) => active.has(node.id)),
    edges,
  );

  const planned = new Map<string, PlannedNode>();
  for (const node of order) {
    const implementation = implementationOf.get(node.id)!;
    const outputs: Record<string, PlannedEdge[]> = {};
    for (const edge of edges) if (edge.source === node.id) (outputs[edge.sourcePort] ??= []).push(edge);
    planned.set(node.id, {
      id: node.id,
      label: node.label,
      kind: node.kind,
      node,
      implementation,
      definition: implementation.definition,
      errorPolicy: node.onError ?? flow.settings.errorPolicy,
      isDestination: implementation.definition.category === "destination",
      outputs,
      inputs: edges.filter((edge) => edge.target === node.id),
    });
  }
  const ordered = [...planned.values()];

  const producers = ordered.filter((node) => node.implementation.read !== undefined);
  if (producers.length === 0) {
    throw new PlanError(
      "Nothing in this flow brings records: connect a source (such as an HTTP request or a file) after the trigger.",
      starts.map((node) => node.id),
    );
  }
  if (producers.length > 1) {
    throw new PlanError(
      `This flow takes records from more than one place: ${producers.map((node) => `“${node.label}”`).join(", ")}. ` +
        "A flow reads from one source: split it into one flow per source, or disable all but one.",
      producers.map((node) => node.id),
    );
  }
  const producer = producers[0]!;
  const producerPort = producer.definition.outputs[0];
  if (producerPort === undefined) {
    throw new PlanError(`Node “${producer.label}” brings records but has no output to send them on.`, [producer.id]);
  }

  for (const node of ordered) {
    if (node === producer || node.inputs.length === 0) continue;
    if (!node.implementation.execute) {
      throw new PlanError(
        `Node “${node.label}” (kind “${node.kind}”) receives records, but this Flowgate has no way to run that kind on records. Replace the node or disconnect it.`,
        [node.id],
      );
    }
  }

  const position = new Map(ordered.map((node, i) => [node.id, i]));
  const downstreamCache = new Map<string, string[]>();
  return {
    order: ordered,
    nodes: planned,
    producer,
    producerPort,
    destinations: ordered.filter((node) => node.isDestination),
    skipped,
    downstreamOf(nodeId) {
      let found = downstreamCache.get(nodeId);
      if (!found) {
        const behind = reachable([nodeId], { edges }, () => true);
        behind.delete(nodeId);
        found = [...behind].sort((a, b) => position.get(a)! - position.get(b)!);
        downstreamCache.set(nodeId, found);
      }
      return [...found];
    },
  };
}

function reachable(from: string[], flow: Pick<Flow, "edges">, enters: (nodeId: string) => boolean): Set<string> {
  const next = new Map<string, string[]>();
  for (const edge of flow.edges) {
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const seen = new Set(from);
  const pending = [...from];
  while (pending.length > 0) {
    for (const target of next.get(pending.pop()!) ?? []) {
      if (seen.has(target) || !enters(target)) continue;
      seen.add(target);
      pending.push(target);
    }
  }
  return seen;
}

/** A kind's output ports; kinds whose ports follow their config (filter.route) say so with outputsFor. */
function outputsOf(definition: NodeImplementation["definition"], node: FlowNode): readonly string[] {
  if (!definition.outputsFor) return definition.outputs;
  const config = definition.configSchema.safeParse(node.config);
  // An unparsable config is reported by the run's config check, with its field.
  return config.success ? definition.outputsFor(config.data) : definition.outputs;
}

function checkPorts(
  edge: PlannedEdge,
  nodes: ReadonlyMap<string, FlowNode>,
  implementations: ReadonlyMap<string, NodeImplementation<any, any>>,
): void {
  const source = nodes.get(edge.source)!;
  const target = nodes.get(edge.target)!;
  const sourceDefinition = implementations.get(source.id)!.definition;
  const targetDefinition = implementations.get(target.id)!.definition;
  const implicitError = edge.sourcePort === ERROR_PORT && sourceDefinition.inputs.length > 0;
  if (!outputsOf(sourceDefinition, source).includes(edge.sourcePort) && !implicitError) {
    throw new PlanError(
      `The connection from “${source.label}” to “${target.label}” leaves through output “${edge.sourcePort}”, which “${source.label}” does not have. Draw the connection again.`,
      [source.id],
    );
  }
  if (!targetDefinition.inputs.includes(edge.targetPort)) {
    throw new PlanError(
      `The connection from “${source.label}” to “${target.label}” enters through input “${edge.targetPort}”, which “${target.label}” does not have. Draw the connection again.`,
      [target.id],
    );
  }
}

/** Kahn's algorithm; among nodes ready at the same time, the one earlier in the document goes first. */
function topologicalOrder(nodes: FlowNode[], edges: readonly PlannedEdge[]): FlowNode[] {
  const indegree = new Map(nodes.map((node) => [node.id, 0]));
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    indegree.set(edge.target, indegree.get(edge.target)! + 1);
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const documentIndex = new Map(nodes.map((node, i) => [node.id, i]));
  const byId = new Map(nodes.map((node) => [node.id, node]));
  // The ready set is small (a flow holds at most 500 nodes); a sorted array keeps the order obvious.
  const ready = nodes.filter((node) => indegree.get(node.id) === 0).map((node) => node.id);
  const order: FlowNode[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => documentIndex.get(a)! - documentIndex.get(b)!);
    const id = ready.shift()!;
    order.push(byId.get(id)!);
    for (const target of next.get(id) ?? []) {
      const remaining = indegree.get(target)! - 1;
      indegree.set(target, remaining);
      if (remaining === 0) ready.push(target);
    }
  }
  if (order.length < nodes.length) {
    const looped = nodes.filter((node) => indegree.get(node.id)! > 0);
    throw new PlanError(
      `These nodes are in a loop or behind one: ${looped.map((node) => `“${node.label}”`).join(", ")}. Data must flow one way: delete the connection that leads back.`,
      looped.map((node) => node.id),
    );
  }
  return order;
}
