import { Batcher, type FileRecord, type ReadOptionsBase, type RecordBatch } from "./batches";
import { FormatError } from "./errors";
import { decodeText, excerpt, type FormatInput } from "./input";

export interface NdjsonReadOptions extends ReadOptionsBase {
  encoding?: string;
  /** Skip lines that are not valid JSON and report them in each batch's `skipped`, instead of failing. */
  skipBadRecords?: boolean;
}

/** Reads newline-delimited JSON, one record per line; blank lines are ignored. */
export async function* readNdjson(input: FormatInput, options: NdjsonReadOptions = {}): AsyncGenerator<RecordBatch> {
  const batcher = new Batcher(options);
  let line = 0;
  let carry = "";
  const handle = (text: string) => {
    line += 1;
    const trimmed = text.trim();
    if (trimmed === "") return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      const reason =
        `Line ${line} is not valid JSON (${(error as Error).message}). ` +
        "Each line of an NDJSON file must hold one complete JSON value; fix or remove the line.";
      if (options.skipBadRecords) {
        batcher.skip({ line, reason, raw: excerpt(trimmed) });
        return;
      }
      throw new FormatError(reason, "ndjson", { line, recordIndex: batcher.count }, { cause: error });
    }
    const record: FileRecord =
      value !== null && typeof value === "object" && !Array.isArray(value) ? (value as FileRecord) : { value };
    batcher.add(record, line);
  };
  for await (const text of decodeText(input, options.encoding ?? "utf-8", "ndjson")) {
    let start = 0;
    let newline = text.indexOf("\n");
    while (newline !== -1) {
      const piece = text.slice(start, newline);
      handle(carry === "" ? piece : carry + piece);
      carry = "";
      if (batcher.full) break;
      start = newline + 1;
      newline = text.indexOf("\n", start);
    }
    if (batcher.full) break;
    carry += text.slice(start);
    yield* batcher.take();
  }
  if (!batcher.full && carry !== "") handle(carry);
  yield* batcher.flush();
}
