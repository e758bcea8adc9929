import { chainDocument, connection, parameter, tableParameter, type BuiltinTemplate } from "./define";

export const tableToCsv: BuiltinTemplate = {
  id: "builtin.table-to-csv",
  title: "PostgreSQL table → CSV file, nightly",
  description:
    "Every night at 2:00, reads a whole table from your PostgreSQL database and writes it into a CSV file you can download from the run " +
    "(one line per row, the column names first).",
  category: "databases",
  tags: ["postgresql", "csv", "export", "nightly", "backup"],
  version: 1,
  updatedAt: "2025-01-01T00:00:00.000Z",
  connections: [connection("database", "postgres", "Database", "The PostgreSQL database the table is in.")],
  parameters: [
    tableParameter("table", "Table", "The table to export, with its schema, e.g. shop.products."),
    parameter({
      key: "keyColumn",
      label: "Key column",
      description: "The column that identifies a row (the file is in its order), e.g. sku or id.",
      type: "text",
      default: "sku",
      targets: [{ nodeId: "table", path: ["keyColumns", 0] }],
    }),
    parameter({
      key: "fileName",
      label: "File name",
      description: "The file's name; {date} becomes the day of the run.",
      type: "text",
      default: "products-{date}.csv",
      targets: [{ nodeId: "file", path: ["fileName"] }],
    }),
    parameter({
      key: "delimiter",
      label: "Delimiter",
      description: "What separates values: a comma, or a semicolon for Excel in Poland and Germany.",
      type: "select",
      default: ",",
      options: [
        { value: ",", label: "Comma (,)" },
        { value: ";", label: "Semicolon (;)" },
      ],
      targets: [{ nodeId: "file", path: ["csv", "delimiter"] }],
    }),
  ],
  document: chainDocument([
    { id: "schedule", kind: "trigger.schedule", label: "Every night at 2:00", config: { mode: "cron", cron: "0 2 * * *" } },
    { id: "table", kind: "source.postgres", label: "Table rows", config: { connectionId: "database", table: "shop.products", keyColumns: ["sku"] } },
    { id: "file", kind: "destination.file", label: "CSV file", config: { format: "csv", fileName: "products-{date}.csv", csv: { delimiter: ",", header: true } } },
  ]),
};
