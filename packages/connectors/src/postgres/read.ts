import type pg from "pg";
import { describePgError, PostgresConnectorError } from "./errors";
import { quoteIdent, quoteTable, type TableName } from "./identifiers";
import { describeTable, requireColumns } from "./introspect";

/**
 * Where a read stopped: the last row's cursor column and key columns, as PostgreSQL's text form
 * of each value (exact to the microsecond for timestamps, unlike a JS Date). JSON, so the engine
 * can checkpoint it.
 */
export interface TableCursor {
  cursor?: string | null;
  key: (string | null)[];
}

export interface ReadTableOptions {
  /** A table (`shop.products`), or… */
  table?: string | TableName;
  /** …a query, run in a READ ONLY transaction; it must return the key (and cursor) columns. */
  query?: string;
  /** Columns to read from the table (default all). */
  columns?: string[];
  /** Read incrementally by this column (e.g. `updated_at`): rows after `after` in its order. */
  cursorColumn?: string;
  /** Columns that identify a row (e.g. `sku`); they break ties in the cursor and page the read. */
  keyColumns: string[];
  /** Resume after this position (a previous batch's cursor or the last run's). */
  after?: TableCursor;
  /** Rows per batch (default 1,000). */
  batchSize?: number;
  /** Stop after this many rows (dry runs, previews). */
  limit?: number;
  /** Per page; default 60 s. */
  statementTimeoutMs?: number;
}

export interface TableBatch {
  records: Record<string, unknown>[];
  /** Resume after this batch with `after: cursor`. */
  cursor: TableCursor;
}

const HIDDEN = "__flowgate_";

/**
 * Reads a table or a query in batches with keyset paging:
 * `WHERE (cursor, key…) > ($1, $2…) ORDER BY cursor, key… LIMIT n`. Each page runs in its own
 * short READ ONLY transaction, so a slow flow never holds a transaction open between pages.
 *
 * Incremental reads see rows whose cursor column moved past the last position; the column must
 * increase with every change (set by the application or a trigger). Rows where it is NULL are
 * never read. Timestamps become ISO strings in the records; numeric and bigint stay strings.
 */
export async function* readTable(pool: pg.Pool, options: ReadTableOptions): AsyncGenerator<TableBatch> {
  if ((options.table === undefined) === (options.query === undefined)) {
    throw new PostgresConnectorError("Give either a table or a query to read, not both.");
  }
  if (options.keyColumns.length === 0) {
    throw new PostgresConnectorError("Name the key column(s) that identify a row (for example sku): reads are paged by them.");
  }
  const order = [...(options.cursorColumn ? [options.cursorColumn] : []), ...options.keyColumns];
  let from: string;
  let select = "q.*";
  if (options.table !== undefined) {
    const info = await describeTable(pool, options.table);
    requireColumns(info, order, "Check the key and cursor columns.");
    if (options.columns) {
      requireColumns(info, options.columns, "Check the columns to read.");
      select = options.columns.map((c) => `q.${quoteIdent(c)}`).join(", ");
    }
    from = quoteTable({ schema: info.schema, name: info.name });
  } else {
    const query = options.query!.trim().replace(/;\s*$/, "");
    from = `(${query}\n)`;
  }
  const hidden = order.map((_, i) => `${HIDDEN}${i}`);
  const ordered = order.map((c) => `q.${quoteIdent(c)}`);
  const textColumns = ordered.map((c, i) => `${c}::text as ${quoteIdent(hidden[i]!)}`).join(", ");
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000));
  const timeout = Math.max(1, Math.floor(options.statementTimeoutMs ?? 60_000));

  let position: (string | null)[] | undefined = options.after
    ? [...(options.cursorColumn ? [options.after.cursor ?? null] : []), ...options.after.key]
    : undefined;
  if (position && position.length !== order.length) {
    throw new PostgresConnectorError(
      `The saved position has ${position.length} values but the read is ordered by ${order.length} columns (${order.join(", ")}). ` +
        "The key or cursor columns changed since the last run: start the read afresh.",
    );
  }
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;

  while (remaining > 0) {
    const size = Math.min(batchSize, remaining);
    const params: unknown[] = [];
    let where = "";
    if (position) {
      params.push(...position);
      where = `where (${ordered.join(", ")}) > (${position.map((_, i) => `$${i + 1}`).join(", ")})`;
    } else if (options.cursorColumn) {
      where = `where ${ordered[0]} is not null`;
    }
    const sql = `select ${select}, ${textColumns} from ${from} as q ${where} order by ${ordered.join(", ")} limit ${size}`;
    const rows = await readOnly(pool, sql, params, timeout, order);
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    position = hidden.map((h) => (last[h] as string | null) ?? null);
    for (const row of rows) {
      for (const h of hidden) delete row[h];
      for (const [k, v] of Object.entries(row)) if (v instanceof Date) row[k] = v.toISOString();
    }
    const cursor: TableCursor = options.cursorColumn
      ? { cursor: position[0] ?? null, key: position.slice(1) }
      : { key: position };
    yield { records: rows, cursor };
    remaining -= rows.length;
    if (rows.length < size) return;
  }
}

async function readOnly(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
  timeoutMs: number,
  order: string[],
): Promise<Record<string, unknown>[]> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query("begin transaction read only");
    await client.query(`set local statement_timeout = ${timeoutMs}`);
    const result = await client.query<Record<string, unknown>>(sql, params);
    await client.query("commit");
    return result.rows;
  } catch (error) {
    await client.query("rollback").catch(() => {
      broken = true;
    });
    throw explainReadError(error, order);
  } finally {
    client.release(broken);
  }
}

function explainReadError(error: unknown, order: string[]): Error {
  const e = error as { code?: string; message?: string };
  if (e.code === "25006" || /data-modifying statement/.test(e.message ?? "")) {
    return new PostgresConnectorError(
      `The query tried to change data (${e.message}). Source queries run read-only: use a SELECT.`,
      { cause: error },
    );
  }
  if (e.code === "42703" && /q\./.test(e.message ?? "")) {
    return new PostgresConnectorError(
      `The query's result has no column needed to page it (${e.message}). Include the key and cursor columns (${order.join(", ")}) in its SELECT.`,
      { cause: error },
    );
  }
  if (e.code === "57014") {
    return new PostgresConnectorError(`The query took too long and was cancelled (${e.message}). Add an index on ${order.join(", ")} or read fewer rows.`, { cause: error });
  }
  if (typeof e.code === "string") return new PostgresConnectorError(`The read failed: ${describePgError(error)}`, { cause: error });
  return error as Error;
}
