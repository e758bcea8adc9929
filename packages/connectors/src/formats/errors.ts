/** Where in a file something went wrong, as precisely as the format allows. */
export interface FormatPosition {
  /** 1-based line in the file. */
  line?: number;
  /** 1-based column (characters for XML, bytes for JSON). */
  column?: number;
  /** 0-based index of the record (the first data record is 0). */
  recordIndex?: number;
  /** 0-based byte offset (JSON). */
  byte?: number;
}

/**
 * A file that cannot be read as the chosen format. The message is written for the person who
 * configured the flow: what is wrong, where (line, column, record), and what to do about it.
 */
export class FormatError extends Error {
  override readonly name = "FormatError";
  constructor(
    message: string,
    readonly format: "csv" | "json" | "ndjson" | "xml" | "text",
    readonly position: FormatPosition = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A bad line or record that was skipped because the reader was asked to skip them. */
export interface SkippedRecord {
  /** 1-based line where the bad record starts. */
  line: number;
  /** Why it was skipped, in the same words an error would use. */
  reason: string;
  /** The raw text of the line, cut to 200 characters, when known. */
  raw?: string;
}
