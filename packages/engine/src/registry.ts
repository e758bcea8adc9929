import type { ImplementationRegistry, NodeImplementation } from "./contract";

export interface ListableImplementationRegistry extends ImplementationRegistry {
  list(): readonly NodeImplementation<any, any>[];
}

/** Builds the engine's registry from an explicit list; two implementations of one kind id is a programming error, so it throws. */
export function createImplementationRegistry(
  implementations: readonly NodeImplementation<any, any>[],
): ListableImplementationRegistry {
  const byId = new Map<string, NodeImplementation<any, any>>();
  for (const implementation of implementations) {
    const id = implementation.definition.id;
    const existing = byId.get(id);
    if (existing) {
      throw new Error(
        `Two node implementations use the kind id “${id}” (labels “${existing.definition.label}” and “${implementation.definition.label}”). Remove one from the list.`,
      );
    }
    byId.set(id, implementation);
  }
  const list = [...byId.values()];
  return { get: (kindId) => byId.get(kindId), list: () => list };
}
