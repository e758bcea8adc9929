import { parse, type CsvError, type Info, type Options } from "csv-parse";
import { Readable } from "node:stream";
import { Batcher, type FileRecord, type ReadOptionsBase, type RecordBatch } from "./batches";
import { FormatError } from "./errors";
import { decodeText, excerpt, peekText, type FormatInput } from "./input";

export type CsvDelimiter = "," | ";" | "\t" | "|" | "auto";

export interface CsvReadOptions extends ReadOptionsBase {
  /** `auto` (the default) picks `,` `;` `\t` or `|` by counting them in the first line. */
  delimiter?: CsvDelimiter | (string & {});
  /** Whether the first line holds the column names (default true); otherwise columns are `column1`, `column2`… */
  header?: boolean;
  /** The quote character (default `"`); `false` when values are never quoted. */
  quote?: string | false;
  /** utf-8 (default), windows-1250, iso-8859-2, or any name iconv-lite knows. */
  encoding?: string;
  /** Trim spaces around values (outside quotes). Default true. */
  trim?: boolean;
  /** A line with more or fewer values than the header is an error (default true); otherwise missing values are empty. */
  strictColumns?: boolean;
  /** Accept a quote inside an unquoted value (`12" screen`). Default false: such a line is malformed. */
  relaxQuotes?: boolean;
  /** Skip malformed lines and report them in each batch's `skipped`, instead of failing. */
  skipBadRecords?: boolean;
}

const CANDIDATE_DELIMITERS = [",", ";", "\t", "|"] as const;

/**
 * Picks the delimiter that occurs most often (outside quotes) in the first line; `,` when none
 * does. The first line is the header in most files, which holds no decimal commas to mislead it.
 */
