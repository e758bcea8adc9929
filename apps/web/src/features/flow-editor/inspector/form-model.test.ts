import { kindRegistry, nodeDefinitions } from "@flowgate/nodes/definitions";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { choiceIndexOf, formModelOf, humanize, initialObject, initialValue, isVisible, type FieldModel, type ObjectModel } from "./form-model";

function kindForm(kindId: string): FieldModel {
  const kind = nodeDefinitions.find((k) => k.id === kindId)!;
  return formModelOf(kind.configSchema, { connection: "connection" in kind && kind.connection !== undefined });
}

function objectOf(field: FieldModel): ObjectModel {
  if (field.control.type !== "group") throw new Error(`${field.key} is a ${field.control.type}, not a group`);
  return field.control.object;
}

function fieldAt(object: ObjectModel, key: string): FieldModel {
  const field = object.fields.find((f) => f.key === key);
  if (!field) throw new Error(`no field ${key}`);
  return field;
}

describe("humanize", () => {
  it("turns property names into labels, with acronyms in capitals", () => {
    expect(humanize("recordsPath")).toBe("Records path");
    expect(humanize("keyColumns")).toBe("Key columns");
    expect(humanize("url")).toBe("URL");
    expect(humanize("deleteUrl")).toBe("Delete URL");
    expect(humanize("page_size")).toBe("Page size");
  });
});

