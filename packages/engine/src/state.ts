import type { Json, StateStore } from "./contract";

/**
 * The writes one or more batches staged, per node id, not yet durable. Plain JSON (pairs rather than
 * an object keyed by the state key, so any key string is safe), so the runtime can store it in the
 * checkpoint's transaction.
 */
export interface StagedStateWrites {
  [nodeId: string]: { set: [key: string, value: Json][]; delete: string[] };
}

/**
 * Where nodes keep state that outlives a run. The engine stages a batch's writes, hands them to the
 * checkpoint with `pending()`, and calls `markCommitted()` once the checkpoint is saved; on failure it
 * calls `discard()`, so a batch that did not go all the way through the graph changes no state.
 *
 * Reads through `forNode(id)` see that node's staged writes (a key set in batch 3 is found in batch 4
 * of the same run, before or after the checkpoint).
 */
export interface StatePort {
  forNode(nodeId: string): StateStore;
  /** Everything staged since the last `markCommitted()` or `discard()`. */
  pending(): StagedStateWrites;
  /** The caller stored `pending()` durably: it is now the committed state; nothing is staged. */
  markCommitted(): void;
  /** Forget everything staged since the last commit. */
  discard(): void;
}

/** True when nothing is staged. */
export function isEmptyStaged(writes: StagedStateWrites): boolean {
  return Object.values(writes).every((node) => node.set.length === 0 && node.delete.length === 0);
}
