import { Tokenizer, TokenParser, TokenType, type ParsedElementInfo } from "@streamparser/json";
import iconv from "iconv-lite";
import { Batcher, type FileRecord, type ReadOptionsBase, type RecordBatch } from "./batches";
import { FormatError } from "./errors";
import { checkEncoding, chunksOf, type FormatInput } from "./input";

export interface JsonReadOptions extends ReadOptionsBase {
  /**
   * Where the records are: `""` (default) for a top-level array (or a single top-level object,
   * read as one record), or a dotted path to an array inside an object, such as `data.items`.
   */
  recordsPath?: string;
  /** utf-8 (default) or another encoding iconv-lite knows. */
  encoding?: string;
}

/**
 * Reads a JSON document as a stream: only the record being parsed is in memory, so a 1 GB array
 * reads in the memory of one batch. A record that is not an object becomes `{ value }`.
 */
export async function* readJson(input: FormatInput, options: JsonReadOptions = {}): AsyncGenerator<RecordBatch> {
  const encoding = checkEncoding(options.encoding ?? "utf-8", "json");
  const utf8 = iconv.encodingExists(encoding) && /^utf-?8$/i.test(encoding);
  const segments = pathSegments(options.recordsPath);
  const batcher = new Batcher(options);
  const where = new ByteLines();

  let mode: "array-or-path" | "single" | undefined = segments.length > 0 ? "array-or-path" : undefined;
  let container: "missing" | "array" | "object" | "other" = "missing";
  let lastTokenOffset = 0;
  let ended = false;

  let tokenizer: Tokenizer | undefined;
  const start = (firstByte: number) => {
    if (mode === undefined) mode = firstByte === 0x7b /* { */ ? "single" : "array-or-path";
    const base = ["$", ...segments].join(".");
    // Only the records' path: asking for the container too would make the parser keep it whole.
    const paths = mode === "single" ? ["$"] : [`${base}.*`];
    const parser = new TokenParser({ paths, keepStack: false });
    parser.onValue = (info: ParsedElementInfo) => {
      batcher.add(asRecord(info.value));
    };
    parser.onEnd = () => {
      ended = true;
    };
    const t = new Tokenizer();
    const watch = segments.length > 0 ? new PathWatch(segments) : undefined;
    t.onToken = (token) => {
      lastTokenOffset = token.offset;
      if (watch && container === "missing") container = watch.see(token.token, token.value);
      parser.write(token);
    };
    t.onEnd = () => {
      if (!ended) parser.end();
    };
    tokenizer = t;
  };

  try {
    const decoder = utf8 ? undefined : iconv.getDecoder(encoding);
    const leading: Uint8Array[] = [];
    for await (const raw of chunksOf(input)) {
      const bytes = toUtf8(raw, decoder);
      if (bytes.length === 0) continue;
      if (!tokenizer) {
        const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
        if (first === undefined) {
          leading.push(bytes);
          continue;
        }
        start(first);
        for (const blank of leading) {
          where.current = blank;
          tokenizer!.write(blank);
          where.advance(blank);
        }
      }
      where.current = bytes;
      tokenizer!.write(bytes);
      where.advance(bytes);
      if (batcher.full) break;
      yield* batcher.take();
    }
    if (decoder) {
      const rest = decoder.end();
      if (rest) tokenizer?.write(Buffer.from(rest, "utf8"));
    }
    if (!batcher.full) {
      if (!tokenizer) throw new FormatError("The JSON file is empty. Check that the whole file was downloaded.", "json", { line: 1 });
      where.current = undefined;
      tokenizer.end();
    }
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw describeJsonError(error as Error, where, lastTokenOffset, batcher.count);
  }
  if (!batcher.full && segments.length > 0) {
    const path = segments.join(".");
    if (container === "missing") {
      throw new FormatError(`The JSON has nothing at “${path}”. Check the records path.`, "json");
    }
    if (container === "other") {
      throw new FormatError(`“${path}” in the JSON is a single value, not a list of records. Check the records path.`, "json");
    }
  }
  yield* batcher.flush();
}

function pathSegments(path: string | undefined): string[] {
  const trimmed = (path ?? "").trim().replace(/^\$\.?/, "");
  return trimmed === "" ? [] : trimmed.split(".").filter((s) => s !== "");
}

function asRecord(value: unknown): FileRecord {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as FileRecord) : { value };
}

function toUtf8(chunk: Uint8Array | string, decoder: { write(b: Buffer): string } | undefined): Uint8Array {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  if (!decoder) return chunk;
  return Buffer.from(decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)), "utf8");
}

/**
 * Follows the object keys of the token stream, just far enough to tell whether the records path
 * exists and holds a list (an empty list is fine; a missing path is a mistake in the flow).
 */
class PathWatch {
  private readonly stack: { object: boolean; key: string | undefined; expectKey: boolean }[] = [];
  constructor(private readonly segments: string[]) {}