describe("formModelOf", () => {
  it("gives source.http the controls a person sets it up with, labelled as the browser test reads them", () => {
    const form = objectOf(kindForm("source.http"));
    expect(fieldAt(form, "connectionId")).toMatchObject({ title: "Connection", required: false, control: { type: "connection" } });
    expect(fieldAt(form, "url")).toMatchObject({ title: "URL", required: true, placeholder: "/products", control: { type: "text", secret: false } });
    expect(fieldAt(form, "method")).toMatchObject({ defaultValue: "GET", control: { type: "select", options: [{ value: "GET" }, { value: "POST" }] } });
    expect(fieldAt(form, "headers").control).toEqual({ type: "keyValue" });
    expect(fieldAt(form, "query")).toMatchObject({ title: "Query parameters", control: { type: "keyValue" } });
    expect(fieldAt(form, "recordsPath")).toMatchObject({ title: "Records path", required: false });
    expect(fieldAt(form, "retries")).toMatchObject({ advanced: true, defaultValue: 3, control: { type: "number", integer: true, min: 0, max: 10 } });
    expect(fieldAt(form, "body")).toMatchObject({ control: { type: "text", multiline: true }, visibleWhen: { field: "method", is: ["POST"] } });

    const pagination = objectOf(fieldAt(form, "pagination"));
    expect(fieldAt(pagination, "mode").control).toMatchObject({ type: "select", options: expect.arrayContaining([{ value: "page", label: "Page numbers" }]) });
    expect(fieldAt(pagination, "pageSize")).toMatchObject({ title: "Page size", control: { type: "number", integer: true } });
  });

  it("makes lists of record fields chip lists that suggest the sample's fields", () => {
    expect(fieldAt(objectOf(kindForm("transform.changes")), "keyFields")).toMatchObject({
      title: "Key fields",
      required: true,
      control: { type: "tags", fields: true },
    });
    const postgres = objectOf(kindForm("destination.postgres"));
    expect(fieldAt(postgres, "keyColumns")).toMatchObject({ title: "Key columns", control: { type: "tags", fields: true } });
    expect(fieldAt(postgres, "table")).toMatchObject({ title: "Table", required: true, control: { type: "text" } });
    expect(fieldAt(postgres, "connectionId")).toMatchObject({ title: "Connection", required: true, control: { type: "connection" } });
  });

  it("offers a union of a constant and a list as a choice between the two", () => {
    const compare = fieldAt(objectOf(kindForm("transform.changes")), "compare");
    expect(compare.control.type).toBe("choice");
    if (compare.control.type !== "choice") return;
    expect(compare.control.branches.map((b) => b.title)).toEqual(["All fields", "Only these fields"]);
    expect(compare.control.branches[1]!.field?.control).toEqual({ type: "tags", fields: true });
    expect(choiceIndexOf(compare.control.branches, "all")).toBe(0);
    expect(choiceIndexOf(compare.control.branches, ["price"])).toBe(1);
    expect(compare.control.branches.map((b) => b.initial)).toEqual(["all", []]);

    const body = fieldAt(objectOf(kindForm("destination.http")), "body");
    if (body.control.type !== "choice") throw new Error("body is not a choice");
    expect(choiceIndexOf(body.control.branches, { mapping: [] })).toBe(1);
    expect(body.control.branches[1]!.initial).toEqual({ mapping: [] });
  });

  it("turns a union told apart by one constant into a variant with its branches' own fields", () => {
    const location = fieldAt(objectOf(kindForm("source.file")), "location");
    expect(location.control.type).toBe("variant");
    if (location.control.type !== "variant") return;
    expect(location.control.discriminator).toBe("type");
    expect(location.control.branches.map((b) => [b.value, b.title, b.fields.map((f) => f.key)])).toEqual([
      ["url", "From a web address", ["url"]],
      ["upload", "Uploaded", ["uploadId", "fileName"]],
    ]);
    expect(initialValue(location)).toEqual({ type: "url", url: "" });
  });

  it("hands whole editors to the widgets the schema names", () => {
    expect(kindForm("trigger.schedule").control).toEqual({ type: "custom", widget: "schedule" });
    expect(kindForm("filter.condition").control).toEqual({ type: "custom", widget: "condition" });
    const fields = fieldAt(objectOf(kindForm("transform.map")), "fields");
    expect(fields.control).toMatchObject({ type: "custom", widget: "mapping" });
    if (fields.control.type !== "custom") return;
    expect(fields.control.item?.fields.map((f) => [f.key, f.control.type])).toEqual([
      ["target", "text"],
      ["expression", "expression"],
      ["type", "select"],
    ]);
    const routes = fieldAt(objectOf(kindForm("filter.route")), "routes");
    expect(routes.control).toMatchObject({ type: "list", itemTitle: "Route" });
    if (routes.control.type !== "list") return;
    expect(fieldAt(routes.control.item, "condition").control).toEqual({ type: "custom", widget: "condition" });
  });

  it("masks secret-looking fields and falls back to JSON for what no control fits", () => {
    const form = objectOf(formModelOf(z.object({ apiToken: z.string(), password: z.string(), mixed: z.array(z.number()) })));
    expect(fieldAt(form, "apiToken").control).toMatchObject({ type: "text", secret: true });
    expect(fieldAt(form, "password").control).toMatchObject({ type: "text", secret: true });
    expect(fieldAt(form, "mixed").control).toEqual({ type: "json" });
  });

  it("maps every kind without error", () => {
    for (const kind of nodeDefinitions) expect(() => formModelOf(kind.configSchema)).not.toThrow();
    expect(kindRegistry.get("trigger.manual")).toBeDefined();
  });
});

describe("initialObject and isVisible", () => {
  it("starts a new list item with its required fields and defaults", () => {
    const routes = fieldAt(objectOf(kindForm("filter.route")), "routes");
    if (routes.control.type !== "list") throw new Error("routes is not a list");
    expect(initialObject(routes.control.item)).toEqual({ name: "" });
  });

  it("shows a field while its sibling has one of the listed values, the sibling's default counting", () => {
    const form = objectOf(kindForm("source.http"));
    const csv = fieldAt(form, "csv");
    expect(isVisible(csv, {}, form.fields)).toBe(false);
    expect(isVisible(csv, { format: "csv" }, form.fields)).toBe(true);
    const pagination = objectOf(fieldAt(form, "pagination"));
    expect(isVisible(fieldAt(pagination, "pageSize"), {}, pagination.fields)).toBe(false);
    expect(isVisible(fieldAt(pagination, "pageSize"), { mode: "page" }, pagination.fields)).toBe(true);
    expect(isVisible(fieldAt(form, "url"), {}, form.fields)).toBe(true);
  });
});
