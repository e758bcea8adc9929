import { readTable, type TableCursor } from "@flowgate/connectors/postgres";
import type { Json, NodeContext, NodeImplementation, ReadOptions, SourceBatch } from "@flowgate/engine";
import { createHash } from "node:crypto";
import type { NodeServices } from "../services";
import { postgresPool } from "../shared/postgres-connection";
import { sourcePostgresDefinition, type SourcePostgresConfig } from "./definition";

type Ctx = NodeContext<SourcePostgresConfig, NodeServices>;

/** The state key of an incremental read's bookmark. */
export const CURSOR_STATE_KEY = "cursor";

/**
 * Where the last run stopped, kept in the node's state. It remembers what it was a position in,
 * so that changing the table, query, cursor or key columns starts a full read instead of
 * comparing values of the wrong columns.
 */
interface Bookmark {
  source: string;
  cursorColumn: string;
  keyColumns: string[];
  after: TableCursor;
}

/**
 * Reads a table or a read-only query with keyset paging; each batch's cursor is the last row's
 * position (cursor column and keys), from which a resumed run goes on.
 *
 * Incremental (with a cursor column): the position after each batch is staged in the node's state
 * and becomes durable with the engine's checkpoint, i.e. only once that batch went through the
 * whole graph. The next run starts after it and reads only rows whose cursor column moved on.
 */
export const sourcePostgres: NodeImplementation<SourcePostgresConfig, NodeServices> = {
  definition: sourcePostgresDefinition,
  read: (ctx, options) => readRows(ctx, options),
};

async function* readRows(ctx: Ctx, options: ReadOptions): AsyncGenerator<SourceBatch> {
  const config = ctx.config;
  const pool = await postgresPool(ctx.services, config.connectionId);
  const source = sourceId(config);
  const after = options.cursor !== undefined && options.cursor !== null ? asTableCursor(options.cursor, config) : await lastRun(ctx, source);

  const batches = readTable(pool, {
    ...(config.table !== undefined ? { table: config.table } : { query: config.query! }),
    ...(config.columns && { columns: config.columns }),
    ...(config.cursorColumn && { cursorColumn: config.cursorColumn }),
    keyColumns: config.keyColumns,
    ...(after && { after }),
    batchSize: options.batchSize,
    ...(options.limit !== undefined && { limit: options.limit }),
  });
  for await (const batch of batches) {
    if (config.cursorColumn) {
      const bookmark: Bookmark = { source, cursorColumn: config.cursorColumn, keyColumns: config.keyColumns, after: batch.cursor };
      // Staged: committed with this batch's checkpoint, after the batch went through the graph.
      ctx.state.set([[CURSOR_STATE_KEY, bookmark as unknown as Json]]);
    }
    yield { records: batch.records, cursor: batch.cursor as unknown as Json };
  }
}

/** The position the last successful run of an incremental read reached, if it still applies. */
async function lastRun(ctx: Ctx, source: string): Promise<TableCursor | undefined> {
  const config = ctx.config;
  if (!config.cursorColumn) return undefined;
  const stored = (await ctx.state.get([CURSOR_STATE_KEY])).get(CURSOR_STATE_KEY) as Bookmark | undefined;
  if (!stored) return undefined;
  const same =
    stored.source === source &&
    stored.cursorColumn === config.cursorColumn &&
    JSON.stringify(stored.keyColumns) === JSON.stringify(config.keyColumns);
  if (!same) {
    ctx.log("warn", "The table, query, cursor or key columns changed since the last run, so every row is read again this time.", {
      was: { source: stored.source, cursorColumn: stored.cursorColumn, keyColumns: stored.keyColumns },
    });
    return undefined;
  }
  ctx.log("info", `Reading rows after ${config.cursorColumn} = ${stored.after.cursor ?? "null"} (where the last run stopped).`);
  return stored.after;
}

function asTableCursor(cursor: Json, config: SourcePostgresConfig): TableCursor {
  const value = cursor as Partial<TableCursor> | null;
  if (
    typeof value !== "object" ||
    value === null ||
    !Array.isArray(value.key) ||
    value.key.length !== config.keyColumns.length ||
    (config.cursorColumn !== undefined && !("cursor" in value))
  ) {
    throw new Error(`The saved position ${JSON.stringify(cursor)} does not fit this step's key and cursor columns. Start the run again.`);
  }
  return value as TableCursor;
}

function sourceId(config: SourcePostgresConfig): string {
  if (config.table !== undefined) return `table:${config.table}`;
  return `query:${createHash("sha256").update(config.query!).digest("hex").slice(0, 16)}`;
}
