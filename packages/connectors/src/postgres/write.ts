import type pg from "pg";
import { describePgError, PostgresConnectorError } from "./errors";
import { quoteIdent, quoteTable, type TableName } from "./identifiers";
import { describeTable, hasUniqueKey, requireColumns, type ColumnInfo, type TableInfo } from "./introspect";

export type WriteMode = "upsert" | "insert" | "delete";

export interface WriteOptions {
  table: string | TableName;
  /** The table columns that identify a row (e.g. `sku`). Upsert needs a primary key or unique index on exactly them. */
  keyColumns: string[];
  /**
   * Table column ← record field. Without it, every record field goes to the column of the same
   * name (fields starting with `_`, such as `_change`, are left out) and a field with no column
   * is an error.
   */
  columns?: Record<string, string>;
  /**
   * `upsert`: insert new rows, update changed ones. `insert`: insert new rows, leave existing
   * ones alone. `delete`: delete the rows with these keys.
   */
  mode: WriteMode;
  /** Rows per statement; never more than PostgreSQL's 65,535 parameters allow. */
  chunkSize?: number;
}

export type WriteOutcome = "created" | "updated" | "unchanged" | "deleted" | "error";

export interface RecordWriteResult {
  /** The record's index in the batch given. */
  index: number;
  /** The record's key values joined with `|` (e.g. `SKU-1`). */
  key: string;
  outcome: WriteOutcome;
  /** For `error`: what PostgreSQL refused, in its words, with the column when it names one. */
  error?: string;
}

export interface WriteResult {
  results: RecordWriteResult[];
  counts: Record<WriteOutcome, number>;
}

export interface PlannedRecordWrite {
  index: number;
  key: string;
  op: "create" | "update" | "delete" | "unchanged";
  /** The row as it is now (JSON: numbers stay numbers, timestamps become strings). */
  before?: Record<string, unknown>;
  /** The row as it would be after the write (columns written, over `before`). */
  after?: Record<string, unknown>;
  /** For updates: the columns whose value would change. */
  changedColumns?: string[];
}

const MAX_PARAMETERS = 65_535;
const ORD = "__flowgate_ord";
const FOUND = "__flowgate_found";
// Types with no equality operator: compared by their text form to tell unchanged rows.
const TEXT_COMPARED = new Set(["json", "xml", "point", "line", "lseg", "box", "path", "polygon", "circle"]);

/** Writes `records` into the table in one transaction; see TableWriter. */
export async function upsertRecords(
  pool: pg.Pool,
  options: WriteOptions,
  records: readonly Record<string, unknown>[],
): Promise<WriteResult> {
  return (await TableWriter.open(pool, options)).write(records);
}

/** What `upsertRecords` would do with `records`, per record, with the rows as they are now. Writes nothing. */
export async function planWrites(
  pool: pg.Pool,
  options: WriteOptions,
  records: readonly Record<string, unknown>[],
): Promise<PlannedRecordWrite[]> {
  return (await TableWriter.open(pool, options)).plan(records);
}

interface Mapping {
  /** Table columns written, keys first. */
  columns: ColumnInfo[];
  /** Record field per column, same order. */
  fields: string[];
  keyCount: number;
}

/**
 * A destination table, introspected once (open) and written many times (one call per batch).
 * Each batch is one transaction of multi-row statements; when a statement fails because of a
 * record's data, the records of that statement are retried one by one (each under a savepoint),
 * so one bad record becomes one error and the others are still written.
 */
export class TableWriter {
  private constructor(
    private readonly pool: pg.Pool,
    readonly options: WriteOptions,
    readonly table: TableInfo,
    private readonly fixedMapping: Mapping | undefined,
    private readonly conflictTarget: boolean,
  ) {}

  static async open(pool: pg.Pool, options: WriteOptions): Promise<TableWriter> {
    if (options.keyColumns.length === 0) {
      throw new PostgresConnectorError("Name the key column(s) that identify a row (for example sku).");
    }
    const table = await describeTable(pool, options.table);
    requireColumns(table, options.keyColumns, "Check the key columns.");
    const unique = hasUniqueKey(table, options.keyColumns);
    if (options.mode === "upsert" && !unique) {
      throw new PostgresConnectorError(
        `The table “${table.display}” has no primary key or unique index on (${options.keyColumns.join(", ")}), which an upsert needs to find existing rows. ` +
          `Add one (ALTER TABLE ${quoteTable(table)} ADD UNIQUE (${options.keyColumns.map(quoteIdent).join(", ")})) or choose “insert only”.` +
          (table.uniqueKeys.length > 0 ? ` Its unique keys are: ${table.uniqueKeys.map((k) => `(${k.join(", ")})`).join(", ")}.` : ""),
      );
    }
    let fixed: Mapping | undefined;
    if (options.columns) {
      requireColumns(table, Object.keys(options.columns));
      for (const key of options.keyColumns) {
        if (!(key in options.columns)) {
          throw new PostgresConnectorError(`The key column “${key}” has no field mapped to it. Map a record field to “${key}”.`);
        }
      }
      fixed = mappingFor(table, options, Object.entries(options.columns));
    }
    return new TableWriter(pool, options, table, fixed, unique);
  }

