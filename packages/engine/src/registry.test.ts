import { describe, expect, it } from "vitest";
import { createImplementationRegistry } from "./registry";
import { fakeImplementation } from "./testing";

describe("createImplementationRegistry", () => {
  it("finds implementations by kind id and refuses two for one kind", () => {
    const a = fakeImplementation({ id: "transform.a", label: "A" });
    const registry = createImplementationRegistry([a]);
    expect(registry.get("transform.a")).toBe(a);
    expect(registry.get("transform.b")).toBeUndefined();
    expect(() => createImplementationRegistry([a, fakeImplementation({ id: "transform.a", label: "Other A" })])).toThrow(
      "Two node implementations use the kind id “transform.a” (labels “A” and “Other A”)",
    );
  });
});
