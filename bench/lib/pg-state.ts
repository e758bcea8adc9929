/**
 * A StatePort and CheckpointPort on PostgreSQL, as the runtime will have them: reads go to the table
 * (overlaid with what this batch staged), staged writes are stored by the checkpoint in one
 * transaction with the checkpoint row, and only then become committed. Memory holds one batch's
 * staged writes at most.
 */
import type { Checkpoint, CheckpointPort, Json, StagedStateWrites, StatePort, StateStore } from "@flowgate/engine";
import type pg from "pg";

const deleted: unique symbol = Symbol("deleted");
type Staged = Map<string, Json | typeof deleted>;

export async function createStateTables(pool: pg.Pool): Promise<void> {
  await pool.query(`create table if not exists bench_state (node_id text not null, key text not null, value jsonb not null, primary key (node_id, key));
    create table if not exists bench_checkpoint (run_id text primary key, batch_index int not null, cursor jsonb, counts jsonb not null, done boolean not null)`);
}

export class PostgresState implements StatePort, CheckpointPort {
  private staged = new Map<string, Staged>();
  /** Checkpoints saved, state rows written. */
  readonly stats = { checkpoints: 0, rowsWritten: 0, rowsRead: 0, keysLookedUp: 0 };

  constructor(private readonly pool: pg.Pool, private readonly runId: string) {}

  forNode(nodeId: string): StateStore {
    const staged = () => {
      let writes = this.staged.get(nodeId);
      if (!writes) this.staged.set(nodeId, (writes = new Map()));
      return writes;
    };
    return {
      get: async (keys) => {
        const found = new Map<string, Json>();
        const writes = this.staged.get(nodeId);
        const ask: string[] = [];
        for (const key of keys) {
          const value = writes?.get(key);
          if (value === undefined) ask.push(key);
          else if (value !== deleted) found.set(key, value);
        }
        this.stats.keysLookedUp += ask.length;
        if (ask.length > 0) {
          const { rows } = await this.pool.query<{ key: string; value: Json }>("select key, value from bench_state where node_id = $1 and key = any($2::text[])", [nodeId, ask]);
          this.stats.rowsRead += rows.length;
          for (const row of rows) found.set(row.key, row.value);
        }
        return found;
      },
      set: (entries) => {
        const writes = staged();
        for (const [key, value] of entries) writes.set(key, value);
      },
      delete: (keys) => {
        const writes = staged();
        for (const key of keys) writes.set(key, deleted);
      },
      keys: () => {
        const pool = this.pool;
        const writes = this.staged.get(nodeId) ?? new Map();
        return (async function* pages() {
          const seen = new Set<string>();
          for (let after = ""; ; ) {
            const { rows } = await pool.query<{ key: string }>("select key from bench_state where node_id = $1 and key > $2 order by key limit 1000", [nodeId, after]);
            if (rows.length === 0) break;
            after = rows.at(-1)!.key;
            const page = rows.map((r) => r.key).filter((k) => writes.get(k) !== deleted);
            for (const k of page) if (writes.has(k)) seen.add(k);
            if (page.length) yield page;
          }
          const added = [...writes.keys()].filter((k) => writes.get(k) !== deleted && !seen.has(k));
          for (let i = 0; i < added.length; i += 1000) yield added.slice(i, i + 1000);
        })();
      },
    };
  }

  pending(): StagedStateWrites {
    const out: StagedStateWrites = {};
    for (const [nodeId, writes] of this.staged) {
      if (writes.size === 0) continue;
      const node = { set: [] as [string, Json][], delete: [] as string[] };
      for (const [key, value] of writes) {
        if (value === deleted) node.delete.push(key);
        else node.set.push([key, value]);
      }
      out[nodeId] = node;
    }
    return out;
  }

  /** Stores the batch's state writes and the checkpoint row in one transaction. */
  async save(checkpoint: Checkpoint): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("begin");
      for (const [nodeId, writes] of Object.entries(checkpoint.state)) {
        if (writes.set.length > 0) {
          await client.query(
            `insert into bench_state (node_id, key, value) select $1, k, v::jsonb from unnest($2::text[], $3::text[]) as u(k, v)
             on conflict (node_id, key) do update set value = excluded.value`,
            [nodeId, writes.set.map(([k]) => k), writes.set.map(([, v]) => JSON.stringify(v))],
          );
          this.stats.rowsWritten += writes.set.length;
        }
        if (writes.delete.length > 0) await client.query("delete from bench_state where node_id = $1 and key = any($2::text[])", [nodeId, writes.delete]);
      }
      await client.query(
        `insert into bench_checkpoint (run_id, batch_index, cursor, counts, done) values ($1, $2, $3, $4, $5)
         on conflict (run_id) do update set batch_index = excluded.batch_index, cursor = excluded.cursor, counts = excluded.counts, done = excluded.done`,
        [this.runId, checkpoint.batchIndex, JSON.stringify(checkpoint.cursor ?? null), JSON.stringify(checkpoint.counts), checkpoint.done],
      );
      await client.query("commit");
      this.stats.checkpoints++;
    } catch (error) {
      await client.query("rollback").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  markCommitted(): void {
    this.staged = new Map();
  }

  discard(): void {
    this.staged = new Map();
  }
}
