/*
 * The record fields a person can pick from: read from the records that reached a node in the latest
 * dry run. Nested objects give dotted paths (`price.gross`), as the condition rules and mapping
 * targets write them.
 */

const MAX_RECORDS = 20;
const MAX_DEPTH = 3;
const MAX_FIELDS = 200;

/**
 * Field paths of the first records, in the order they first appear; an object field is listed before
 * its nested fields. Lists are not entered (their items have no name of their own). Flowgate's own
 * fields (`_change`, `_error`) come last.
 */
export function sampleFieldPaths(records: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  const visit = (value: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [name, child] of Object.entries(value)) {
      if (seen.size >= MAX_FIELDS) return;
      const path = prefix ? `${prefix}.${name}` : name;
      seen.add(path);
      if (depth < MAX_DEPTH && child !== null && typeof child === "object" && !Array.isArray(child)) {
        visit(child as Record<string, unknown>, path, depth + 1);
      }
    }
  };
  for (const record of records.slice(0, MAX_RECORDS)) visit(record, "", 1);
  const paths = [...seen];
  return [...paths.filter((path) => !path.startsWith("_")), ...paths.filter((path) => path.startsWith("_"))];
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(["and", "or", "in", "true", "false", "null", "function"]);

/**
 * The JSONata that reads a field path: `price.gross`, or with backticks around names JSONata would
 * not read as a name (`` `Cena brutto` ``, `` `ean-13` ``).
 */
export function fieldExpression(path: string): string {
  return path
    .split(".")
    .map((name) => (PLAIN_NAME.test(name) && !RESERVED.has(name) ? name : `\`${name.replace(/`/g, "")}\``))
    .join(".");
}

