import type { z } from "zod";
import { findCycles } from "./graph";
import { clause, plainIssueMessage } from "./issue-messages";
import type { KindRegistry, NodeKindDescriptor } from "./registry";
import { FlowSchema, type Flow, type FlowEdge, type FlowNode } from "./schema";

/**
 * The implicit output of every node that has inputs: records it could not process go there when its
 * error policy is "route". Kinds do not list it in their outputs.
 */
export const ERROR_PORT = "error";

export const FLOW_PROBLEM_CODES = [
  "schema",
  "duplicate_node_id",
  "duplicate_edge_id",
  "unknown_kind",
  "unsupported_kind_version",
  "invalid_config",
  "dangling_edge",
  "unknown_port",
  "trigger_has_input",
  "cycle",
  "no_trigger",
] as const;
export type FlowProblemCode = (typeof FLOW_PROBLEM_CODES)[number];

export type FlowPath = (string | number)[];

export interface FlowProblem {
  code: FlowProblemCode;
  /** Plain language for the person editing the flow: what is wrong, where, and what to do. */
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** For `cycle`: the nodes of the loop, in order. */
  nodeIds?: string[];
  /** Where in the document the problem is, e.g. `["nodes", 2, "config", "rows"]`. */
  path: FlowPath;
}

export type FlowValidation =
  | { ok: true; problems: FlowProblem[]; flow: Flow }
  | { ok: false; problems: FlowProblem[]; flow?: Flow };

/**
 * The one validator, run on save and before a run. Returns every problem found.
 *
 * The document must already be in the current schema version: pass stored documents through
 * `upgradeFlow` first. If the document does not match `FlowSchema`, only the `schema` problems are
 * returned, because the graph checks need well-formed nodes and edges to say anything true.
 */
export function validateFlow(doc: unknown, registry: KindRegistry): FlowValidation {
  const parsed = parseWithPlainMessages(FlowSchema, doc);
  if (!parsed.success) {
    return { ok: false, problems: parsed.issues.map((issue) => schemaProblem(doc, issue)) };
  }
  const flow = parsed.data;
  const problems = [
    ...nodeProblems(flow, registry),
    ...edgeProblems(flow, registry),
    ...cycleProblems(flow),
    ...triggerProblems(flow, registry),
  ];
  return problems.length === 0 ? { ok: true, problems, flow } : { ok: false, problems, flow };
}

interface ReadableIssue {
  path: FlowPath;
  message: string;
  /** True when the message is our own predicate ("is missing"), false for a sentence a schema's author wrote. */
  plain: boolean;
}

function parseWithPlainMessages<T>(
  schema: z.ZodType<T>,
  value: unknown,
): { success: true; data: T } | { success: false; issues: ReadableIssue[] } {
  const ours = new Set<string>();
  const result = schema.safeParse(value, {
    error: (issue) => {
      const message = plainIssueMessage(issue);
      if (typeof message === "string") ours.add(message);
      return message;
    },
  });
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment)),
      message: issue.message,
      plain: ours.has(issue.message),
    })),
  };
}

function sentence(subject: string, issue: ReadableIssue, advice: string): string {
  const what = clause(issue.message);
  return `${issue.plain ? `${subject} ${what}` : `${subject}: ${what}`}. ${advice}`;
}

function nodeName(node: FlowNode): string {
  return `“${node.label}”`;
}

function schemaProblem(doc: unknown, issue: ReadableIssue): FlowProblem {
  const [area, index, ...rest] = issue.path;
  const field = rest.join(".");
  if ((area === "nodes" || area === "edges") && typeof index === "number") {
    const raw = itemAt(doc, area, index);
    const id = typeof raw?.["id"] === "string" ? raw["id"] : undefined;
    if (area === "nodes") {
      const label = typeof raw?.["label"] === "string" && raw["label"] !== "" ? raw["label"] : undefined;
      const name = label ? `Node “${label}”` : id ? `The node with id “${id}”` : `Node number ${index + 1}`;
      const subject = field ? `${name}: the field “${field}”` : name;
      return {
        code: "schema",
        message: sentence(subject, issue, "Delete the node and add it again, or correct the flow file."),
        ...(id !== undefined && { nodeId: id }),
        path: issue.path,
      };
    }
    const name = id ? `The connection “${id}”` : `Connection number ${index + 1}`;
    const subject = field ? `${name}: the field “${field}”` : name;
    return {
      code: "schema",
      message: sentence(subject, issue, "Delete the connection and draw it again, or correct the flow file."),
      ...(id !== undefined && { edgeId: id }),
      path: issue.path,
    };
  }
  if (area === "settings" && rest.length === 0 && index !== undefined) {
    return {
      code: "schema",
      message: sentence(`The flow setting “${index}”`, issue, "Change it in the flow's settings."),
      path: issue.path,
    };
  }
  const where = issue.path.length > 0 ? `The flow document: the field “${issue.path.join(".")}”` : "The flow document";
  return {
    code: "schema",
    message: sentence(where, issue, "This is not a Flowgate flow, or the file is damaged; export it again from Flowgate."),
    path: issue.path,
  };
}

