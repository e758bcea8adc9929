import iconv from "iconv-lite";
import { FormatError } from "./errors";

/**
 * Bytes to read: a Node Readable, a web ReadableStream, any (async) iterable of chunks, or the
 * whole content at once (a webhook body). Chunks may be bytes or already-decoded strings.
 */
export type FormatInput =
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array | string>
  | Uint8Array
  | string;

/** The encodings offered in the UI; any other name iconv-lite knows is accepted too. */
export const SUPPORTED_ENCODINGS = ["utf-8", "windows-1250", "iso-8859-2"] as const;

export async function* chunksOf(input: FormatInput): AsyncGenerator<Uint8Array | string> {
  if (typeof input === "string" || input instanceof Uint8Array) {
    yield input;
    return;
  }
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) yield chunk;
}

export function checkEncoding(encoding: string, format: FormatError["format"]): string {
  if (!iconv.encodingExists(encoding)) {
    throw new FormatError(
      `The encoding “${encoding}” is not known. Use utf-8, windows-1250 or iso-8859-2.`,
      format,
    );
  }
  return encoding;
}

/**
 * Decodes a byte stream to text chunk by chunk (a character split across two chunks is kept
 * whole) and drops a leading byte-order mark.
 */
export async function* decodeText(
  input: FormatInput,
  encoding: string,
  format: FormatError["format"],
): AsyncGenerator<string> {
  const decoder = iconv.getDecoder(checkEncoding(encoding, format), { stripBOM: true });
  let first = true;
  for await (const chunk of chunksOf(input)) {
    let text = typeof chunk === "string" ? chunk : decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * Reads text until `enough(head)` says the head is long enough to look at (or the input ends),
 * and returns the head with a stream that replays it followed by the rest.
 */
export async function peekText(
  text: AsyncIterable<string>,
  enough: (head: string) => boolean,
): Promise<{ head: string; all: AsyncGenerator<string> }> {
  const iterator = text[Symbol.asyncIterator]();
  const seen: string[] = [];
  let head = "";
  let done = false;
  while (!enough(head)) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    seen.push(next.value);
    head += next.value;
  }
  async function* all(): AsyncGenerator<string> {
    try {
      yield* seen;
      if (done) return;
      while (true) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head, all: all() };
}

export function excerpt(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
