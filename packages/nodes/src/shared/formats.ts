import { z } from "zod";

/**
 * Settings for reading and writing record formats, shared by the kinds that read files, API responses
 * and webhook bodies, and the one that writes files. Browser-safe: zod only, as the definitions that
 * use it are.
 */

/** Text encodings Flowgate reads and writes; the first three are the ones Polish suppliers send. */
export const TEXT_ENCODINGS = ["utf-8", "windows-1250", "iso-8859-2", "windows-1252", "iso-8859-1", "utf-16le"] as const;
export const TextEncodingSchema = z
  .enum(TEXT_ENCODINGS, {
    message: `must be one of the encodings Flowgate reads: ${TEXT_ENCODINGS.join(", ")}`,
  })
  .meta({
    title: "Encoding",
    optionLabels: {
      "utf-8": "UTF-8",
      "windows-1250": "Windows-1250 (Central European)",
      "iso-8859-2": "ISO-8859-2 (Latin-2)",
      "windows-1252": "Windows-1252 (Western)",
      "iso-8859-1": "ISO-8859-1 (Latin-1)",
      "utf-16le": "UTF-16 LE",
    },
  });

export const FILE_FORMATS = ["csv", "json", "ndjson", "xml"] as const;
export const FileFormatSchema = z
  .enum(FILE_FORMATS, { message: "must be CSV, JSON, NDJSON or XML" })
  .meta({ title: "Format", optionLabels: { csv: "CSV", json: "JSON", ndjson: "NDJSON (one record per line)", xml: "XML" } });

/** How CSV is read, wherever it comes from (a file, an API's response, a webhook's body). */
export const CsvReadSettingsSchema = z.object({
  delimiter: z
    .enum(["auto", ",", ";", "\t", "|"], { message: "must be auto, a comma, a semicolon, a tab or a pipe" })
    .default("auto")
    .describe("“auto” picks the one the header line uses most.")
    .meta({ title: "Delimiter", optionLabels: { auto: "Detect", ",": "Comma (,)", ";": "Semicolon (;)", "\t": "Tab", "|": "Pipe (|)" } }),
  header: z.boolean().default(true).describe("The first line holds the column names.").meta({ title: "Header line" }),
  quote: z
    .string()
    .max(1, "must be one character (or empty for none)")
    .default('"')
    .describe("Empty when values are never quoted.")
    .meta({ title: "Quote character" }),
  encoding: TextEncodingSchema.default("utf-8").describe("Excel in Poland saves windows-1250."),
});
export type CsvReadSettings = z.infer<typeof CsvReadSettingsSchema>;

/** The CSV reader's `quote`: the character, or false when the setting is empty (values are never quoted). */
export function csvQuote(settings: Pick<CsvReadSettings, "quote"> | undefined): string | false {
  const quote = settings?.quote ?? '"';
  return quote === "" ? false : quote;
}
