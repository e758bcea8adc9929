import { TableWriter, type WriteOptions, type WriteOutcome } from "@flowgate/connectors/postgres";
import type { FlowRecord, NodeContext, NodeImplementation, PlannedWrite, RecordError, RecordWrite } from "@flowgate/engine";
import type { NodeServices } from "../services";
import { postgresPool } from "../shared/postgres-connection";
import { destinationPostgresDefinition, type DestinationPostgresConfig } from "./definition";

type Ctx = NodeContext<DestinationPostgresConfig, NodeServices>;

/** The table, introspected once per run (per parsed config), and what the run did to it so far. */
interface Writers {
  write: TableWriter;
  /** Only with `deleteOnDelete`. */
  delete?: TableWriter;
  counts: Record<WriteOutcome, number>;
  /** Records marked deleted that were not deleted because `deleteOnDelete` is off. */
  ignoredDeletes: number;
}

/** The writer's outcomes as the engine's write operations (lineage). */
const OPERATIONS = { created: "create", updated: "update", unchanged: "unchanged", deleted: "delete" } as const satisfies Record<
  Exclude<WriteOutcome, "error">,
  RecordWrite["op"]
>;

/** The engine gives each run its own parsed config object: one set of writers per run and node. */
const writersByConfig = new WeakMap<object, Promise<Writers>>();

/**
 * Upserts (or inserts) each batch in one transaction; with `deleteOnDelete`, records that change
 * detection marked as deleted (`_change.op` "delete", as transform.changes writes it; "deleted" is
 * accepted too) delete their row instead.
 * A record PostgreSQL refuses (a bad value, a constraint) is a per-record error with its key; a
 * missing table or column fails the node, naming it, since every record would fail the same way.
 */
export const destinationPostgres: NodeImplementation<DestinationPostgresConfig, NodeServices> = {
  definition: destinationPostgresDefinition,

  async execute(ctx, batch) {
    const writers = await writersFor(ctx);
    const { writes, deletes, ignored } = split(ctx.config, batch);
    writers.ignoredDeletes += ignored;
    const errors: RecordError[] = [];
    const written: RecordWrite[] = [];
    for (const [writer, part] of [
      [writers.write, writes],
      [writers.delete, deletes],
    ] as const) {
      if (!writer || part.length === 0) continue;
      const result = await writer.write(part.map((item) => item.record));
      for (const outcome of result.results) {
        writers.counts[outcome.outcome] += 1;
        const index = part[outcome.index]!.index;
        if (outcome.outcome !== "error") {
          written.push({ index, key: outcome.key, op: OPERATIONS[outcome.outcome] });
          continue;
        }
        errors.push({
          index,
          message: refusal(writer.table.display, outcome.error),
          ...(outcome.key !== "" && { key: outcome.key }),
        });
      }
    }
    errors.sort((a, b) => a.index - b.index);
    written.sort((a, b) => a.index - b.index);
    return { ports: {}, ...(errors.length > 0 && { errors }), writes: written };
  },

  async plan(ctx, batch) {
    const writers = await writersFor(ctx);
    const { writes, deletes } = split(ctx.config, batch);
    const planned: PlannedWrite[] = [];
    for (const [writer, part] of [
      [writers.write, writes],
      [writers.delete, deletes],
    ] as const) {
      if (!writer || part.length === 0) continue;
      for (const entry of await writer.plan(part.map((item) => item.record))) {
        if (entry.op === "unchanged") continue;
        planned.push({
          op: entry.op,
          key: entry.key,
          ...(entry.before !== undefined && { before: entry.before }),
          ...(entry.after !== undefined && { after: entry.after }),
        });
      }
    }
    return planned;
  },

  async finish(ctx) {
    const pending = writersByConfig.get(ctx.config);
    if (!pending) return;
    writersByConfig.delete(ctx.config);
    const writers = await pending;
    const { created, updated, unchanged, deleted, error } = writers.counts;
    ctx.log(
      "info",
      `${writers.write.table.display}: ${created} created, ${updated} updated, ${unchanged} unchanged, ${deleted} deleted, ${error} refused.`,
      { table: writers.write.table.display, ...writers.counts },
    );
    if (writers.ignoredDeletes > 0) {
      ctx.log(
        "info",
        `${writers.ignoredDeletes} deleted ${writers.ignoredDeletes === 1 ? "record was" : "records were"} left alone: turn on “delete rows of deleted records” to delete them.`,
      );
    }
  },
};

function writersFor(ctx: Ctx): Promise<Writers> {
  let pending = writersByConfig.get(ctx.config);
  if (!pending) {
    pending = openWriters(ctx);
    writersByConfig.set(ctx.config, pending);
  }
  return pending;
}

async function openWriters(ctx: Ctx): Promise<Writers> {
  const config = ctx.config;
  const pool = await postgresPool(ctx.services, config.connectionId);
  const options: WriteOptions = {
    table: config.table,
    keyColumns: config.keyColumns,
    mode: config.mode,
    ...(config.columns !== "auto" && { columns: Object.fromEntries(config.columns.map((m) => [m.column, m.field])) }),
  };
  const write = await TableWriter.open(pool, options);
  const del = config.deleteOnDelete ? await TableWriter.open(pool, { ...options, mode: "delete" }) : undefined;
  return {
    write,
    ...(del && { delete: del }),
    counts: { created: 0, updated: 0, unchanged: 0, deleted: 0, error: 0 },
    ignoredDeletes: 0,
  };
}

interface Indexed {
  index: number;
  record: FlowRecord;
}

/** Records to write and records to delete, each with its index in the batch. */
function split(config: DestinationPostgresConfig, batch: FlowRecord[]): { writes: Indexed[]; deletes: Indexed[]; ignored: number } {
  const writes: Indexed[] = [];
  const deletes: Indexed[] = [];
  let ignored = 0;
  batch.forEach((record, index) => {
    if (!isDeleted(record)) writes.push({ index, record });
    else if (config.deleteOnDelete) deletes.push({ index, record });
    // A deleted record's fields are its last known values: writing them would bring the row back.
    else ignored += 1;
  });
  return { writes, deletes, ignored };
}

/** A record PostgreSQL refused, in its words, said so that a person knows where to look. */
function refusal(table: string, error: string | undefined): string {
  // The writer's own message for a record without a key says it all.
  if (error?.startsWith("The record")) return error;
  return `The table “${table}” refused this record: ${(error ?? "no reason given").replace(/\.$/, "")}. Check its values against the column types.`;
}

function isDeleted(record: FlowRecord): boolean {
  const change = record._change;
  if (typeof change !== "object" || change === null) return false;
  const op = (change as { op?: unknown }).op;
  return op === "deleted" || op === "delete";
}
