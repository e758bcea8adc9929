import type { TemplateConnection, TemplateContent, TemplateParameter } from "@flowgate/db";

/** The categories the gallery groups templates by (the router's enum repeats them for the API). */
export type TemplateCategory = "products" | "orders" | "files" | "databases" | "other";

/** A template that ships with Flowgate: code in this folder, never a database row; its id starts with `builtin.`. */
export interface BuiltinTemplate extends TemplateContent {
  id: `builtin.${string}`;
  title: string;
  /** The job in plain words, for someone who has never built an integration. */
  description: string;
  category: TemplateCategory;
  tags: string[];
  /** Bumped when the template changes; flows installed earlier keep what they got. */
  version: number;
  /** When this version was written (ISO date), shown as “updated”. */
  updatedAt: string;
}

interface StepInput {
  id: string;
  kind: string;
  label: string;
  config: Record<string, unknown>;
}

/**
 * A flow document of steps in a row, left to right, each joined to the next (through `ports[id]`
 * where a step's output is not “out”, e.g. an approval's “approved”).
 */
export function chainDocument(steps: StepInput[], options: { ports?: Record<string, string>; timezone?: string } = {}): Record<string, unknown> {
  const nodes = steps.map((step, i) => ({ ...step, kindVersion: 1, position: { x: i * 260, y: 0 } }));
  const edges = steps.slice(1).map((step, i) => {
    const source = steps[i]!.id;
    return { id: `${source}-${step.id}`, source, sourcePort: options.ports?.[source] ?? "out", target: step.id, targetPort: "in" };
  });
  return { schemaVersion: 1, nodes, edges, settings: { batchSize: 1000, maxConcurrentRuns: 1, timezone: options.timezone ?? "UTC", errorPolicy: "fail" } };
}

export const connection = (ref: string, kind: "http" | "postgres", name: string, description: string): TemplateConnection => ({ ref, kind, name, description });

export const parameter = (input: Omit<TemplateParameter, "default" | "required"> & Partial<Pick<TemplateParameter, "default" | "required">>): TemplateParameter => ({
  required: true,
  default: null,
  ...input,
});

/** The shop table's name, a parameter of every template that reads or writes it. */
export const tableParameter = (nodeId: string, label = "Table", description = "The table, with its schema, e.g. shop.products."): TemplateParameter =>
  parameter({ key: "table", label, description, type: "text", default: "shop.products", targets: [{ nodeId, path: ["table"] }] });
