import { stringify } from "csv-stringify/sync";
import iconv from "iconv-lite";
import { Readable } from "node:stream";
import type { FileRecord } from "./batches";
import { checkEncoding } from "./input";

export type FileFormat = "csv" | "json" | "ndjson" | "xml";

export interface CsvWriteOptions {
  format: "csv";
  /** Default `,`. */
  delimiter?: string;
  /** Write a header row with the column names (default true). */
  header?: boolean;
  /** The columns, in order. Default: the fields of the first batch, in the order they first appear. */
  columns?: string[];
  /** utf-8 (default), windows-1250, iso-8859-2… */
  encoding?: string;
  /** Start a utf-8 file with a byte-order mark, so Excel opens it as utf-8. */
  bom?: boolean;
  /** Write numbers with a decimal comma (`12,5`), as Polish Excel expects with `;`. */
  decimalComma?: boolean;
}

export interface JsonWriteOptions {
  format: "json" | "ndjson";
}

export interface XmlWriteOptions {
  format: "xml";
  /** Enclosing elements and the record element, e.g. `rss.channel.item`. Default `records.record`. */
  recordsPath?: string;
  /** Namespace prefixes to declare on the outermost element, e.g. `{ g: "http://base.google.com/ns/1.0" }`. */
  namespaces?: Record<string, string>;
  /** utf-8 (default) or another encoding; the XML declaration names it. */
  encoding?: string;
}

export type WriteFormatOptions = CsvWriteOptions | JsonWriteOptions | XmlWriteOptions;

/**
 * Turns batches of records into the bytes of a file, batch by batch, so a destination can append
 * each batch to its artifact as it comes and memory stays bounded by one batch.
 */
export interface RecordEncoder {
  readonly contentType: string;
  readonly fileExtension: string;
  /** The bytes for these records (the file's opening comes with the first call). */
  write(records: readonly FileRecord[]): Buffer;
  /** The file's closing bytes. */
  end(): Buffer;
}

export function createRecordEncoder(options: WriteFormatOptions): RecordEncoder {
  switch (options.format) {
    case "csv":
      return csvEncoder(options);
    case "json":
      return jsonEncoder();
    case "ndjson":
      return ndjsonEncoder();
    case "xml":
      return xmlEncoder(options);
  }
}

/** The whole file as a stream of bytes, from a stream of batches. */
export function encodeRecords(
  batches: AsyncIterable<readonly FileRecord[]> | Iterable<readonly FileRecord[]>,
  options: WriteFormatOptions,
): Readable {
  const encoder = createRecordEncoder(options);
  async function* bytes(): AsyncGenerator<Buffer> {
    for await (const batch of batches) {
      const chunk = encoder.write(batch);
      if (chunk.length > 0) yield chunk;
    }
    const last = encoder.end();
    if (last.length > 0) yield last;
  }
  return Readable.from(bytes(), { objectMode: false });
}

function csvEncoder(options: CsvWriteOptions): RecordEncoder {
  const encoding = checkEncoding(options.encoding ?? "utf-8", "csv");
  const delimiter = options.delimiter ?? ",";
  const decimal = options.decimalComma ? "," : ".";
  let columns = options.columns;
  let started = false;
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    if (typeof value === "number") return decimal === "." ? String(value) : String(value).replace(".", ",");
    if (typeof value === "string") return value;
    if (typeof value === "boolean" || typeof value === "bigint") return String(value);
    if (value instanceof Date) return value.toISOString();
    return JSON.stringify(value);
  };
  const encode = (text: string, first: boolean): Buffer => {
    const bom = first && options.bom && /^utf-?8$/i.test(encoding) ? "\uFEFF" : "";
    return iconv.encode(bom + text, encoding);
  };
  return {
    contentType: `text/csv; charset=${encoding}`,
    fileExtension: "csv",
    write(records) {
      if (records.length === 0 && started) return Buffer.alloc(0);
      if (!columns) {
        const seen = new Set<string>();
        for (const record of records) for (const key of Object.keys(record)) seen.add(key);
        columns = [...seen];
      }
      const cols = columns;
      const rows = records.map((record) => cols.map((column) => cell(record[column])));
      if (!started && (options.header ?? true)) rows.unshift(cols);
      const first = !started;
      started = true;
      if (rows.length === 0) return encode("", first);
      return encode(stringify(rows, { delimiter, record_delimiter: "\r\n" }), first);
    },
    end() {
      return started ? Buffer.alloc(0) : this.write([]);
    },
  };
}

