import { z } from "zod";
import { describe, expect, it } from "vitest";
import { kindRegistry, nodeDefinitions } from "./definitions";
import { nodeImplementations } from "./registry";

describe("the node registry", () => {
  it("has an implementation for every definition, and the same definition object", () => {
    for (const definition of nodeDefinitions) {
      expect(nodeImplementations.get(definition.id)?.definition, definition.id).toBe(definition);
      expect(kindRegistry.get(definition.id)).toBe(definition);
    }
  });

  it("gives every kind a config schema the inspector can turn into a form", () => {
    for (const definition of nodeDefinitions) {
      const schema = z.toJSONSchema(definition.configSchema, { io: "input", unrepresentable: "any" });
      // An object form, or a choice of object forms (e.g. a schedule by cron or by interval).
      const forms = (schema.oneOf ?? schema.anyOf ?? [schema]) as { type?: unknown }[];
      expect(forms.map((form) => form.type), definition.id).toEqual(forms.map(() => "object"));
      expect(definition.description.length, definition.id).toBeGreaterThan(10);
    }
  });

  it("names kinds by family", () => {
    for (const definition of nodeDefinitions) expect(definition.id.split(".")[0]).toBe(definition.category);
  });
});