  see(token: TokenType, value: unknown): "missing" | "array" | "object" | "other" {
    const top = this.stack[this.stack.length - 1];
    if (token === TokenType.STRING && top?.object && top.expectKey) {
      top.key = value as string;
      top.expectKey = false;
      return "missing";
    }
    if (token === TokenType.COMMA) {
      if (top?.object) top.expectKey = true;
      return "missing";
    }
    if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      this.stack.pop();
      return "missing";
    }
    if (token === TokenType.COLON || token === TokenType.SEPARATOR) return "missing";
    // A value starts here: is it the one at the records path?
    let found: "missing" | "array" | "object" | "other" = "missing";
    if (this.stack.length === this.segments.length && this.stack.every((f, i) => f.object && f.key === this.segments[i])) {
      found = token === TokenType.LEFT_BRACKET ? "array" : token === TokenType.LEFT_BRACE ? "object" : "other";
    }
    if (token === TokenType.LEFT_BRACE) this.stack.push({ object: true, key: undefined, expectKey: true });
    else if (token === TokenType.LEFT_BRACKET) this.stack.push({ object: false, key: undefined, expectKey: false });
    return found;
  }
}

/** Turns a byte offset into a line and column, counting newlines chunk by chunk as they pass. */
class ByteLines {
  private offset = 0;
  private lines = 1;
  private lineStart = 0;
  current: Uint8Array | undefined;

  advance(chunk: Uint8Array): void {
    let i = chunk.indexOf(0x0a);
    while (i !== -1) {
      this.lines += 1;
      this.lineStart = this.offset + i + 1;
      i = chunk.indexOf(0x0a, i + 1);
    }
    this.offset += chunk.length;
  }

  /** Line and column of an absolute byte offset in the chunk being written (or the end). */
  at(position: number | undefined): { line: number; column: number; byte: number } {
    let lines = this.lines;
    let lineStart = this.lineStart;
    const chunk = this.current;
    if (chunk && position !== undefined && position >= this.offset) {
      const end = Math.min(position - this.offset, chunk.length);
      let i = chunk.indexOf(0x0a);
      while (i !== -1 && i < end) {
        lines += 1;
        lineStart = this.offset + i + 1;
        i = chunk.indexOf(0x0a, i + 1);
      }
      return { line: lines, column: position - lineStart + 1, byte: position };
    }
    const byte = position ?? this.offset;
    return { line: lines, column: byte - lineStart + 1, byte };
  }
}

const PARSER_EXPECTED: Record<string, string> = {
  VALUE: "a value (a string, number, object, array, true, false or null)",
  KEY: "a property name in double quotes",
  COLON: "a colon (:) after the property name",
  COMMA: "a comma or a closing bracket",
  ENDED: "the end of the document",
  SEPARATOR: "the end of the document",
};

function describeJsonError(error: Error, where: ByteLines, lastTokenOffset: number, records: number): FormatError {
  const message = error.message ?? String(error);
  const read = `${records} ${records === 1 ? "record" : "records"} read before it`;
  if (/ended in the middle|ended in mid-parsing/.test(message)) {
    const at = where.at(undefined);
    return new FormatError(
      `The JSON ends too early, at line ${at.line} (byte ${at.byte}), in the middle of ${/state: (KEY|COLON|COMMA|VALUE)\)/.test(message) ? "an object or array" : "a value"}; ${read}. ` +
        "The file looks truncated: check that the whole file was downloaded.",
      "json",
      { ...at, recordIndex: records },
      { cause: error },
    );
  }
  const tokenizer = /Unexpected "(.*)" at chunk position "\d+" \(absolute position "(\d+)"\) in state (\w+)/s.exec(message);
  if (tokenizer) {
    const at = where.at(Number(tokenizer[2]));
    const state = tokenizer[3]!;
    const context = state.startsWith("STRING")
      ? " inside a string (a control character or a bad escape)"
      : state.startsWith("NUMBER")
        ? " inside a number"
        : /^(TRUE|FALSE|NULL)/.test(state)
          ? " inside true, false or null"
          : " where a value, a comma or a bracket was expected";
    return new FormatError(
      `The JSON is malformed at line ${at.line}, column ${at.column} (byte ${at.byte}): unexpected “${printable(tokenizer[1]!)}”${context}; ${read}. Fix the file or ask its sender for valid JSON.`,
      "json",
      { ...at, recordIndex: records },
      { cause: error },
    );
  }
  const parser = /Unexpected (\w+) \((.*)\) in state (\w+)/s.exec(message);
  if (parser) {
    const at = where.at(lastTokenOffset);
    const expected = PARSER_EXPECTED[parser[3]!] ?? "something else";
    return new FormatError(
      `The JSON is malformed at line ${at.line}, column ${at.column} (byte ${at.byte}): found ${parser[2]} where ${expected} was expected; ${read}. Fix the file or ask its sender for valid JSON.`,
      "json",
      { ...at, recordIndex: records },
      { cause: error },
    );
  }
  const at = where.at(undefined);
  return new FormatError(`The JSON could not be read near line ${at.line}: ${message}`, "json", { ...at, recordIndex: records }, { cause: error });
}

function printable(char: string): string {
  return char === "\n" ? "\\n" : char === "\r" ? "\\r" : char === "\t" ? "\\t" : char;
}
