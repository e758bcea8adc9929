export { PostgresConnectorError } from "./errors";
export { quoteIdent, parseTableName, quoteTable, type TableName } from "./identifiers";
export { describeTable, type ColumnInfo, type TableInfo } from "./introspect";
export { readTable, type ReadTableOptions, type TableBatch, type TableCursor } from "./read";
export {
  planWrites,
  TableWriter,
  upsertRecords,
  type PlannedRecordWrite,
  type RecordWriteResult,
  type WriteMode,
  type WriteOptions,
  type WriteOutcome,
  type WriteResult,
} from "./write";
