import type { z } from "zod";
import { KindIdSchema } from "./schema";

export const NODE_CATEGORIES = ["trigger", "source", "transform", "filter", "approval", "destination"] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/**
 * What the validator needs to know about a node kind. The kinds themselves live in `packages/nodes`;
 * their definitions carry more (description, icon, connection) and are structurally assignable to this.
 */
export interface NodeKindDescriptor {
  readonly id: string;
  readonly version: number;
  readonly label: string;
  readonly category: NodeCategory;
  readonly configSchema: z.ZodType;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /**
   * For a kind whose outputs depend on its settings (e.g. `filter.route`: one output per named route,
   * plus `else`): the outputs of a node with this config, already parsed by `configSchema`. When
   * present it replaces `outputs` for port checks; `outputs` still lists what every such node has.
   */
  outputsFor?(config: any): readonly string[];
}

export interface KindRegistry {
  get(kindId: string): NodeKindDescriptor | undefined;
}

export interface ListableKindRegistry extends KindRegistry {
  list(): readonly NodeKindDescriptor[];
}

/** Builds a registry from an explicit list; a duplicate or malformed kind id is a programming error, so it throws. */
export function createKindRegistry(descriptors: readonly NodeKindDescriptor[]): ListableKindRegistry {
  const byId = new Map<string, NodeKindDescriptor>();
  for (const descriptor of descriptors) {
    if (!KindIdSchema.safeParse(descriptor.id).success) {
      throw new Error(
        `Node kind id “${descriptor.id}” (label “${descriptor.label}”) is not a namespaced id such as “source.http”.`,
      );
    }
    const existing = byId.get(descriptor.id);
    if (existing) {
      throw new Error(
        `Two node kinds use the id “${descriptor.id}” (labels “${existing.label}” and “${descriptor.label}”). ` +
          "Each kind needs its own id: rename one of them or remove the duplicate from the registry list.",
      );
    }
    byId.set(descriptor.id, descriptor);
  }
  const list = [...byId.values()];
  return {
    get: (kindId) => byId.get(kindId),
    list: () => list,
  };
}
