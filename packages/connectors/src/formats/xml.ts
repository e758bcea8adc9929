import iconv from "iconv-lite";
import { SaxesParser } from "saxes";
import { Batcher, type FileRecord, type ReadOptionsBase, type RecordBatch } from "./batches";
import { FormatError } from "./errors";
import { chunksOf, decodeText, type FormatInput } from "./input";

export interface XmlReadOptions extends ReadOptionsBase {
  /**
   * The elements that are records, as a dotted path from the root element: `rss.channel.item`,
   * `feed.entry`. `*` matches any one element name. Default `*.*`: every child of the root.
   */
  recordsPath?: string;
  /** Overrides the encoding the XML declaration names (utf-8 when it names none). */
  encoding?: string;
  /** Trim whitespace around text values (default true). */
  trimText?: boolean;
}

interface Frame {
  name: string;
  fields: FileRecord;
  text: string;
  hasFields: boolean;
  /** Children seen more than once, whose field is the array of their values. */
  repeated?: Set<string>;
}

/**
 * Reads XML as a stream (saxes): only the record element being read is in memory.
 *
 * An element becomes a record like this: attributes become `@name` fields, child elements become
 * fields by their name as written (namespaced names such as `g:price` are kept), a repeated child
 * becomes an array, a child with only text becomes a string, a child with attributes or children
 * becomes an object, and text next to attributes or children is `#text`. CDATA is text; the
 * standard XML entities are decoded.
 */
export async function* readXml(input: FormatInput, options: XmlReadOptions = {}): AsyncGenerator<RecordBatch> {
  const pattern = (options.recordsPath?.trim() || "*.*").split(".").filter((s) => s !== "");
  const trimText = options.trimText ?? true;
  const batcher = new Batcher(options);
  const parser = new SaxesParser({ position: true });

  const path: string[] = [];
  let record: Frame[] | undefined; // the open elements of the record being read, the record first

  parser.on("error", (error) => {
    const reason = error.message.replace(/^\d+:\d+: /, "").replace(/\.$/, "");
    throw new FormatError(
      `The XML is not well-formed at line ${parser.line}, column ${parser.column}: ${reason}. ` +
        "Fix the file or ask its sender for valid XML.",
      "xml",
      { line: parser.line, column: parser.column, recordIndex: batcher.count },
      { cause: error },
    );
  });
  parser.on("opentag", (tag) => {
    path.push(tag.name);
    if (!record) {
      if (!matches(path, pattern)) return;
      record = [];
    }
    const frame: Frame = { name: tag.name, fields: {}, text: "", hasFields: false };
    for (const [name, value] of Object.entries(tag.attributes)) {
      frame.fields[`@${name}`] = value;
      frame.hasFields = true;
    }
    record.push(frame);
  });
  const onText = (text: string) => {
    if (record && record.length > 0) record[record.length - 1]!.text += text;
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", () => {
    path.pop();
    if (!record) return;
    const frame = record.pop()!;
    const text = trimText ? frame.text.trim() : frame.text;
    if (record.length === 0) {
      if (text !== "") frame.fields["#text"] = text;
      batcher.add(frame.fields, parser.line);
      record = undefined;
      return;
    }
    let value: unknown = text;
    if (frame.hasFields) {
      if (text !== "") frame.fields["#text"] = text;
      value = frame.fields;
    }
    const parent = record[record.length - 1]!;
    const existing = parent.fields[frame.name];
    if (existing === undefined) parent.fields[frame.name] = value;
    else if (parent.repeated?.has(frame.name)) (existing as unknown[]).push(value);
    else {
      parent.fields[frame.name] = [existing, value];
      (parent.repeated ??= new Set()).add(frame.name);
    }
    parent.hasFields = true;
  });

  for await (const text of await withDeclaredEncoding(input, options.encoding)) {
    parser.write(text);
    if (batcher.full) break;
    yield* batcher.take();
  }
  if (!batcher.full) parser.close();
  yield* batcher.flush();
}

function matches(path: string[], pattern: string[]): boolean {
  if (path.length !== pattern.length) return false;
  for (let i = 0; i < path.length; i++) if (pattern[i] !== "*" && pattern[i] !== path[i]) return false;
  return true;
}

/**
 * XML names its own encoding in its declaration (`<?xml … encoding="windows-1250"?>`); the bytes
 * are decoded with it unless the flow says otherwise. Returns utf-8 text chunks as an input.
 */
async function withDeclaredEncoding(input: FormatInput, encoding: string | undefined): Promise<AsyncIterable<string>> {
  const iterator = chunksOf(input)[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<Uint8Array | string> {
    if (!first.done) yield first.value;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  let chosen = encoding;
  if (!chosen && !first.done && typeof first.value !== "string") {
    const head = Buffer.from(first.value.buffer, first.value.byteOffset, Math.min(first.value.byteLength, 200)).toString("latin1");
    const declared = /^(?:\uFEFF|\u00EF\u00BB\u00BF)?\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
    if (declared && iconv.encodingExists(declared)) chosen = declared;
  }
  return decodeText(rest(), chosen ?? "utf-8", "xml");
}