  /** Writes one batch; returns one result per record, in order. */
  async write(records: readonly Record<string, unknown>[]): Promise<WriteResult> {
    const results: RecordWriteResult[] = new Array(records.length);
    const mapping = this.mappingOf(records);
    const keyed = this.keyed(records, mapping, results);
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("begin");
      for (const chunk of this.chunks(keyed, mapping)) {
        await this.writeChunk(client, mapping, chunk, results);
      }
      await client.query("commit");
    } catch (error) {
      await client.query("rollback").catch(() => {
        broken = true;
      });
      throw error instanceof PostgresConnectorError
        ? error
        : new PostgresConnectorError(`Writing to “${this.table.display}” failed: ${describePgError(error)}`, { cause: error });
    } finally {
      client.release(broken);
    }
    const counts: Record<WriteOutcome, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0, error: 0 };
    for (const result of results) counts[result.outcome] += 1;
    return { results, counts };
  }

  /** Per record: what a write would do, with the current row. Reads only. */
  async plan(records: readonly Record<string, unknown>[]): Promise<PlannedRecordWrite[]> {
    const results: RecordWriteResult[] = new Array(records.length);
    const mapping = this.mappingOf(records);
    const keyed = this.keyed(records, mapping, results);
    const planned: PlannedRecordWrite[] = new Array(records.length);
    for (const chunk of this.chunks(keyed, mapping, false)) {
      const { sql, params } = this.planSql(mapping, chunk);
      const found = await this.pool.query<{ [ORD]: number; before: Record<string, unknown> | null; changed: string[] | null }>(sql, params);
      const byOrd = new Map<number, (typeof found.rows)[number]>();
      for (const row of found.rows) if (!byOrd.has(row[ORD])) byOrd.set(row[ORD], row);
      for (const item of chunk) {
        const row = byOrd.get(item.index);
        const written = Object.fromEntries(mapping.columns.map((c, i) => [c.name, jsonValue(item.record[mapping.fields[i]!])]));
        const before = row?.before ?? undefined;
        let entry: PlannedRecordWrite;
        if (this.options.mode === "delete") {
          entry = before ? { index: item.index, key: item.key, op: "delete", before } : { index: item.index, key: item.key, op: "unchanged" };
        } else if (!before) {
          entry = { index: item.index, key: item.key, op: "create", after: written };
        } else if (this.options.mode === "insert" || (row?.changed ?? []).length === 0) {
          entry = { index: item.index, key: item.key, op: "unchanged", before, after: before };
        } else {
          entry = { index: item.index, key: item.key, op: "update", before, after: { ...before, ...written }, changedColumns: row!.changed! };
        }
        planned[item.index] = entry;
      }
    }
    // Records without a key cannot be planned; they would fail the same way when written.
    for (let i = 0; i < records.length; i++) {
      planned[i] ??= { index: i, key: results[i]?.key ?? "", op: "unchanged" };
    }
    return planned;
  }

  private mappingOf(records: readonly Record<string, unknown>[]): Mapping {
    if (this.fixedMapping) return this.fixedMapping;
    const fields = new Set<string>(this.options.keyColumns);
    if (this.options.mode !== "delete") {
      for (const record of records) for (const field of Object.keys(record)) if (!field.startsWith("_")) fields.add(field);
    }
    requireColumns(this.table, fields, "Map the field to a column or remove it from the records.");
    return mappingFor(this.table, this.options, [...fields].map((f) => [f, f]));
  }

  /** Records with their key; a record without a key value is an error result right away. */
  private keyed(records: readonly Record<string, unknown>[], mapping: Mapping, results: RecordWriteResult[]): Keyed[] {
    const out: Keyed[] = [];
    records.forEach((record, index) => {
      const values = mapping.fields.slice(0, mapping.keyCount).map((f) => record[f]);
      const key = values.map((v) => (v === null || v === undefined ? "" : String(v))).join("|");
      const missing = values.findIndex((v) => v === null || v === undefined || v === "");
      if (missing !== -1) {
        const column = mapping.columns[missing]!.name;
        results[index] = {
          index,
          key,
          outcome: "error",
          error: `The record has no value for the key column “${column}” (field “${mapping.fields[missing]}”).`,
        };
        return;
      }
      out.push({ index, key, record });
    });
    return out;
  }

  /**
   * Splits into statements within the parameter limit. A key seen twice starts a new statement,
   * since one statement cannot touch a row twice; the later record wins, as it would one by one.
   */
  private *chunks(items: Keyed[], mapping: Mapping, splitRepeats = true): Generator<Keyed[]> {
    const perRow = this.options.mode === "delete" ? mapping.keyCount : mapping.columns.length;
    const max = Math.max(1, Math.min(this.options.chunkSize ?? Number.POSITIVE_INFINITY, Math.floor(MAX_PARAMETERS / Math.max(1, perRow))));
    let chunk: Keyed[] = [];
    let keys = new Set<string>();
    for (const item of items) {
      if (chunk.length >= max || (splitRepeats && keys.has(item.key))) {
        yield chunk;
        chunk = [];
        keys = new Set();
      }
      chunk.push(item);
      keys.add(item.key);
    }
    if (chunk.length > 0) yield chunk;
  }

  private async writeChunk(client: pg.PoolClient, mapping: Mapping, chunk: Keyed[], results: RecordWriteResult[]): Promise<void> {
    await client.query("savepoint flowgate_chunk");
    try {
      await this.runStatement(client, mapping, chunk, results);
      await client.query("release savepoint flowgate_chunk");
      return;
    } catch (error) {
      if (!isDataError(error)) throw error;
      await client.query("rollback to savepoint flowgate_chunk");
      if (chunk.length === 1) {
        const item = chunk[0]!;
        results[item.index] = { index: item.index, key: item.key, outcome: "error", error: describePgError(error) };
        return;
      }
    }
    // One record at a time, to tell which records PostgreSQL refuses.
    for (const item of chunk) {
      await client.query("savepoint flowgate_record");
      try {
        await this.runStatement(client, mapping, [item], results);
        await client.query("release savepoint flowgate_record");
      } catch (error) {
        if (!isDataError(error)) throw error;
        await client.query("rollback to savepoint flowgate_record");
        results[item.index] = { index: item.index, key: item.key, outcome: "error", error: describePgError(error) };
      }
    }
  }

  private async runStatement(client: pg.PoolClient, mapping: Mapping, chunk: Keyed[], results: RecordWriteResult[]): Promise<void> {
    const { mode } = this.options;
    const target = quoteTable(this.table);
    const keyCols = mapping.columns.slice(0, mapping.keyCount);
    const cols = mode === "delete" ? keyCols : mapping.columns;
    const { values, params } = valuesList(cols, mapping.fields, chunk);
    const v = `v (${[ORD, ...cols.map((c) => c.name)].map(quoteIdent).join(", ")})`;
    const names = cols.map((c) => quoteIdent(c.name));
    const keyNames = keyCols.map((c) => quoteIdent(c.name));
    const keyJoin = keyNames.map((k) => `v.${k} = t.${k}`).join(" and ");

    if (mode === "delete") {
      const sql = `with ${v} as (values ${values}) delete from ${target} as t using v where ${keyJoin} returning v.${quoteIdent(ORD)} as ord`;
      const deleted = new Set((await client.query<{ ord: number }>(sql, params)).rows.map((r) => r.ord));
      for (const item of chunk) {
        results[item.index] = { index: item.index, key: item.key, outcome: deleted.has(item.index) ? "deleted" : "unchanged" };
      }
      return;
    }

    if (mode === "insert" && !this.conflictTarget) {
      await client.query(`with ${v} as (values ${values}) insert into ${target} (${names.join(", ")}) select ${names.join(", ")} from v`, params);
      for (const item of chunk) results[item.index] = { index: item.index, key: item.key, outcome: "created" };
      return;
    }

    const rest = mapping.columns.slice(mapping.keyCount);
    let onConflict: string;
    if (mode === "insert" || rest.length === 0) {
      onConflict = `on conflict (${keyNames.join(", ")}) do nothing`;
    } else {
      const set = rest.map((c) => `${quoteIdent(c.name)} = excluded.${quoteIdent(c.name)}`).join(", ");
      const changed = rest.map((c) => distinct(c, `t.${quoteIdent(c.name)}`, `excluded.${quoteIdent(c.name)}`)).join(" or ");
      onConflict = `on conflict (${keyNames.join(", ")}) do update set ${set} where ${changed}`;
    }
    const returning = keyNames.map((k, i) => `t.${k} as ${quoteIdent(`k${i}`)}`).join(", ");
    const sql =
      `with ${v} as (values ${values}),\n` +
      `w as (insert into ${target} as t (${names.join(", ")}) select ${names.join(", ")} from v ${onConflict}\n` +
      `      returning ${returning}, (t.xmax = 0) as inserted)\n` +
      `select v.${quoteIdent(ORD)} as ord, w.inserted from v join w on ${keyNames.map((k, i) => `v.${k} = w.${quoteIdent(`k${i}`)}`).join(" and ")}`;
    const written = new Map((await client.query<{ ord: number; inserted: boolean }>(sql, params)).rows.map((r) => [r.ord, r.inserted]));
    for (const item of chunk) {
      const inserted = written.get(item.index);
      results[item.index] = {
        index: item.index,
        key: item.key,
        outcome: inserted === undefined ? "unchanged" : inserted ? "created" : "updated",
      };
    }
  }

  private planSql(mapping: Mapping, chunk: Keyed[]): { sql: string; params: unknown[] } {
    const keyCols = mapping.columns.slice(0, mapping.keyCount);
    const cols = this.options.mode === "delete" ? keyCols : mapping.columns;
    const { values, params } = valuesList(cols, mapping.fields, chunk);
    const v = `v (${[ORD, ...cols.map((c) => c.name)].map(quoteIdent).join(", ")})`;
    const keyJoin = keyCols.map((c) => `v.${quoteIdent(c.name)} = t.${quoteIdent(c.name)}`).join(" and ");
    const rest = this.options.mode === "delete" ? [] : mapping.columns.slice(mapping.keyCount);
    const changed =
      rest.length === 0
        ? "array[]::text[]"
        : `array_remove(array[${rest
            .map((c) => `case when ${distinct(c, `t.${quoteIdent(c.name)}`, `v.${quoteIdent(c.name)}`)} then ${literal(c.name)} end`)
            .join(", ")}], null)`;
    const sql =
      `with ${v} as (values ${values})\n` +
      `select v.${quoteIdent(ORD)}, case when t.${quoteIdent(FOUND)} then to_jsonb(t) - ${literal(FOUND)} end as before,\n` +
      `       case when t.${quoteIdent(FOUND)} then ${changed} end as changed\n` +
      `  from v left join (select true as ${quoteIdent(FOUND)}, * from ${quoteTable(this.table)}) as t on ${keyJoin}`;
    return { sql, params };
  }
}

