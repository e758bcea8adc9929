import type { RecordBatch } from "./batches";
import { readCsv, type CsvReadOptions } from "./csv";
import type { FormatInput } from "./input";
import { readJson, type JsonReadOptions } from "./json";
import { readNdjson, type NdjsonReadOptions } from "./ndjson";
import { readXml, type XmlReadOptions } from "./xml";

export type ReadFormatOptions =
  | ({ format: "csv" } & CsvReadOptions)
  | ({ format: "json" } & JsonReadOptions)
  | ({ format: "ndjson" } & NdjsonReadOptions)
  | ({ format: "xml" } & XmlReadOptions);

/** One entry point for source.file, source.http and trigger.webhook: the format picks the reader. */
export function readRecords(input: FormatInput, options: ReadFormatOptions): AsyncGenerator<RecordBatch> {
  switch (options.format) {
    case "csv":
      return readCsv(input, options);
    case "json":
      return readJson(input, options);
    case "ndjson":
      return readNdjson(input, options);
    case "xml":
      return readXml(input, options);
  }
}
