import { PostgresConnectorError } from "./errors";

/** A table name split into its schema (when given) and name, both exactly as PostgreSQL stores them. */
export interface TableName {
  schema?: string;
  name: string;
}

/** Quotes an identifier for SQL: `a"b` → `"a""b"`. The only way a name reaches our SQL text. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes("\u0000")) {
    throw new PostgresConnectorError(`“${name.replace(/\u0000/g, "\\0")}” is not a valid column or table name.`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Reads `shop.products`, `products` or `"My Schema"."Products"`. Names are taken exactly as
 * written (no lower-casing), since they are quoted in the SQL we send.
 */
export function parseTableName(input: string | TableName): TableName {
  if (typeof input !== "string") return input;
  const parts: string[] = [];
  let i = 0;
  const text = input.trim();
  while (i <= text.length) {
    let part = "";
    if (text[i] === '"') {
      i += 1;
      while (i < text.length) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          break;
        }
        part += text[i++];
      }
      if (text[i] !== '"') throw new PostgresConnectorError(`The table name “${input}” has an unclosed quote.`);
      i += 1;
    } else {
      while (i < text.length && text[i] !== ".") part += text[i++];
      part = part.trim();
    }
    parts.push(part);
    if (i >= text.length) break;
    if (text[i] !== ".") throw new PostgresConnectorError(`The table name “${input}” is not valid: expected “.” after “${part}”.`);
    i += 1;
  }
  if (parts.length > 2 || parts.some((p) => p === "")) {
    throw new PostgresConnectorError(`The table name “${input}” is not valid. Write it as table or schema.table.`);
  }
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

export function quoteTable(table: TableName): string {
  return table.schema === undefined ? quoteIdent(table.name) : `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/** How a person would write the name back, for messages: `shop.products`. */
export function displayTable(table: TableName): string {
  return table.schema === undefined ? table.name : `${table.schema}.${table.name}`;
}
