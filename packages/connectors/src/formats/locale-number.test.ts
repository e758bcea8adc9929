import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseLocaleNumber } from "./locale-number";

describe("parseLocaleNumber", () => {
  it.each([
    ["12,50", 12.5],
    ["1 234,56", 1234.56],
    ["1\u00A0234,56", 1234.56],
    ["1.234,56", 1234.56],
    ["1,234.56", 1234.56],
    ["-0,5", -0.5],
    ["12.5", 12.5],
    ["+7", 7],
    ["1.234.567", 1234567],
    ["1,234,567", 1234567],
    ["1'234.5", 1234.5],
    ["1\u2019234.5", 1234.5],
    [",5", 0.5],
    ["1,234", 1.234],
    ["1.5e3", 1500],
    ["  42  ", 42],
    ["\u2212 3".replace(" ", ""), -3],
  ])("reads %j as %d", (text, expected) => {
    expect(parseLocaleNumber(text)).toBe(expected);
  });

  it.each(["", "abc", "12 PLN", "1,2,3.4.5", "1.23.4", "1 23,5", "12,5,6", "--1", "0x10", "Infinity", "NaN", "1e", ",", "1 234.567,8"])(
    "refuses %j",
    (text) => {
      expect(parseLocaleNumber(text)).toBeUndefined();
    },
  );

  it("reads 1,234 as thousands when told the decimal separator is a dot", () => {
    expect(parseLocaleNumber("1,234", { decimal: "." })).toBe(1234);
    expect(parseLocaleNumber("1.234", { decimal: "," })).toBe(1234);
  });

  it("passes finite numbers through and refuses other types", () => {
    expect(parseLocaleNumber(3.5)).toBe(3.5);
    expect(parseLocaleNumber(Number.NaN)).toBeUndefined();
    expect(parseLocaleNumber(null)).toBeUndefined();
    expect(parseLocaleNumber(true)).toBeUndefined();
  });

  const cents = fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }).map((n) => n / 100);
  const locales = ["pl-PL", "de-DE", "en-US", "fr-FR", "de-CH"] as const;

  it("reads back what Intl writes in each locale with decimals shown, in auto mode", () => {
    fc.assert(
      fc.property(cents, fc.constantFrom(...locales), fc.boolean(), (value, locale, grouping) => {
        const text = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: grouping }).format(value);
        expect(parseLocaleNumber(text)).toBe(value);
      }),
    );
  });

  it("reads back integers with grouping in every locale when the decimal separator is given", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(...locales), (value, locale) => {
        const format = new Intl.NumberFormat(locale);
        const decimal = format.formatToParts(1.5).find((p) => p.type === "decimal")!.value as "," | ".";
        expect(parseLocaleNumber(format.format(value), { decimal })).toBe(value);
      }),
    );
  });

  it("reads back JavaScript's own number strings", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(parseLocaleNumber(String(value))).toBe(value === 0 ? 0 : value);
      }),
    );
  });

  it("never throws, and gives undefined or a finite number for any text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-+\d.,' e]{0,12}$/)), (text) => {
        const result = parseLocaleNumber(text);
        expect(result === undefined || Number.isFinite(result)).toBe(true);
      }),
    );
  });
});