function itemAt(doc: unknown, area: "nodes" | "edges", index: number): Record<string, unknown> | undefined {
  if (typeof doc !== "object" || doc === null) return undefined;
  const list = (doc as Record<string, unknown>)[area];
  if (!Array.isArray(list)) return undefined;
  const item: unknown = list[index];
  return typeof item === "object" && item !== null ? (item as Record<string, unknown>) : undefined;
}

function nodeProblems(flow: Flow, registry: KindRegistry): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const firstWithId = new Map<string, FlowNode>();
  flow.nodes.forEach((node, i) => {
    const first = firstWithId.get(node.id);
    if (first) {
      problems.push({
        code: "duplicate_node_id",
        message:
          `Node ${nodeName(node)} has the id “${node.id}”, which node ${nodeName(first)} already uses. ` +
          "Each node needs its own id: delete one of them and add it again.",
        nodeId: node.id,
        path: ["nodes", i, "id"],
      });
    } else {
      firstWithId.set(node.id, node);
    }

    const kind = registry.get(node.kind);
    if (!kind) {
      problems.push({
        code: "unknown_kind",
        message: `Node ${nodeName(node)} uses kind “${node.kind}”, which this Flowgate does not know. Replace or delete the node.`,
        nodeId: node.id,
        path: ["nodes", i, "kind"],
      });
      return;
    }
    if (node.kindVersion > kind.version) {
      problems.push({
        code: "unsupported_kind_version",
        message:
          `Node ${nodeName(node)} was made with version ${node.kindVersion} of “${kind.label}”, ` +
          `but this Flowgate only knows up to version ${kind.version}. Update Flowgate, or replace the node.`,
        nodeId: node.id,
        path: ["nodes", i, "kindVersion"],
      });
      // The config was written for a schema we do not have; checking it against ours would only mislead.
      return;
    }
    const config = parseWithPlainMessages(kind.configSchema, node.config);
    if (config.success) return;
    for (const issue of config.issues) {
      const subject =
        issue.path.length > 0 ? `Node ${nodeName(node)}: the setting “${issue.path.join(".")}”` : `Node ${nodeName(node)}: the settings`;
      problems.push({
        code: "invalid_config",
        message: sentence(subject, issue, "Open the node and correct this setting."),
        nodeId: node.id,
        path: ["nodes", i, "config", ...issue.path],
      });
    }
  });
  return problems;
}

function edgeProblems(flow: Flow, registry: KindRegistry): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const nodes = firstNodeById(flow);
  const seen = new Set<string>();
  const outputsOf = nodeOutputs();
  const endName = (id: string) => {
    const node = nodes.get(id);
    return node ? nodeName(node) : `a node that is not in this flow (id “${id}”)`;
  };
  flow.edges.forEach((edge, i) => {
    const connection = `The connection from ${endName(edge.source)} to ${endName(edge.target)}`;
    if (seen.has(edge.id)) {
      problems.push({
        code: "duplicate_edge_id",
        message: `${connection} has the id “${edge.id}”, which another connection already uses. Delete it and draw it again.`,
        edgeId: edge.id,
        path: ["edges", i, "id"],
      });
    }
    seen.add(edge.id);

    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    for (const [end, node] of [
      ["source", source],
      ["target", target],
    ] as const) {
      if (node) continue;
      problems.push({
        code: "dangling_edge",
        message: `${connection} is broken: its ${end === "source" ? "start" : "end"} is missing. Delete the connection.`,
        edgeId: edge.id,
        path: ["edges", i, end],
      });
    }

    const sourceKind = source && registry.get(source.kind);
    const sourceOutputs = source && sourceKind && outputsOf(source, sourceKind);
    if (source && sourceKind && edge.sourcePort === ERROR_PORT && !sourceKind.outputs.includes(ERROR_PORT)) {
      // Every node that receives records has the implicit error output; a node with no inputs (a trigger) has none.
      if (sourceKind.inputs.length === 0) {
        problems.push({
          code: "unknown_port",
          message:
            `${connection} leaves through output “${ERROR_PORT}”, but ${nodeName(source)} receives no records, so it has no error output. ` +
            portAdvice("from", sourceKind.outputs),
          edgeId: edge.id,
          nodeId: source.id,
          path: ["edges", i, "sourcePort"],
        });
      }
    } else if (source && sourceKind && sourceOutputs && !sourceOutputs.includes(edge.sourcePort)) {
      problems.push({
        code: "unknown_port",
        message:
          `${connection} leaves through output “${edge.sourcePort}”, but ${nodeName(source)} ${listPorts("output", sourceOutputs)} ` +
          portAdvice("from", sourceOutputs),
        edgeId: edge.id,
        nodeId: source.id,
        path: ["edges", i, "sourcePort"],
      });
    }

    const targetKind = target && registry.get(target.kind);
    if (target && targetKind?.category === "trigger") {
      problems.push({
        code: "trigger_has_input",
        message:
          `${nodeName(target)} is a trigger: it starts the flow, so nothing can connect into it. ` +
          `Delete the connection from ${endName(edge.source)} to ${nodeName(target)}.`,
        edgeId: edge.id,
        nodeId: target.id,
        path: ["edges", i, "target"],
      });
    } else if (target && targetKind && !targetKind.inputs.includes(edge.targetPort)) {
      problems.push({
        code: "unknown_port",
        message:
          `${connection} enters through input “${edge.targetPort}”, but ${nodeName(target)} ${listPorts("input", targetKind.inputs)} ` +
          portAdvice("to", targetKind.inputs),
        edgeId: edge.id,
        nodeId: target.id,
        path: ["edges", i, "targetPort"],
      });
    }
  });
  return problems;
}