export function detectCsvDelimiter(head: string, quote: string | false = '"'): string {
  const counts = new Map<string, number>(CANDIDATE_DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of head) {
    if (quote && char === quote) quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  let best = ",";
  let bestCount = 0;
  for (const [delimiter, count] of counts) {
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Reads CSV as batches of records keyed by column name. Values stay strings (a value a person
 * typed as `12,50` is for the mapping's coercion to read); empty lines are ignored.
 */
export async function* readCsv(input: FormatInput, options: CsvReadOptions = {}): AsyncGenerator<RecordBatch> {
  const quote = options.quote ?? '"';
  const header = options.header ?? true;
  const strict = options.strictColumns ?? true;
  const skipBad = options.skipBadRecords ?? false;
  const batcher = new Batcher(options);

  let text: AsyncIterable<string> = decodeText(input, options.encoding ?? "utf-8", "csv");
  let delimiter = options.delimiter ?? "auto";
  if (delimiter === "auto") {
    const peeked = await peekText(text, (head) => /[\r\n]/.test(head) || head.length > 65_536);
    delimiter = detectCsvDelimiter(peeked.head, quote);
    text = peeked.all;
  }

  let columns: string[] | undefined;
  // Kept by the parser's own callbacks, which run in file order as it parses (the records reach
  // the loop below later, through the stream's buffer): where the next record starts.
  const lines = { next: 1, empty: 0 };
  const startOf = (context: Partial<Info>): number => {
    const empty = context.empty_lines ?? lines.empty;
    const start = lines.next + Math.max(0, empty - lines.empty);
    lines.empty = empty;
    return start;
  };
  const parser = parse({
    delimiter,
    quote: quote === false ? null : quote,
    raw: true,
    bom: true,
    trim: options.trim ?? true,
    skip_empty_lines: true,
    relax_column_count: true,
    relax_quotes: options.relaxQuotes ?? false,
    skip_records_with_error: skipBad,
    // With `raw`, the parser hands over `{ record, raw }` rather than the bare array it is typed with.
    on_record: ((parsed: { record: string[]; raw: string }, context: Info) => {
      const start = startOf(context);
      lines.next = context.lines + 1;
      return { fields: parsed.record, raw: parsed.raw, start, end: context.lines };
    }) as unknown as Options["on_record"],
    on_skip: (error, raw) => {
      if (!error) return;
      const context = error as CsvError & Partial<Info>;
      const start = startOf(context);
      batcher.skip({ line: start, reason: describeCsvError(context, start), raw: raw === undefined ? undefined : excerpt(raw) });
      lines.next = (context.lines ?? start) + 1;
    },
  });
  const feeder = Readable.from(text, { objectMode: false });
  feeder.on("error", (error) => parser.destroy(error));
  feeder.pipe(parser);

  try {
    for await (const item of parser as AsyncIterable<{ fields: string[]; raw: string; start: number; end: number }>) {
      const record = item.fields;
      const startLine = item.start;
      if (columns === undefined) {
        if (header) {
          columns = headerNames(record);
          continue;
        }
        columns = record.map((_, i) => `column${i + 1}`);
      }
      if (record.length !== columns.length) {
        if (!header && record.length > columns.length) {
          for (let i = columns.length; i < record.length; i++) columns.push(`column${i + 1}`);
        } else if (strict) {
          const reason =
            `Line ${startLine} has ${record.length} ${record.length === 1 ? "value" : "values"} but the header has ${columns.length} columns. ` +
            `Check the delimiter (“${printable(delimiter)}”) and quotes on that line, or turn off strict column count.`;
          if (skipBad) {
            batcher.skip({ line: startLine, reason, raw: excerpt(item.raw.replace(/\r?\n$/, "")) });
            continue;
          }
          throw new FormatError(reason, "csv", { line: startLine, recordIndex: batcher.count });
        }
      }
      const out: FileRecord = {};
      for (let i = 0; i < columns.length; i++) out[columns[i]!] = record[i] ?? "";
      batcher.add(out, item.end);
      if (batcher.full) break;
      yield* batcher.take();
    }
  } catch (error) {
    if (error instanceof FormatError) throw error;
    const csvError = error as CsvError & Partial<Info>;
    if (typeof csvError.code === "string" && csvError.code.includes("_")) {
      const start = startOf(csvError);
      throw new FormatError(describeCsvError(csvError, start), "csv", {
        line: start,
        recordIndex: batcher.count,
      }, { cause: error });
    }
    throw error;
  } finally {
    feeder.destroy();
    parser.destroy();
  }
  yield* batcher.flush();
}

/** Header names as a person would expect them: trimmed, blanks named `columnN`, duplicates numbered. */
function headerNames(record: string[]): string[] {
  const seen = new Map<string, number>();
  return record.map((raw, i) => {
    const name = raw.trim() || `column${i + 1}`;
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}_${count + 1}`;
  });
}

function describeCsvError(error: CsvError & Partial<Info>, startLine: number): string {
  const at = error.lines;
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return (
        `Line ${startLine} opens a quoted value that is never closed (the file ends on line ${at ?? "?"} still inside it). ` +
        `Add the missing closing quote, or write a quote inside a value as two quotes ("").`
      );
    case "CSV_INVALID_CLOSING_QUOTE":
      return (
        `The record starting on line ${startLine} is malformed: a quoted value closes on line ${at ?? startLine} but is followed by text instead of a delimiter. ` +
        `Check for a missing closing quote on line ${startLine}, or write a quote inside a value as two quotes ("").`
      );
    case "INVALID_OPENING_QUOTE":
      return (
        `Line ${startLine} has a quote in the middle of an unquoted value. ` +
        `Put the whole value in quotes and double the quote inside it (""), or turn on “relaxed quotes”.`
      );
    case "CSV_MAX_RECORD_SIZE":
      return `The record starting on line ${startLine} is too large. Check for a missing closing quote on that line.`;
    default:
      return `Line ${startLine} is not valid CSV: ${error.message}. Check the delimiter, quote character and encoding.`;
  }
}

function printable(delimiter: string): string {
  return delimiter === "\t" ? "tab" : delimiter;
}
