import type { NodeDefinition } from "@flowgate/engine";
import { ERROR_PORT, NODE_CATEGORIES, type FlowEdge, type FlowNode, type NodeCategory } from "@flowgate/flow";
import { kindRegistry, nodeDefinitions } from "@flowgate/nodes/definitions";

/*
 * What the canvas and the palette need to know about node kinds: families in palette order, the
 * defaults a new node starts with, and the ports a node shows as handles.
 */

/** The drag-and-drop type that carries a kind id from the palette to the canvas. */
export const KIND_MIME = "application/x-flowgate-kind";

export const definitions: readonly NodeDefinition[] = nodeDefinitions;

export function definitionOf(kindId: string): NodeDefinition | undefined {
  return kindRegistry.get(kindId) as NodeDefinition | undefined;
}

export const FAMILY_LABELS: Record<NodeCategory, string> = {
  trigger: "Triggers",
  source: "Sources",
  transform: "Transform",
  filter: "Filter",
  approval: "Approval",
  destination: "Destinations",
};

export interface PaletteGroup {
  category: NodeCategory;
  label: string;
  kinds: readonly NodeDefinition[];
}

/**
 * The palette's families in order, each with the kinds whose label or description holds every word
 * of the query. An empty family is left out, except Approval without a query: it is announced as
 * coming soon rather than silently missing.
 */
export function paletteGroups(kinds: readonly NodeDefinition[], query: string): PaletteGroup[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (kind: NodeDefinition) => {
    const text = `${kind.label} ${kind.description}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
  return NODE_CATEGORIES.flatMap((category) => {
    const inFamily = kinds.filter((kind) => kind.category === category && matches(kind));
    const keepEmpty = category === "approval" && words.length === 0;
    return inFamily.length > 0 || keepEmpty ? [{ category, label: FAMILY_LABELS[category], kinds: inFamily }] : [];
  });
}

/**
 * A new node's config: the schema's defaults when `{}` passes it. A kind whose settings come in
 * variants (a discriminated union on `mode`) starts in its first variant, so the inspector shows that
 * variant's fields and the problem says what is missing ("needs at least one rule") rather than
 * that the variant is unknown. Otherwise empty: the inspector shows what is missing.
 */
export function defaultConfig(kind: Pick<NodeDefinition, "configSchema">): Record<string, unknown> {
  const candidate = firstVariant(kind.configSchema) ?? {};
  const parsed = kind.configSchema.safeParse(candidate);
  return parsed.success && typeof parsed.data === "object" && parsed.data !== null ? (parsed.data as Record<string, unknown>) : candidate;
}

interface UnionInternals {
  _zod: { def: { type: string; discriminator?: string; options?: { _zod: { propValues?: Record<string, Set<unknown>> } }[] } };
}

function firstVariant(schema: unknown): Record<string, unknown> | undefined {
  const def = (schema as UnionInternals)._zod?.def;
  if (def?.type !== "union" || !def.discriminator || !def.options?.length) return undefined;
  const values = def.options[0]!._zod.propValues?.[def.discriminator];
  const first = values ? [...values][0] : undefined;
  return first === undefined ? undefined : { [def.discriminator]: first };
}

export interface NodePorts {
  inputs: readonly string[];
  /** The kind's outputs for this node's config (routes of a router), without the error port. */
  outputs: readonly string[];
  /** Every node that receives records has the implicit error output. */
  errorPort: boolean;
  /**
   * Ports that connections of this node use but the node does not have (a route renamed, an unknown
   * kind). They get handles too, so the connection stays visible and can be deleted.
   */
  strayInputs: readonly string[];
  strayOutputs: readonly string[];
}

/** The outputs a node of this kind has with this config; the kind's static outputs while the config does not parse. */
export function outputsOf(node: Pick<FlowNode, "config">, kind: NodeDefinition): readonly string[] {
  if (!kind.outputsFor) return kind.outputs;
  const parsed = kind.configSchema.safeParse(node.config);
  return parsed.success ? kind.outputsFor(parsed.data) : kind.outputs;
}

export function portsOf(node: FlowNode, kind: NodeDefinition | undefined, edges: readonly Pick<FlowEdge, "source" | "sourcePort" | "target" | "targetPort">[]): NodePorts {
  const inputs = kind?.inputs ?? [];
  const outputs = kind ? outputsOf(node, kind).filter((port) => port !== ERROR_PORT) : [];
  const errorPort = inputs.length > 0;
  const strayInputs = new Set<string>();
  const strayOutputs = new Set<string>();
  for (const edge of edges) {
    if (edge.target === node.id && !inputs.includes(edge.targetPort)) strayInputs.add(edge.targetPort);
    if (edge.source === node.id && !outputs.includes(edge.sourcePort) && !(errorPort && edge.sourcePort === ERROR_PORT)) {
      strayOutputs.add(edge.sourcePort);
    }
  }
  return { inputs, outputs, errorPort, strayInputs: [...strayInputs], strayOutputs: [...strayOutputs] };
}

/** True when two port lists describe the same handles: a node keeps its handles' measurements until they change. */
export function samePorts(a: NodePorts, b: NodePorts): boolean {
  const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((port, i) => port === y[i]);
  return (
    a.errorPort === b.errorPort &&
    same(a.inputs, b.inputs) &&
    same(a.outputs, b.outputs) &&
    same(a.strayInputs, b.strayInputs) &&
    same(a.strayOutputs, b.strayOutputs)
  );
}

/** "HTTP source", or "HTTP source 2" when the flow already has one: connections and lists stay readable. */
export function freshLabel(existing: readonly Pick<FlowNode, "label">[], base: string): string {
  const taken = new Set(existing.map((node) => node.label));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base} ${n}`)) return `${base} ${n}`;
}
