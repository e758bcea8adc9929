/**
 * What a flow file may be before anything parses it. A real flow is a few kilobytes and a dozen levels
 * deep; these bounds keep a hostile file from costing the server memory or a stack overflow.
 */
export const MAX_FLOW_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_FLOW_FILE_DEPTH = 64;

export function describeFileSize(bytes: number): string {
  const round = (value: number) => value.toFixed(1).replace(/\.0$/, "");
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** `what`: the kind of file, "flow" or "template". */
export function fileTooLargeMessage(bytes: number, what = "flow"): string {
  return (
    `The file is too large (${describeFileSize(bytes)}): a Flowgate ${what} file can be at most ${describeFileSize(MAX_FLOW_FILE_BYTES)}. ` +
    `Check that you chose a ${what} file exported from Flowgate (they are usually a few kilobytes).`
  );
}

/** The size of `text` in UTF-8, which is never less than its length in UTF-16 code units. */
export function utf8Size(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: one 4-byte character.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export interface DepthExcess {
  /** 1-based line and column of the bracket that went one level too deep. */
  line: number;
  column: number;
}

/**
 * Where JSON text first nests deeper than `maxDepth` arrays and objects, or undefined when it never
 * does. One pass, no recursion and no allocation, so 10,000 levels are refused without ever reaching
 * a recursive parser. Brackets inside strings do not count; the text need not be valid JSON.
 */
export function findExcessDepth(text: string, maxDepth: number): DepthExcess | undefined {
  let depth = 0;
  let inString = false;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x0a) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (inString) {
      if (char === 0x5c) i++; // a backslash escapes the next character, a quote included
      else if (char === 0x22) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > maxDepth) return { line, column: i - lineStart + 1 };
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return undefined;
}
