import { describe, expect, it } from "vitest";
import { isTransient } from "./execute";

const coded = (code: string, cause?: unknown) => Object.assign(new Error(code), { code }, cause === undefined ? {} : { cause });

describe("isTransient", () => {
  it("believes a connector that says whether its error is retryable", () => {
    expect(isTransient(Object.assign(new Error("HTTP 503"), { retryable: true }))).toBe(true);
    // A connector's "no" wins over a lost-connection code further down.
    expect(isTransient(Object.assign(new Error("HTTP 404"), { retryable: false, cause: coded("ECONNRESET") }))).toBe(false);
  });

  it("knows lost connections by their code, on the error or its causes", () => {
    expect(isTransient(coded("ECONNREFUSED"))).toBe(true);
    expect(isTransient(coded("57P01"))).toBe(true); // PostgreSQL: terminating connection due to administrator command
    expect(isTransient(coded("08006"))).toBe(true); // PostgreSQL: connection failure
    expect(isTransient(new Error("wrapped", { cause: coded("ETIMEDOUT") }))).toBe(true);
  });

  it("calls everything else lasting: bad data, constraints, plain errors", () => {
    expect(isTransient(coded("23505"))).toBe(false); // unique violation
    expect(isTransient(coded("42P01"))).toBe(false); // undefined table
    expect(isTransient(new Error("price must be a number"))).toBe(false);
    expect(isTransient("a string")).toBe(false);
    expect(isTransient(null)).toBe(false);
  });
});