interface Keyed {
  index: number;
  key: string;
  record: Record<string, unknown>;
}

function mappingFor(table: TableInfo, options: WriteOptions, pairs: [string, string][]): Mapping {
  const byColumn = new Map(pairs);
  const keys = options.keyColumns;
  const rest = [...byColumn.keys()].filter((c) => !keys.includes(c));
  for (const column of rest) {
    const info = table.columns.get(column)!;
    if (info.generated && options.mode !== "delete") {
      throw new PostgresConnectorError(`The column “${column}” of “${table.display}” is generated by the database and cannot be written. Remove it from the mapping.`);
    }
  }
  const ordered = [...keys, ...(options.mode === "delete" ? [] : rest)];
  return {
    columns: ordered.map((c) => table.columns.get(c)!),
    fields: ordered.map((c) => byColumn.get(c) ?? c),
    keyCount: keys.length,
  };
}

/** `(0, $1::text, $2::numeric), (1, $3::text, $4::numeric)`: the ordinal is a literal we made. */
function valuesList(cols: ColumnInfo[], fields: string[], chunk: Keyed[]): { values: string; params: unknown[] } {
  const params: unknown[] = [];
  const rows: string[] = [];
  for (const item of chunk) {
    const cells = [String(item.index)];
    cols.forEach((column, i) => {
      params.push(toParam(item.record[fields[i]!], column));
      cells.push(`$${params.length}::${column.type}`);
    });
    rows.push(`(${cells.join(", ")})`);
  }
  return { values: rows.join(", "), params };
}

function toParam(value: unknown, column: ColumnInfo): unknown {
  if (value === undefined || value === null) return null;
  if (column.type === "json" || column.type === "jsonb") return JSON.stringify(value);
  if (typeof value === "object" && !(value instanceof Date) && !Array.isArray(value) && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

function distinct(column: ColumnInfo, a: string, b: string): string {
  return TEXT_COMPARED.has(column.type) ? `${a}::text is distinct from ${b}::text` : `${a} is distinct from ${b}`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : (value ?? null);
}

/** Errors caused by a record's data (bad value, constraint, a row touched twice), not by the connection or the SQL. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23") || code === "21000" || code === "42804");
}
