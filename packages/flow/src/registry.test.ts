import { describe, expect, it } from "vitest";
import { createKindRegistry } from "./registry";
import { fixtureKinds } from "./testing/fixture-registry";

describe("createKindRegistry", () => {
  it("finds kinds by id and lists them", () => {
    const registry = createKindRegistry(fixtureKinds);
    expect(registry.get("filter.fixture")?.outputs).toEqual(["kept", "discarded"]);
    expect(registry.get("filter.nothing")).toBeUndefined();
    expect(registry.list().map((k) => k.id)).toEqual(fixtureKinds.map((k) => k.id));
  });

  it("throws on a duplicate id, naming it", () => {
    expect(() => createKindRegistry([...fixtureKinds, { ...fixtureKinds[0], label: "Other start" }])).toThrow(
      /Two node kinds use the id “trigger\.manual” \(labels “Manual start” and “Other start”\)/,
    );
  });

  it("throws on an id without a namespace", () => {
    expect(() => createKindRegistry([{ ...fixtureKinds[0], id: "manual" }])).toThrow(/“manual”.*not a namespaced id/);
  });
});
