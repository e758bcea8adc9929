import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts keys at every level and leaves undefined fields out, so equal records give equal text", () => {
    expect(canonicalJson({ b: [1, { d: 2, c: null }], a: "x", gone: undefined })).toBe('{"a":"x","b":[1,{"c":null,"d":2}]}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([undefined, "x"])).toBe('[null,"x"]');
  });
});
