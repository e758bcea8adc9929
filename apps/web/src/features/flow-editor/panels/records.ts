/*
 * Pure helpers for showing sample records from a dry run: table columns, cell text, what changed
 * between a planned write's before and after, and reading pasted test input.
 */

export type JsonRecord = Record<string, unknown>;

/** Rows a records table shows; the dry run keeps only the first records per port anyway. */
export const MAX_TABLE_ROWS = 50;

/** The most records a node test may send (the flows.dryRun input limit). */
export const MAX_TEST_RECORDS = 1000;

/** The union of the keys of the first `limit` records, in the order they first appear. */
export function columnsOf(records: readonly JsonRecord[], limit = MAX_TABLE_ROWS): string[] {
  const seen = new Set<string>();
  for (const record of records.slice(0, limit)) {
    for (const key of Object.keys(record)) seen.add(key);
  }
  return [...seen];
}

/** A cell's text: strings as they are, nested values as compact JSON, a missing field as empty. */
export function cellText(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return String(value);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields whose value differs between before and after (present on one side only counts). */
export function changedFields(before: JsonRecord | undefined, after: JsonRecord | undefined): Set<string> {
  const changed = new Set<string>();
  if (!before || !after) return changed;
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!sameValue(before[key], after[key])) changed.add(key);
  }
  return changed;
}

/** Columns for planned writes: every field of the before and after records, changed fields first. */
export function plannedColumns(items: readonly { before?: JsonRecord; after?: JsonRecord }[], limit = MAX_TABLE_ROWS): string[] {
  const all = new Set<string>();
  const changed = new Set<string>();
  for (const item of items.slice(0, limit)) {
    for (const key of Object.keys(item.after ?? {})) all.add(key);
    for (const key of Object.keys(item.before ?? {})) all.add(key);
    for (const key of changedFields(item.before, item.after)) changed.add(key);
  }
  return [...[...all].filter((key) => changed.has(key)), ...[...all].filter((key) => !changed.has(key))];
}

export type PinnedInput = { ok: true; records: JsonRecord[] } | { ok: false; message: string };

/**
 * Reads pasted test input: a JSON array of records, or one record. A syntax error names the line and
 * column, so a person can find it in the text box.
 */
export function parsePinnedInput(text: string): PinnedInput {
  if (!text.trim()) return { ok: false, message: "Paste one record as a JSON object, or several as an array of objects." };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: jsonErrorMessage(text, error) };
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return { ok: false, message: "The array is empty: give the node at least one record to test with." };
  const notRecord = list.findIndex((item) => typeof item !== "object" || item === null || Array.isArray(item));
  if (notRecord !== -1) {
    const what = Array.isArray(value) ? `Item ${notRecord + 1} of the array is` : "This is";
    return { ok: false, message: `${what} not a record: each record is a JSON object such as {"sku": "A-1", "price": 9.5}.` };
  }
  if (list.length > MAX_TEST_RECORDS) {
    return { ok: false, message: `That is ${list.length} records; a node test takes up to ${MAX_TEST_RECORDS}. Keep the first ones.` };
  }
  return { ok: true, records: list as JsonRecord[] };
}

/** "Line 3, column 5: Expected ',' or '}' after property value." whatever the browser's own wording. */
export function jsonErrorMessage(text: string, error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // Engines word it differently and not all give a position (V8: "in JSON at position N", sometimes
  // "(line L column C)", or a quote of the text); keep the reason, find the position ourselves.
  const reason = raw
    .replace(/^JSON\.parse:\s*/, "")
    .replace(/^JSON Parse error:\s*/, "")
    .replace(/\s*in JSON at position \d+.*$/s, "")
    .replace(/\s*at line \d+ column \d+ of the JSON data$/, "")
    .replace(/,\s*".*" is not valid JSON$/s, "")
    .trim();
  const where = lineColumnAt(text, errorPosition(text));
  const what = reason ? capitalize(reason) : "This is not valid JSON";
  return `Line ${where.line}, column ${where.column}: ${what}.`;
}

const END_OF_INPUT = /end of|EOF/i;

/**
 * Where JSON.parse first goes wrong. A prefix of valid JSON either parses or fails only by ending
 * early; once a prefix has a real error every longer one has it too, so a binary search finds it.
 */
export function errorPosition(text: string): number {
  const broken = (length: number) => {
    const prefix = text.slice(0, length);
    try {
      JSON.parse(prefix);
      return false;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (END_OF_INPUT.test(message)) return false;
      // "Unterminated string", "No number after minus sign"... at the very end are early ends too.
      const at = reportedOffset(prefix, message);
      return at === null || at < prefix.length;
    }
  };
  if (!broken(text.length)) return text.trimEnd().length;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (broken(mid)) high = mid;
    else low = mid + 1;
  }
  return Math.max(0, low - 1);
}

function reportedOffset(text: string, message: string): number | null {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (!lineColumn) return null;
  const lines = text.split("\n");
  const line = Number(lineColumn[1]);
  return lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0) + Number(lineColumn[2]) - 1;
}

export function lineColumnAt(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const lines = before.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function capitalize(text: string): string {
  const trimmed = text.replace(/[.\s]+$/, "");
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}
