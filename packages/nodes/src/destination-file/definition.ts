import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";
import { FileFormatSchema, TextEncodingSchema } from "../shared/formats";

const FILE_NAME_PLACEHOLDERS = ["date", "time", "datetime", "run"] as const;

export const FileNameTemplateSchema = z
  .string()
  .trim()
  .min(1, "Enter a file name, e.g. products-{date}.csv")
  .max(200)
  .refine((name) => !/[/\\]/.test(name), "must be a file name without folders (no / or \\)")
  .superRefine((name, ctx) => {
    for (const match of name.matchAll(/\{([^}]*)\}/g)) {
      if (!(FILE_NAME_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
        ctx.addIssue({
          code: "custom",
          message: `has the placeholder “{${match[1]}}”, which Flowgate does not know. Use ${FILE_NAME_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}.`,
        });
      }
    }
  });

export const CsvWriteSettingsSchema = z.object({
  delimiter: z
    .enum([",", ";", "\t", "|"], { message: "must be a comma, a semicolon, a tab or a pipe" })
    .default(",")
    .meta({ title: "Delimiter", optionLabels: { ",": "Comma (,)", ";": "Semicolon (;)", "\t": "Tab", "|": "Pipe (|)" } }),
  header: z.boolean().default(true).describe("Write the column names as the first line.").meta({ title: "Header line" }),
  encoding: TextEncodingSchema.default("utf-8"),
  decimalComma: z
    .boolean()
    .default(false)
    .describe("Write 12,5 rather than 12.5, as Polish Excel expects (with “;”).")
    .meta({ title: "Decimal comma" }),
  columns: z
    .array(z.string().min(1))
    .optional()
    .describe("The columns in order; by default the fields of the first records written.")
    .meta({ title: "Columns", widget: "fields" }),
});

const XmlNameSchema = z.string().regex(/^[\p{L}_][\p{L}\p{N}_.-]*$/u, "must be a valid XML name, such as g");

export const XmlWriteSettingsSchema = z.object({
  recordsPath: z
    .string()
    .trim()
    .regex(/^[^\s]+$/, "must be a dotted path of element names, such as rss.channel.item")
    .default("records.record")
    .describe("The enclosing elements and the record element.")
    .meta({ title: "Records path" }),
  namespaces: z
    .record(XmlNameSchema, z.url({ message: "must be the namespace's URI" }))
    .default({})
    .describe("Prefixes used in field names (g:price) and their URIs, declared on the outermost element.")
    .meta({ title: "Namespaces" }),
});

export const DestinationFileConfigSchema = z.object({
  format: FileFormatSchema.default("csv"),
  fileName: FileNameTemplateSchema.default("records-{date}")
    .describe("The downloaded file's name; {date}, {time}, {datetime} and {run} are filled in. The format's extension is added when missing.")
    .meta({ title: "File name" }),
  csv: CsvWriteSettingsSchema.prefault({}).meta({ title: "CSV settings", visibleWhen: { field: "format", is: ["csv"] } }),
  xml: XmlWriteSettingsSchema.prefault({}).meta({ title: "XML settings", visibleWhen: { field: "format", is: ["xml"] } }),
});
export type DestinationFileConfig = z.infer<typeof DestinationFileConfigSchema>;

export const destinationFileDefinition = {
  id: "destination.file",
  version: 1,
  label: "Write a file",
  description: "Writes the records into a CSV, JSON, NDJSON or XML file that you can download from the run.",
  category: "destination",
  icon: "file-down",
  configSchema: DestinationFileConfigSchema,
  inputs: ["in"],
  outputs: [],
} as const satisfies NodeDefinition;
