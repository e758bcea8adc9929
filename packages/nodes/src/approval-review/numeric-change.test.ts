import { describe, expect, it } from "vitest";
import { changePercent, numericChanges, readNumber } from "./numeric-change";

describe("readNumber", () => {
  it("reads JSON numbers and numeric text, and nothing else", () => {
    expect(readNumber(12)).toBe(12);
    expect(readNumber("12.00")).toBe(12);
    expect(readNumber(" -3.5 ")).toBe(-3.5);
    expect(readNumber(".5")).toBe(0.5);
    expect(readNumber("1e3")).toBe(1000);
    expect(readNumber("1e9999")).toBeNull();
    expect(readNumber("n/a")).toBeNull();
    expect(readNumber("")).toBeNull();
    expect(readNumber("12,50")).toBeNull();
    expect(readNumber(Number.NaN)).toBeNull();
    expect(readNumber(true)).toBeNull();
    expect(readNumber(null)).toBeNull();
    expect(readNumber({ amount: 1 })).toBeNull();
  });
});

describe("changePercent", () => {
  it("is the size of the change relative to before, either direction", () => {
    expect(changePercent(10, 2.5)).toBe(25);
    expect(changePercent(10, -2.5)).toBe(25);
    expect(changePercent(-10, 5)).toBe(50);
    expect(changePercent(0, 0)).toBe(0);
    expect(changePercent(0, 5)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("numericChanges", () => {
  it("keeps every field that holds a number on both sides, with its percent and delta", () => {
    expect(
      numericChanges(
        { sku: "A-1", price: "10.00", stock: 4, weight: "n/a", was: 0, gone: 3 },
        { sku: "A-1", price: 12.5, stock: 4, weight: 2, was: 7, added: 1 },
      ),
    ).toEqual({
      price: { pct: 25, delta: 2.5 },
      stock: { pct: 0, delta: 0 },
      was: { pct: "Infinity", delta: 7 },
    });
  });

  it("drops floating point's last digit, so equal changes compare equal", () => {
    expect(numericChanges({ price: "19.90" }, { price: "29.85" })).toEqual({ price: { pct: 50, delta: 9.95 } });
    expect(numericChanges({ price: 200 }, { price: 100 })).toEqual({ price: { pct: 50, delta: -100 } });
  });

  it("has nothing to say about creations and deletions", () => {
    expect(numericChanges(null, { price: 1 })).toEqual({});
    expect(numericChanges({ price: 1 }, undefined)).toEqual({});
  });

  it("stores what JSON can hold", () => {
    const stored = JSON.parse(JSON.stringify(numericChanges({ price: 0 }, { price: 3 }))) as unknown;
    expect(stored).toEqual({ price: { pct: "Infinity", delta: 3 } });
  });
});
