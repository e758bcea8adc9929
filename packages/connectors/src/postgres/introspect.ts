import type pg from "pg";
import { PostgresConnectorError } from "./errors";
import { displayTable, parseTableName, type TableName } from "./identifiers";

export type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

export interface ColumnInfo {
  name: string;
  /** The type without modifiers (`character varying`, `numeric`), used for parameter casts. */
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  /** A generated column cannot be written. */
  generated: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  /** `schema.name`, for messages. */
  display: string;
  columns: Map<string, ColumnInfo>;
  /** Column sets of the primary key and unique indexes (without predicates or expressions). */
  uniqueKeys: string[][];
}

/**
 * Looks the table up in the catalogue: its columns with their types, and its unique keys.
 * (pg_catalog rather than information_schema: it gives exact type names for casts and the
 * unique indexes ON CONFLICT can use.) A missing table is an error naming it and the tables
 * that do exist in its schema.
 */
export async function describeTable(db: Queryable, input: string | TableName): Promise<TableInfo> {
  const table = parseTableName(input);
  const found = await db.query<{ oid: number; schema: string; name: string }>(
    `select c.oid::int as oid, n.nspname as schema, c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and (case when $1::text is null then n.nspname = any (current_schemas(false)) else n.nspname = $1 end)
      order by array_position(current_schemas(false), n.nspname::text) nulls last
      limit 1`,
    [table.schema ?? null, table.name],
  );
  const row = found.rows[0];
  if (!row) {
    const others = await db.query<{ name: string }>(
      `select case when n.nspname = any (current_schemas(false)) and $1::text is null then c.relname
                   else n.nspname || '.' || c.relname end as name
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm', 'f')
          and (case when $1::text is null then n.nspname = any (current_schemas(false)) else n.nspname = $1 end)
        order by 1 limit 30`,
      [table.schema ?? null],
    );
    const list = others.rows.map((r) => r.name);
    throw new PostgresConnectorError(
      `The table “${displayTable(table)}” does not exist. ` +
        (list.length > 0
          ? `Tables there: ${list.join(", ")}. Check the table name (and its schema).`
          : `There are no tables in ${table.schema ? `the schema “${table.schema}”` : "the search path"}. Check the schema and the connection's database.`),
    );
  }
  const columns = await db.query<ColumnInfo>(
    `select a.attname as name, format_type(a.atttypid, null) as type, not a.attnotnull as nullable,
            a.atthasdef as "hasDefault", a.attgenerated <> '' as generated
       from pg_attribute a
      where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [row.oid],
  );
  const unique = await db.query<{ columns: string[] }>(
    `select array_agg(a.attname::text order by k.ord) as columns
       from pg_index i
       cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
       join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
      where i.indrelid = $1 and i.indisunique and i.indpred is null and i.indexprs is null
      group by i.indexrelid`,
    [row.oid],
  );
  return {
    schema: row.schema,
    name: row.name,
    display: `${row.schema}.${row.name}`,
    columns: new Map(columns.rows.map((c) => [c.name, c])),
    uniqueKeys: unique.rows.map((r) => r.columns),
  };
}

/** Throws unless every named column exists, naming the first missing one and listing what exists. */
export function requireColumns(info: TableInfo, names: Iterable<string>, what = "Check the column mapping."): void {
  for (const name of names) {
    if (!info.columns.has(name)) {
      throw new PostgresConnectorError(
        `The table “${info.display}” has no column “${name}”. ${what} Its columns are: ${[...info.columns.keys()].join(", ")}.`,
      );
    }
  }
}

export function hasUniqueKey(info: TableInfo, keyColumns: readonly string[]): boolean {
  const wanted = new Set(keyColumns);
  return info.uniqueKeys.some((key) => key.length === wanted.size && key.every((c) => wanted.has(c)));
}

