/*
 * How much a number changed between a record's before and after. The runtime stores it with each
 * change set item (the inbox filters and sorts 100,000 items by it without reading their JSON), and
 * the inbox shows it; one reading of "a number" for both.
 */

/** Numeric text: prices often come as "12.00". A bounded exponent ("1e999999" is no price). */
const NUMERIC_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d{1,3})?\s*$/i;

/** A value as a number: a finite JSON number, or numeric text; null for anything else ("n/a" included). */
export function readNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && NUMERIC_TEXT.test(value)) {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** A field's change as an item stores it. */
export interface StoredNumericChange {
  /** The size of the change relative to before, in percent, either direction; from 0 to anything else: "Infinity". */
  pct: number | "Infinity";
  /** after − before. */
  delta: number;
}

/** The percent a change of `delta` from `before` makes, either direction: 0 → 0 is 0 %, 0 → 5 is infinitely large. */
export function changePercent(before: number, delta: number): number {
  if (before === 0) return delta === 0 ? 0 : Number.POSITIVE_INFINITY;
  // × 100 first: 2 of 10 is exactly 20 %, where (2 / 10) × 100 is 20.000000000000004.
  return (Math.abs(delta) * 100) / Math.abs(before);
}

/** Without binary floating point's last digit: 29.85 − 19.90 is 9.95 (not 9.950000000000001), so equal changes sort as equal. */
function exact(value: number): number {
  return Number(value.toPrecision(12));
}

/** Every field that holds a number on both sides, with its change (JSON has no Infinity: it is stored as text). */
export function numericChanges(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): Record<string, StoredNumericChange> {
  const changes: Record<string, StoredNumericChange> = {};
  if (!before || !after) return changes;
  for (const [field, value] of Object.entries(before)) {
    const b = readNumber(value);
    const a = b === null ? null : readNumber(after[field]);
    if (b === null || a === null) continue;
    const delta = exact(a - b);
    const pct = changePercent(b, delta);
    changes[field] = { pct: Number.isFinite(pct) ? exact(pct) : "Infinity", delta };
  }
  return changes;
}
