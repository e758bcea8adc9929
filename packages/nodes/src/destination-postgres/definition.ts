import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";

const ColumnNameSchema = z.string().trim().min(1, "Enter a column name").max(63, "must be at most 63 characters (PostgreSQL's limit)");

export const ColumnMappingSchema = z.object({
  column: ColumnNameSchema.describe("The table column").meta({ title: "Column" }),
  field: z.string().min(1, "Enter the record field that fills this column").describe("The record field").meta({ title: "Field", widget: "field" }),
});

export const DestinationPostgresConfigSchema = z
  .object({
    connectionId: z.string().min(1, "Choose a PostgreSQL connection"),
    table: z
      .string()
      .trim()
      .min(1, "Enter a table name, such as shop.products")
      .max(130)
      .describe("An existing table, optionally with its schema.")
      .meta({ title: "Table", placeholder: "shop.products" }),
    mode: z
      .enum(["upsert", "insert"], { message: "must be “upsert” or “insert”" })
      .default("upsert")
      .describe("upsert: add new rows and update changed ones. insert: only add new rows, leave existing ones alone.")
      .meta({ title: "Mode", optionLabels: { upsert: "Add and update rows", insert: "Only add new rows" } }),
    keyColumns: z
      .array(ColumnNameSchema)
      .min(1, "Name the column(s) that identify a row, e.g. sku")
      .describe("An upsert needs a primary key or unique index on exactly these columns.")
      .meta({ title: "Key columns", widget: "fields" }),
    columns: z
      .union([
        z.literal("auto").meta({ title: "Same names" }),
        z.array(ColumnMappingSchema).min(1, "Map at least the key column").meta({ title: "Choose columns", itemTitle: "Column" }),
      ])
      .default("auto")
      .describe("Same names (“auto”): each record field goes to the column of the same name (fields starting with _ are left out).")
      .meta({ title: "Columns" }),
    deleteOnDelete: z
      .boolean()
      .default(false)
      .describe("Delete the row of a record that change detection marks as deleted.")
      .meta({ title: "Delete rows of deleted records" }),
  })
  .superRefine((config, ctx) => {
    if (config.columns === "auto") return;
    const seen = new Set<string>();
    config.columns.forEach((mapping, i) => {
      if (seen.has(mapping.column)) {
        ctx.addIssue({ code: "custom", path: ["columns", i, "column"], message: `maps the column “${mapping.column}” a second time` });
      }
      seen.add(mapping.column);
    });
    for (const key of config.keyColumns) {
      if (!seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["columns"], message: `has no field for the key column “${key}”: map a record field to it` });
      }
    }
  });
export type DestinationPostgresConfig = z.infer<typeof DestinationPostgresConfigSchema>;

export const destinationPostgresDefinition = {
  id: "destination.postgres",
  version: 1,
  label: "Write to PostgreSQL",
  description: "Adds and updates rows of a table by their key, and deletes the rows of deleted records if you want.",
  category: "destination",
  icon: "database",
  configSchema: DestinationPostgresConfigSchema,
  inputs: ["in"],
  outputs: [],
  connection: "postgres",
} as const satisfies NodeDefinition;
