import type { Database } from "@flowgate/db";
import type { Json, StagedStateWrites, StatePort, StateStore } from "@flowgate/engine";
import { sql } from "drizzle-orm";

const KEYS_PAGE = 1000;
const deleted: unique symbol = Symbol("deleted");
type Staged = Map<string, Json | typeof deleted>;

/**
 * The engine's state port over `sync_state`, for one flow. Reads see the committed rows overlaid
 * with what this run staged; staged writes reach the table only through `writeCheckpoint`, in the
 * checkpoint's transaction, so a batch that did not go all the way through changes nothing.
 */
export class PostgresStatePort implements StatePort {
  private staged = new Map<string, Staged>();

  constructor(
    private readonly db: Pick<Database, "execute">,
    private readonly flowId: string,
  ) {}

  forNode(nodeId: string): StateStore {
    const stagedFor = (): Staged => {
      let writes = this.staged.get(nodeId);
      if (!writes) this.staged.set(nodeId, (writes = new Map()));
      return writes;
    };
    return {
      get: async (keys) => {
        const found = new Map<string, Json>();
        const writes = this.staged.get(nodeId);
        const unstaged = writes ? keys.filter((key) => !writes.has(key)) : [...keys];
        if (unstaged.length > 0) {
          // `= any(array(…))`, not `in (select …)`: with the table's statistics stale in the middle of a
          // run, the planner hashes every row of the node for the semi-join (50 ms a batch at 60,000
          // keys, growing with the state); an array of keys makes it probe the primary key, ~4 ms.
          const result = await this.db.execute<{ key: string; value: Json }>(
            sql`select key, value from sync_state
                where flow_id = ${this.flowId} and node_id = ${nodeId}
                  and key = any(array(select jsonb_array_elements_text(${JSON.stringify(unstaged)}::jsonb)))`,
          );
          for (const row of result.rows) found.set(row.key, row.value);
        }
        if (writes) {
          for (const key of keys) {
            const value = writes.get(key);
            if (value !== undefined && value !== deleted) found.set(key, structuredClone(value));
          }
        }
        return found;
      },
      set: (entries) => {
        const writes = stagedFor();
        for (const [key, value] of entries) writes.set(key, structuredClone(value));
      },
      delete: (keys) => {
        const writes = stagedFor();
        for (const key of keys) writes.set(key, deleted);
      },
      keys: () => this.keys(nodeId),
    };
  }

  /** Committed keys in pages (keyset paging), minus those staged; then the keys staged as set. */
  private async *keys(nodeId: string): AsyncGenerator<string[]> {
    const writes = new Map(this.staged.get(nodeId) ?? []);
    let after = "";
    let first = true;
    while (true) {
      const result = await this.db.execute<{ key: string }>(
        sql`select key from sync_state
            where flow_id = ${this.flowId} and node_id = ${nodeId} and (${first} or key > ${after})
            order by key limit ${KEYS_PAGE}`,
      );
      const keys = result.rows.map((row) => row.key);
      if (keys.length === 0) break;
      after = keys[keys.length - 1]!;
      first = false;
      const page = keys.filter((key) => !writes.has(key));
      if (page.length > 0) yield page;
      if (keys.length < KEYS_PAGE) break;
    }
    const added = [...writes].filter(([, value]) => value !== deleted).map(([key]) => key);
    for (let i = 0; i < added.length; i += KEYS_PAGE) yield added.slice(i, i + KEYS_PAGE);
  }

  pending(): StagedStateWrites {
    const writes: StagedStateWrites = {};
    for (const [nodeId, staged] of this.staged) {
      if (staged.size === 0) continue;
      const node = { set: [] as [string, Json][], delete: [] as string[] };
      for (const [key, value] of staged) {
        if (value === deleted) node.delete.push(key);
        else node.set.push([key, value]);
      }
      writes[nodeId] = node;
    }
    return writes;
  }

  markCommitted(): void {
    this.staged = new Map();
  }

  discard(): void {
    this.staged = new Map();
  }
}
