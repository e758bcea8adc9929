import type { Json, StateStore } from "../contract";
import type { StagedStateWrites, StatePort } from "../state";

const KEYS_PAGE = 1000;

/** Staged writes of one node: a value to set, or `deleted` to remove the key. */
const deleted: unique symbol = Symbol("deleted");
type Staged = Map<string, Json | typeof deleted>;

/**
 * The state port in memory, for tests (of the engine, the node kinds and the runtime). Same
 * behaviour as the PostgreSQL one: reads see staged writes; staged writes become committed only on
 * `markCommitted()`.
 */
export class MemoryState implements StatePort {
  private readonly committedByNode = new Map<string, Map<string, Json>>();
  private stagedByNode = new Map<string, Staged>();
  /** How many times `markCommitted` was called with something staged. */
  commits = 0;

  constructor(initial: Record<string, Record<string, Json>> = {}) {
    for (const [nodeId, entries] of Object.entries(initial)) {
      this.committedByNode.set(nodeId, new Map(Object.entries(entries)));
    }
  }

  forNode(nodeId: string): StateStore {
    const committed = () => this.committedByNode.get(nodeId) ?? new Map<string, Json>();
    const staged = (): Staged => {
      let writes = this.stagedByNode.get(nodeId);
      if (!writes) this.stagedByNode.set(nodeId, (writes = new Map()));
      return writes;
    };
    return {
      get: async (keys) => {
        const found = new Map<string, Json>();
        const writes = this.stagedByNode.get(nodeId);
        const stored = committed();
        for (const key of keys) {
          const value = writes?.has(key) ? writes.get(key)! : stored.get(key);
          if (value !== undefined && value !== deleted) found.set(key, structuredClone(value));
        }
        return found;
      },
      set: (entries) => {
        const writes = staged();
        for (const [key, value] of entries) writes.set(key, structuredClone(value));
      },
      delete: (keys) => {
        const writes = staged();
        for (const key of keys) writes.set(key, deleted);
      },
      keys: () => {
        const stored = committed();
        const writes = this.stagedByNode.get(nodeId) ?? new Map();
        const all = new Set(stored.keys());
        for (const [key, value] of writes) {
          if (value === deleted) all.delete(key);
          else all.add(key);
        }
        const list = [...all];
        return (async function* pages() {
          for (let i = 0; i < list.length; i += KEYS_PAGE) yield list.slice(i, i + KEYS_PAGE);
        })();
      },
    };
  }

  pending(): StagedStateWrites {
    const writes: StagedStateWrites = {};
    for (const [nodeId, staged] of this.stagedByNode) {
      if (staged.size === 0) continue;
      const node = { set: [] as [string, Json][], delete: [] as string[] };
      for (const [key, value] of staged) {
        if (value === deleted) node.delete.push(key);
        else node.set.push([key, structuredClone(value)]);
      }
      writes[nodeId] = node;
    }
    return writes;
  }

  markCommitted(): void {
    if (this.stagedByNode.size > 0) this.commits += 1;
    for (const [nodeId, staged] of this.stagedByNode) {
      let stored = this.committedByNode.get(nodeId);
      if (!stored) this.committedByNode.set(nodeId, (stored = new Map()));
      for (const [key, value] of staged) {
        if (value === deleted) stored.delete(key);
        else stored.set(key, value);
      }
    }
    this.stagedByNode = new Map();
  }

  discard(): void {
    this.stagedByNode = new Map();
  }

  /** The committed state of a node, as a plain object (for assertions). */
  committed(nodeId: string): Record<string, Json> {
    return Object.fromEntries(this.committedByNode.get(nodeId) ?? []);
  }
}

export function createMemoryState(initial?: Record<string, Record<string, Json>>): MemoryState {
  return new MemoryState(initial);
}
