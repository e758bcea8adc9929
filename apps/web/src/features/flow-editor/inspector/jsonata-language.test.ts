import { StringStream } from "@codemirror/language";
import { describe, expect, it } from "vitest";
import { errorRange, jsonataToken } from "./jsonata-language";

function tokens(line: string): [string, string | null][] {
  const stream = new StringStream(line, 2, 2);
  const state = { inComment: false };
  const out: [string, string | null][] = [];
  while (!stream.eol()) {
    const type = jsonataToken(stream, state);
    const text = stream.current();
    if (text.trim() !== "") out.push([text, type]);
    stream.start = stream.pos;
  }
  return out;
}

describe("jsonataToken", () => {
  it("tells functions, field names, numbers, strings and operators apart", () => {
    expect(tokens(`$round(price * 1.25, 2) & " PLN"`)).toEqual([
      ["$round", "variableName.special"],
      ["(", "punctuation"],
      ["price", "propertyName"],
      ["*", "operator"],
      ["1.25", "number"],
      [",", "punctuation"],
      ["2", "number"],
      [")", "punctuation"],
      ["&", "operator"],
      [`" PLN"`, "string"],
    ]);
    expect(tokens("stock > 0 and `Cena brutto` != null")).toEqual([
      ["stock", "propertyName"],
      [">", "operator"],
      ["0", "number"],
      ["and", "keyword"],
      ["`Cena brutto`", "propertyName"],
      ["!=", "operator"],
      ["null", "atom"],
    ]);
  });
});

describe("errorRange", () => {
  it("underlines the word that ends where JSONata reports the error", () => {
    expect(errorRange("price *", 7)).toEqual({ from: 6, to: 7 });
    expect(errorRange("price foo", 9)).toEqual({ from: 6, to: 9 });
    expect(errorRange("", 0)).toBeNull();
  });
});
