import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";
import { HighlightStyle, StreamLanguage, type StringStream } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { fieldExpression } from "./sample-fields";

/*
 * JSONata for the expression editor: a small tokenizer for highlighting (strings, numbers,
 * $functions, operators, field names), its colours, and completions of record fields and the
 * functions people use most.
 */

interface TokenState {
  inComment: boolean;
}

const KEYWORDS = /^(and|or|in)\b/;
const ATOMS = /^(true|false|null)\b/;
const NUMBER = /^(\d+(\.\d+)?([eE][+-]?\d+)?)/;
const FUNCTION = /^\$[A-Za-z_][A-Za-z0-9_]*/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATOR = /^(:=|!=|<=|>=|~>|\?\?|\?:|\.\.|[-+*/%&=<>?:!|^~])/;
const PUNCTUATION = /^[.,;()[\]{}@#]/;

/** One token of JSONata; the returned names are @lezer/highlight tags. */
export function jsonataToken(stream: StringStream, state: TokenState): string | null {
  if (state.inComment) {
    if (stream.skipTo("*/")) {
      stream.match("*/");
      state.inComment = false;
    } else {
      stream.skipToEnd();
    }
    return "comment";
  }
  if (stream.eatSpace()) return null;
  if (stream.match("/*")) {
    state.inComment = true;
    return jsonataToken(stream, state) ?? "comment";
  }
  const quote = stream.peek();
  if (quote === '"' || quote === "'") {
    stream.next();
    let escaped = false;
    for (let ch = stream.next(); ch !== undefined; ch = stream.next()) {
      if (ch === quote && !escaped) break;
      escaped = !escaped && ch === "\\";
    }
    return "string";
  }
  if (quote === "`") {
    stream.next();
    if (stream.skipTo("`")) stream.next();
    else stream.skipToEnd();
    return "propertyName";
  }
  if (stream.match(NUMBER)) return "number";
  if (stream.match(FUNCTION)) return "variableName.special";
  if (stream.match("$")) return "variableName.special";
  if (stream.match(KEYWORDS)) return "keyword";
  if (stream.match(ATOMS)) return "atom";
  if (stream.match(NAME)) return "propertyName";
  if (stream.match(OPERATOR)) return "operator";
  if (stream.match(PUNCTUATION)) return "punctuation";
  stream.next();
  return null;
}

export const jsonataLanguage = StreamLanguage.define<TokenState>({
  name: "jsonata",
  startState: () => ({ inComment: false }),
  token: jsonataToken,
  copyState: (state) => ({ ...state }),
  languageData: { commentTokens: { block: { open: "/*", close: "*/" } } },
});

export const jsonataHighlight = HighlightStyle.define([
  { tag: tags.string, color: "#047857" },
  { tag: tags.number, color: "#b45309" },
  { tag: [tags.atom, tags.bool], color: "#b45309" },
  { tag: tags.special(tags.variableName), color: "#4338ca", fontWeight: "500" },
  { tag: tags.keyword, color: "#7c3aed", fontWeight: "500" },
  { tag: tags.propertyName, color: "#0f172a" },
  { tag: tags.operator, color: "#64748b" },
  { tag: tags.punctuation, color: "#64748b" },
  { tag: tags.comment, color: "#94a3b8", fontStyle: "italic" },
]);

/** The functions offered first: the ones field mappings and conditions use day to day. */
export const COMMON_FUNCTIONS: readonly { name: string; args: string; info: string }[] = [
  { name: "round", args: "number, decimals", info: "Rounds a number, e.g. $round(price * 1.25, 2)" },
  { name: "number", args: "value", info: "Reads a text as a number" },
  { name: "string", args: "value", info: "Writes a value as text" },
  { name: "uppercase", args: "text", info: "Capital letters" },
  { name: "lowercase", args: "text", info: "Small letters" },
  { name: "trim", args: "text", info: "Removes spaces around the text and doubles inside it" },
  { name: "substring", args: "text, start, length", info: "Part of a text" },
  { name: "contains", args: "text, part", info: "Whether the text holds the part" },
  { name: "split", args: "text, separator", info: "Cuts a text into a list" },
  { name: "join", args: "list, separator", info: "Joins a list into a text" },
  { name: "replace", args: "text, find, replacement", info: "Replaces a part of a text" },
  { name: "length", args: "text", info: "Number of characters" },
  { name: "exists", args: "value", info: "Whether the field is there" },
  { name: "boolean", args: "value", info: "Yes/no from a value" },
  { name: "not", args: "value", info: "The opposite of a yes/no" },
  { name: "floor", args: "number", info: "Rounds down" },
  { name: "ceil", args: "number", info: "Rounds up" },
  { name: "abs", args: "number", info: "Without the minus sign" },
  { name: "sum", args: "list", info: "Adds up a list of numbers" },
  { name: "count", args: "list", info: "Number of items" },
  { name: "now", args: "", info: "The current time as an ISO timestamp" },
  { name: "formatNumber", args: "number, picture", info: "e.g. $formatNumber(price, '#,##0.00')" },
  { name: "lookup", args: "object, key", info: "A field of an object by name" },
  { name: "merge", args: "list of objects", info: "One object from several" },
];

const FUNCTION_COMPLETIONS: Completion[] = COMMON_FUNCTIONS.map((fn) => ({
  label: `$${fn.name}`,
  type: "function",
  detail: `(${fn.args})`,
  info: fn.info,
  apply: `$${fn.name}(`,
}));

/** Completes record fields (as dotted paths) and $functions at the cursor. */
export function jsonataCompletions(fields: () => readonly string[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/\$?[A-Za-z0-9_.`]*$/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    if (word.text.startsWith("$")) return { from: word.from, options: FUNCTION_COMPLETIONS, validFor: /^\$[A-Za-z0-9_]*$/ };
    const fieldOptions: Completion[] = fields().map((path) => ({ label: fieldExpression(path), type: "property", detail: "field" }));
    return { from: word.from, options: [...fieldOptions, ...FUNCTION_COMPLETIONS], validFor: /^[A-Za-z0-9_.`]*$/ };
  };
}

/**
 * Where to underline an error JSONata reports at `position` (just after the offending token): the
 * word or character that ends there, within the text.
 */
export function errorRange(source: string, position: number | undefined): { from: number; to: number } | null {
  if (position === undefined || source.length === 0) return null;
  const to = Math.min(Math.max(position, 1), source.length);
  let from = to;
  while (from > 0 && /[A-Za-z0-9_$]/.test(source.charAt(from - 1))) from--;
  if (from === to) from = to - 1;
  return { from, to };
}
