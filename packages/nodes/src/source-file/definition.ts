import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";

/** Text encodings offered for files; the first three are the ones Polish suppliers send. */
export const FILE_ENCODINGS = ["utf-8", "windows-1250", "iso-8859-2", "windows-1252", "iso-8859-1", "utf-16le"] as const;
export const FileEncodingSchema = z.enum(FILE_ENCODINGS, {
  message: `must be one of the encodings Flowgate reads: ${FILE_ENCODINGS.join(", ")}`,
});

export const FILE_FORMATS = ["csv", "json", "ndjson", "xml"] as const;
export const FileFormatSchema = z.enum(FILE_FORMATS, { message: "must be CSV, JSON, NDJSON or XML" });

export const FileLocationSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("url"),
    url: z
      .url({ protocol: /^https?$/, message: "must be a full web address starting with http:// or https://" })
      .describe("The file's address; it is downloaded at every run."),
  }),
  z.object({
    type: z.literal("upload"),
    uploadId: z.string().min(1, "Upload a file"),
    fileName: z.string().min(1).max(255).describe("The uploaded file's name, shown on the canvas and in errors."),
  }),
]);
export type FileLocation = z.infer<typeof FileLocationSchema>;

export const CsvReadSettingsSchema = z.object({
  delimiter: z
    .enum(["auto", ",", ";", "\t", "|"], { message: "must be auto, a comma, a semicolon, a tab or a pipe" })
    .default("auto")
    .describe("“auto” picks the one the header line uses most."),
  header: z.boolean().default(true).describe("The first line holds the column names."),
  quote: z.string().max(1, "must be one character (or empty for none)").default('"').describe("Empty when values are never quoted."),
  encoding: FileEncodingSchema.default("utf-8").describe("Excel in Poland saves windows-1250."),
});

export const SourceFileConfigSchema = z.object({
  location: FileLocationSchema,
  format: FileFormatSchema.default("csv"),
  csv: CsvReadSettingsSchema.prefault({}),
  recordsPath: z
    .string()
    .trim()
    .max(500)
    .regex(/^[^\s]*$/, "must be a dotted path without spaces, such as rss.channel.item or data.items")
    .optional()
    .describe("JSON: the dotted path to the list (data.items). XML: the path of the record elements (rss.channel.item)."),
  skipBadLines: z
    .boolean()
    .default(false)
    .describe("Skip malformed lines (CSV, NDJSON) and note them in the run log, instead of stopping the run."),
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
