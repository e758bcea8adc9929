import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";

const ColumnNameSchema = z.string().trim().min(1, "Enter a column name").max(63, "must be at most 63 characters (PostgreSQL's limit)");

export const SourcePostgresConfigSchema = z
  .object({
    connectionId: z.string().min(1, "Choose a PostgreSQL connection"),
    table: z
      .string()
      .trim()
      .min(1, "Enter a table name, such as shop.products")
      .max(130)
      .optional()
      .describe("The table (or view) to read, optionally with its schema: shop.products.")
      .meta({ title: "Table", placeholder: "shop.products" }),
    query: z
      .string()
      .trim()
      .min(1, "Enter a SELECT query")
      .max(100_000)
      .refine((sql) => /^(select|with|values|table)\b/i.test(sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, "")), {
        message: "must be a SELECT query: source queries only read (they run in a read-only transaction)",
      })
      .optional()
      .describe("A SELECT instead of a table; it must return the key (and cursor) columns.")
      .meta({ title: "Query", widget: "textarea", placeholder: "select * from shop.products" }),
    cursorColumn: ColumnNameSchema.optional()
      .describe("Read incrementally: each run reads only rows whose value in this column (e.g. updated_at) is newer than the last run's.")
      .meta({ title: "Cursor column", placeholder: "updated_at" }),
    keyColumns: z
      .array(ColumnNameSchema)
      .min(1, "Name the column(s) that identify a row, e.g. sku")
      .describe("They order and page the read.")
      .meta({ title: "Key columns" }),
    columns: z
      .array(ColumnNameSchema)
      .min(1)
      .optional()
      .describe("The columns to read from the table; all by default.")
      .meta({ title: "Columns" }),
  })
  .superRefine((config, ctx) => {
    if ((config.table === undefined) === (config.query === undefined)) {
      ctx.addIssue({ code: "custom", path: ["table"], message: "Choose either a table or a query to read, not both" });
    }
    if (config.query !== undefined && config.columns !== undefined) {
      ctx.addIssue({ code: "custom", path: ["columns"], message: "Choose the columns in the query's SELECT instead" });
    }
  });
export type SourcePostgresConfig = z.infer<typeof SourcePostgresConfigSchema>;

export const sourcePostgresDefinition = {
  id: "source.postgres",
  version: 1,
  label: "Read from PostgreSQL",
  description: "Reads the rows of a table or a query, all of them or only those changed since the last run.",
  category: "source",
  icon: "database",
  configSchema: SourcePostgresConfigSchema,
  inputs: ["in"],
  outputs: ["out"],
  connection: "postgres",
} as const satisfies NodeDefinition;
