export { FormatError, type FormatPosition, type SkippedRecord } from "./errors";
export { SUPPORTED_ENCODINGS, type FormatInput } from "./input";
export type { FileRecord, ReadOptionsBase, RecordBatch } from "./batches";
export { readCsv, detectCsvDelimiter, type CsvReadOptions, type CsvDelimiter } from "./csv";
export { readJson, type JsonReadOptions } from "./json";
export { readNdjson, type NdjsonReadOptions } from "./ndjson";
export { readXml, type XmlReadOptions } from "./xml";
export { readRecords, type ReadFormatOptions } from "./read-records";
export {
  createRecordEncoder,
  encodeRecords,
  xmlName,
  type FileFormat,
  type RecordEncoder,
  type WriteFormatOptions,
  type CsvWriteOptions,
  type JsonWriteOptions,
  type XmlWriteOptions,
} from "./writers";
export { parseLocaleNumber, type LocaleNumberOptions } from "./locale-number";
