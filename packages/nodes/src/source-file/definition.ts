import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";
import { CsvReadSettingsSchema, FileFormatSchema } from "../shared/formats";

export const FileLocationSchema = z
  .discriminatedUnion("type", [
    z
      .object({
        type: z.literal("url"),
        url: z
          .url({ protocol: /^https?$/, message: "must be a full web address starting with http:// or https://" })
          .describe("The file's address; it is downloaded at every run.")
          .meta({ title: "File URL", placeholder: "https://example.com/products.csv" }),
      })
      .meta({ title: "From a web address" }),
    z
      .object({
        type: z.literal("upload"),
        uploadId: z.string().min(1, "Upload a file").meta({ title: "Upload id" }),
        fileName: z.string().min(1).max(255).describe("The uploaded file's name, shown on the canvas and in errors.").meta({ title: "File name" }),
      })
      .meta({ title: "Uploaded" }),
  ])
  .meta({ title: "File" });
export type FileLocation = z.infer<typeof FileLocationSchema>;

export const SourceFileConfigSchema = z.object({
  location: FileLocationSchema,
  format: FileFormatSchema.default("csv"),
  csv: CsvReadSettingsSchema.prefault({}).meta({ title: "CSV settings", visibleWhen: { field: "format", is: ["csv"] } }),
  recordsPath: z
    .string()
    .trim()
    .max(500)
    .regex(/^[^\s]*$/, "must be a dotted path without spaces, such as rss.channel.item or data.items")
    .optional()
    .describe("JSON: the dotted path to the list (data.items). XML: the path of the record elements (rss.channel.item).")
    .meta({ title: "Records path", placeholder: "data.items", visibleWhen: { field: "format", is: ["json", "xml"] } }),
  skipBadLines: z
    .boolean()
    .default(false)
    .describe("Skip malformed lines (CSV, NDJSON) and note them in the run log, instead of stopping the run.")
    .meta({ title: "Skip bad lines" }),
});
export type SourceFileConfig = z.infer<typeof SourceFileConfigSchema>;

export const sourceFileDefinition = {
  id: "source.file",
  version: 1,
  label: "Read a file",
  description: "Reads records from a CSV, JSON, NDJSON or XML file, downloaded from an address or uploaded.",
  category: "source",
  icon: "file",
  configSchema: SourceFileConfigSchema,
  inputs: ["in"],
  outputs: ["out"],
} as const satisfies NodeDefinition;
