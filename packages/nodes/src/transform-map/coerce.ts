import { parseLocaleNumber } from "@flowgate/connectors/formats";
import type { FieldType } from "./definition";

/**
 * Converting a mapped value to the type its field asks for, as people write values in spreadsheets
 * and supplier files. Server-side only: it reads numbers with the connectors' locale-number parser.
 *
 * For every type but `auto` and `string`: nothing (undefined) stays nothing, and null or a blank
 * text becomes null (an empty cell is no value, not an error).
 */
export class CoercionError extends Error {
  override readonly name = "CoercionError";
}

const TRUE_WORDS = new Set(["true", "yes", "tak", "1"]);
const FALSE_WORDS = new Set(["false", "no", "nie", "0"]);

export function coerce(value: unknown, type: FieldType): unknown {
  switch (type) {
    case "auto":
      return plain(value);
    case "string":
      return toText(value);
    case "number":
      return toNumber(value);
    case "integer":
      return toInteger(value);
    case "boolean":
      return toBoolean(value);
    case "date":
      return toDate(value);
  }
}

/** JSONata marks its result lists (sequences) with an extra property; records get plain arrays. */
function plain(value: unknown): unknown {
  if (Array.isArray(value) && (value as { sequence?: unknown }).sequence === true) return Array.from(value);
  return value;
}

function isBlank(value: unknown): boolean {
  return value === null || (typeof value === "string" && value.trim() === "");
}

function toText(value: unknown): unknown {
  if (typeof value === "string" || value === undefined || value === null) return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(plain(value));
}

function toNumber(value: unknown): unknown {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (value === undefined) return undefined;
  if (isBlank(value)) return null;
  const number = parseLocaleNumber(value);
  if (number === undefined) {
    throw new CoercionError(`cannot read ${describeValue(value)} as a number (e.g. 12.5, 12,50 or 1 234,56)`);
  }
  return number;
}

function toInteger(value: unknown): unknown {
  const number = toNumber(value);
  if (typeof number !== "number") return number;
  if (!Number.isInteger(number)) {
    throw new CoercionError(
      `${describeValue(value)} is not a whole number; choose the type “number”, or round it in the expression with $round()`,
    );
  }
  if (!Number.isSafeInteger(number)) {
    throw new CoercionError(`${describeValue(value)} is too large to be kept exactly as a whole number; choose the type “string”`);
  }
  return number;
}

function toBoolean(value: unknown): unknown {
  if (typeof value === "boolean" || value === undefined) return value;
  if (isBlank(value)) return null;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new CoercionError(`cannot read ${describeValue(value)} as yes or no (it understands true/false, yes/no, tak/nie, 1/0)`);
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED_DAY = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Dates as ISO 8601 text: a day stays a day (`05.03.2024` → `2024-03-05`); a time without a zone
 * stays local time (`2024-03-05 14:30` → `2024-03-05T14:30:00`), as the file gave no zone to convert
 * from; a time with a zone (`Z`, `+02:00`) becomes UTC (`2024-03-05T12:30:00.000Z`).
 */
function toDate(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (isBlank(value)) return null;
  if (typeof value === "string") {
    const text = value.trim();
    let match = ISO_DAY.exec(text);
    if (match) return day(text, match[1]!, match[2]!, match[3]!);
    match = DOTTED_DAY.exec(text);
    if (match) {
      const [, d, m, y, hh, mm, ss] = match;
      const date = day(text, y!, m!.padStart(2, "0"), d!.padStart(2, "0"));
      return hh === undefined ? date : `${date}T${time(text, hh.padStart(2, "0"), mm!, ss ?? "00")}`;
    }
    match = DATE_TIME.exec(text);
    if (match) {
      const [, y, m, d, hh, mm, ss, fraction, zone] = match;
      const local = `${day(text, y!, m!, d!)}T${time(text, hh!, mm!, ss ?? "00")}${fraction ? `.${fraction.slice(0, 3).padEnd(3, "0")}` : ""}`;
      if (zone === undefined) return local;
      const offset = zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
      return new Date(`${local}${offset}`).toISOString();
    }
  }
  throw new CoercionError(
    `cannot read ${describeValue(value)} as a date (it understands 2024-03-05, 05.03.2024, 2024-03-05 14:30 and ISO times such as 2024-03-05T14:30:00Z)`,
  );
}

function day(text: string, y: string, m: string, d: string): string {
  const year = Number(y);
  const month = Number(m);
  const date = Number(d);
  const check = new Date(Date.UTC(year, month - 1, date));
  if (month < 1 || month > 12 || check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    throw new CoercionError(`${describeValue(text)} is not a day of the calendar`);
  }
  return `${y}-${m}-${d}`;
}

function time(text: string, hh: string, mm: string, ss: string): string {
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) {
    throw new CoercionError(`${describeValue(text)} is not a time of day`);
  }
  return `${hh}:${mm}:${ss}`;
}

/** A value as a person reads it in an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number") return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === "boolean") return `the value ${value}`;
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  return "an object";
}