/**
 * A node's outputs: its kind's, or those its config defines (`outputsFor`). Undefined when they depend
 * on a config that does not parse: that is reported on the node, and its connections are not judged.
 */
function nodeOutputs(): (node: FlowNode, kind: NodeKindDescriptor) => readonly string[] | undefined {
  const byNode = new Map<FlowNode, readonly string[] | undefined>();
  return (node, kind) => {
    if (!kind.outputsFor) return kind.outputs;
    if (!byNode.has(node)) {
      const config = kind.configSchema.safeParse(node.config);
      byNode.set(node, config.success ? kind.outputsFor(config.data) : undefined);
    }
    return byNode.get(node);
  };
}

function listPorts(direction: "input" | "output", ports: readonly string[]): string {
  if (ports.length === 0) return `has no ${direction}s.`;
  if (ports.length === 1) return `only has the ${direction} “${ports[0]}”.`;
  return `only has the ${direction}s ${ports.map((p) => `“${p}”`).join(", ")}.`;
}

function portAdvice(direction: "from" | "to", ports: readonly string[]): string {
  if (ports.length === 0) return "Delete the connection.";
  if (ports.length === 1) return `Connect it ${direction} “${ports[0]}” instead.`;
  return `Connect it ${direction} one of those instead.`;
}

function cycleProblems(flow: Flow): FlowProblem[] {
  const nodes = firstNodeById(flow);
  return findCycles([...nodes.keys()], flow.edges).map((cycle) => {
    const names = cycle.nodeIds.map((id) => nodeName(nodes.get(id)!));
    const closing: FlowEdge = flow.edges[cycle.closingEdgeIndex]!;
    const message =
      names.length === 1
        ? `Node ${names[0]} is connected to itself. Data must flow one way: delete that connection.`
        : `These nodes feed into each other in a loop: ${names.join(" → ")} → back to ${names[0]}. ` +
          "Data must flow one way: delete one of these connections.";
    return {
      code: "cycle",
      message,
      nodeId: cycle.nodeIds[0]!,
      nodeIds: cycle.nodeIds,
      edgeId: closing.id,
      path: ["edges", cycle.closingEdgeIndex],
    };
  });
}

function triggerProblems(flow: Flow, registry: KindRegistry): FlowProblem[] {
  const triggers = flow.nodes.filter((node) => registry.get(node.kind)?.category === "trigger");
  if (triggers.some((node) => !node.disabled)) return [];
  const message =
    triggers.length === 0
      ? "This flow has no trigger, so nothing would ever start it. Add a trigger (such as a schedule or a webhook) and connect it to the first step."
      : triggers.length === 1
        ? `The flow's trigger ${nodeName(triggers[0]!)} is disabled, so nothing would start the flow. Enable it or add another trigger.`
        : `All of the flow's triggers (${triggers.map(nodeName).join(", ")}) are disabled, so nothing would start the flow. Enable one of them.`;
  return [{ code: "no_trigger", message, path: ["nodes"] }];
}

/** Nodes by id; with duplicate ids (reported separately) edges resolve to the first node. */
function firstNodeById(flow: Flow): Map<string, FlowNode> {
  const byId = new Map<string, FlowNode>();
  for (const node of flow.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  return byId;
}