function jsonEncoder(): RecordEncoder {
  let count = 0;
  return {
    contentType: "application/json",
    fileExtension: "json",
    write(records) {
      let text = count === 0 ? "[" : "";
      for (const record of records) text += `${count++ === 0 ? "\n" : ",\n"}${JSON.stringify(record)}`;
      if (count === 0) return Buffer.alloc(0);
      return Buffer.from(text, "utf8");
    },
    end() {
      return Buffer.from(count === 0 ? "[]\n" : "\n]\n", "utf8");
    },
  };
}

function ndjsonEncoder(): RecordEncoder {
  return {
    contentType: "application/x-ndjson",
    fileExtension: "ndjson",
    write(records) {
      let text = "";
      for (const record of records) text += `${JSON.stringify(record)}\n`;
      return Buffer.from(text, "utf8");
    },
    end() {
      return Buffer.alloc(0);
    },
  };
}

function xmlEncoder(options: XmlWriteOptions): RecordEncoder {
  const encoding = checkEncoding(options.encoding ?? "utf-8", "xml");
  const names = (options.recordsPath?.trim() || "records.record").split(".").filter((s) => s !== "").map(xmlName);
  const element = names.length > 1 ? names.pop()! : "record";
  const wrappers = names.length > 0 ? names : ["records"];
  let started = false;
  const open = () => {
    const ns = Object.entries(options.namespaces ?? {})
      .map(([prefix, uri]) => ` xmlns:${xmlName(prefix)}="${escapeXml(uri, true)}"`)
      .join("");
    return (
      `<?xml version="1.0" encoding="${encoding.toUpperCase()}"?>\n` +
      wrappers.map((name, i) => `<${name}${i === 0 ? ns : ""}>`).join("") +
      "\n"
    );
  };
  return {
    contentType: `application/xml; charset=${encoding}`,
    fileExtension: "xml",
    write(records) {
      let text = started ? "" : open();
      started = true;
      for (const record of records) text += `${elementXml(element, record)}\n`;
      return iconv.encode(text, encoding);
    },
    end() {
      const text = (started ? "" : open()) + [...wrappers].reverse().map((name) => `</${name}>`).join("") + "\n";
      started = true;
      return iconv.encode(text, encoding);
    },
  };
}

/** The inverse of the reader: `@name` fields are attributes, `#text` is text, arrays repeat. */
function elementXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => elementXml(name, item)).join("");
  if (value === null || value === undefined) return `<${name}/>`;
  if (typeof value !== "object" || value instanceof Date) return `<${name}>${escapeXml(scalar(value), false)}</${name}>`;
  let attributes = "";
  let children = "";
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith("@")) {
      if (child !== undefined && child !== null) attributes += ` ${xmlName(key.slice(1))}="${escapeXml(scalar(child), true)}"`;
    } else if (key === "#text") {
      children += escapeXml(scalar(child), false);
    } else if (child !== undefined) {
      children += elementXml(xmlName(key), child);
    }
  }
  return children === "" ? `<${name}${attributes}/>` : `<${name}${attributes}>${children}</${name}>`;
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value ?? "");
}

/** A field name made into a valid XML name (`unit price` → `unit_price`, `1st` → `_1st`); `g:price` stays. */
export function xmlName(name: string): string {
  let out = name.replace(/[^\p{L}\p{N}_.:-]/gu, "_");
  if (!/^[\p{L}_]/u.test(out)) out = `_${out}`;
  return out;
}

function escapeXml(text: string, attribute: boolean): string {
  // Characters XML 1.0 cannot hold at all are dropped rather than making the file unreadable.
  let out = text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
  out = out.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (attribute) out = out.replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
  return out;
}
