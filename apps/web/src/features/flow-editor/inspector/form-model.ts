import { z } from "zod";

/*
 * A node kind's config form, described as data: the kind's zod schema turned into JSON Schema
 * (z.toJSONSchema, input side, so defaulted fields are optional) and then into fields and controls.
 * Widget hints come from the schema's `.meta({...})`, which JSON Schema carries as extra keys:
 *
 *   title         the field's label (else the property name in words: recordsPath → "Records path")
 *   widget        "expression" | "textarea" | "password" | "field" (one record field) | "fields" (a list of
 *                 record fields) | "mapping" | "condition" | "schedule" (whole editors of their own)
 *   placeholder   an example shown in the empty input
 *   optionLabels  { value: label } for the options of a select
 *   advanced      true: shown under "More settings"
 *   visibleWhen   { field, is: [...] }: shown only while a sibling field has one of these values
 *   itemTitle     what one item of a list is called ("Route", "Column")
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  widget?: string;
  placeholder?: string;
  optionLabels?: Record<string, string>;
  advanced?: boolean;
  visibleWhen?: { field: string; is: unknown[] };
  itemTitle?: string;
};

export interface SelectOption {
  value: string;
  label: string;
}

export type CustomWidget = "mapping" | "condition" | "schedule";

export type FieldControl =
  | { type: "text"; multiline: boolean; secret: boolean }
  | { type: "number"; integer: boolean; min?: number; max?: number }
  | { type: "select"; options: SelectOption[] }
  | { type: "toggle" }
  | { type: "keyValue" }
  /** A list of texts as chips; `fields`: suggest the record fields of the upstream sample. */
  | { type: "tags"; fields: boolean }
  /** One record field, typed or picked from the upstream sample. */
  | { type: "field" }
  | { type: "expression" }
  | { type: "connection" }
  | { type: "list"; itemTitle: string; item: ObjectModel }
  | { type: "group"; object: ObjectModel }
  /** A union of objects told apart by one constant field (`mode`, `type`): a segmented control, then the branch's fields. */
  | { type: "variant"; discriminator: string; branches: VariantBranch[] }
  /** Any other union (`"all"` or a list; `"record"` or a mapping): a segmented control, then the branch's own control. */
  | { type: "choice"; branches: ChoiceBranch[] }
  /** An editor of its own; `item` describes one item when the value is a list of objects (a mapping's rows). */
  | { type: "custom"; widget: CustomWidget; item?: ObjectModel }
  /** Nothing better fits: the value as JSON text. */
  | { type: "json" };

export interface FieldModel {
  /** The property name in its object; "" for the root. */
  key: string;
  title: string;
  description?: string;
  required: boolean;
  defaultValue?: unknown;
  placeholder?: string;
  advanced: boolean;
  visibleWhen?: { field: string; is: readonly unknown[] };
  control: FieldControl;
}

export interface ObjectModel {
  fields: FieldModel[];
}

export interface VariantBranch {
  value: string;
  title: string;
  fields: FieldModel[];
}

export interface ChoiceBranch {
  title: string;
  /** Set for a constant branch ("all", "record"): choosing it stores this value. */
  constValue?: unknown;
  /** The control for a non-constant branch, with what choosing it stores first. */
  field?: FieldModel;
  initial: unknown;
  /** The JSON type a value of this branch has, to tell which branch a stored value belongs to. */
  jsonType: "string" | "number" | "boolean" | "array" | "object" | "null" | "const";
}

export interface FormOptions {
  /** The kind needs a stored connection: its `connectionId` becomes the connection picker. */
  connection?: boolean;
}

const CUSTOM_WIDGETS: readonly string[] = ["mapping", "condition", "schedule"];
const ACRONYMS: Record<string, string> = { url: "URL", id: "ID", csv: "CSV", xml: "XML", json: "JSON", http: "HTTP", sql: "SQL", api: "API" };
const SECRET_NAME = /password|secret|token|api[-_]?key|authorization|credential/i;

const jsonSchemaCache = new WeakMap<z.ZodType, JsonSchema>();

/** The kind's config schema as JSON Schema (computed once per schema). */
export function configJsonSchema(schema: z.ZodType): JsonSchema {
  let json = jsonSchemaCache.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    jsonSchemaCache.set(schema, json);
  }
  return json;
}

/** "recordsPath" → "Records path", "url" → "URL", "keyColumns" → "Key columns". */
export function humanize(key: string): string {
  const words = key
    .replace(/[_-]+/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
  return words
    .map((word, i) => ACRONYMS[word] ?? (i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word))
    .join(" ");
}

/** The form of a kind's config: the root field (key ""), usually a group of the config's fields. */
export function formModelOf(schema: z.ZodType, options: FormOptions = {}): FieldModel {
  return fieldOf("", configJsonSchema(schema), true, options);
}

export function fieldOf(key: string, schema: JsonSchema, required: boolean, options: FormOptions = {}): FieldModel {
  const title = schema.title ?? (key === "connectionId" ? "Connection" : humanize(key));
  return {
    key,
    title,
    ...(schema.description !== undefined && { description: schema.description }),
    required,
    ...(schema.default !== undefined && { defaultValue: schema.default }),
    ...(schema.placeholder !== undefined && { placeholder: schema.placeholder }),
    advanced: schema.advanced === true,
    ...(schema.visibleWhen && { visibleWhen: schema.visibleWhen }),
    control: controlOf(key, schema, options),
  };
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.length === 1 ? schema.type[0] : undefined;
  return schema.type;
}

function controlOf(key: string, schema: JsonSchema, options: FormOptions): FieldControl {
  const widget = schema.widget;
  if (widget && CUSTOM_WIDGETS.includes(widget)) {
    const item = schema.items;
    return item?.properties ? { type: "custom", widget: widget as CustomWidget, item: objectOf(item, options) } : { type: "custom", widget: widget as CustomWidget };
  }
  if (widget === "expression") return { type: "expression" };
  if (key === "connectionId" && options.connection) return { type: "connection" };

  const union = schema.oneOf ?? schema.anyOf;
  if (union) return unionControl(union, options);

  if (schema.enum) {
    const labels = schema.optionLabels ?? {};
    return { type: "select", options: schema.enum.map((value) => ({ value: String(value), label: labels[String(value)] ?? String(value) })) };
  }

  switch (typeOf(schema)) {
    case "string":
      if (widget === "field") return { type: "field" };
      return {
        type: "text",
        multiline: widget === "textarea",
        secret: widget === "password" || SECRET_NAME.test(key),
      };
    case "integer":
    case "number":
      return {
        type: "number",
        integer: typeOf(schema) === "integer",
        ...(schema.minimum !== undefined && { min: schema.minimum }),
        ...(schema.maximum !== undefined && { max: schema.maximum }),
      };
    case "boolean":
      return { type: "toggle" };
    case "array": {
      const item = schema.items ?? {};
      if (typeOf(item) === "string" && !item.enum) return { type: "tags", fields: widget === "fields" };
      if (typeOf(item) === "object" && item.properties) {
        return { type: "list", itemTitle: schema.itemTitle ?? "Item", item: objectOf(item, options) };
      }
      return { type: "json" };
    }
    case "object": {
      if (schema.properties) return { type: "group", object: objectOf(schema, options) };
      const values = schema.additionalProperties;
      if (typeof values === "object" && typeOf(values) === "string") return { type: "keyValue" };
      return { type: "json" };
    }
    default:
      return { type: "json" };
  }
}

export function objectOf(schema: JsonSchema, options: FormOptions = {}): ObjectModel {
  const required = new Set(schema.required ?? []);
  return {
    fields: Object.entries(schema.properties ?? {}).map(([key, property]) => fieldOf(key, property, required.has(key), options)),
  };
}

/** The property every branch holds as a different constant: `mode` of a schedule, `type` of a file location. */
function discriminatorOf(branches: JsonSchema[]): string | undefined {
  const first = branches[0]?.properties;
  if (!first || branches.some((branch) => typeOf(branch) !== "object")) return undefined;
  for (const [key, property] of Object.entries(first)) {
    if (property.const === undefined) continue;
    const values = branches.map((branch) => branch.properties?.[key]?.const);
    if (values.every((value) => typeof value === "string") && new Set(values).size === branches.length) return key;
  }
  return undefined;
}

function unionControl(branches: JsonSchema[], options: FormOptions): FieldControl {
  const discriminator = discriminatorOf(branches);
  if (discriminator) {
    return {
      type: "variant",
      discriminator,
      branches: branches.map((branch) => {
        const value = String(branch.properties![discriminator]!.const);
        const object = objectOf(branch, options);
        return { value, title: branch.title ?? humanize(value), fields: object.fields.filter((field) => field.key !== discriminator) };
      }),
    };
  }
  return {
    type: "choice",
    branches: branches.map((branch): ChoiceBranch => {
      if (branch.const !== undefined) {
        return { title: branch.title ?? humanize(String(branch.const)), constValue: branch.const, initial: branch.const, jsonType: "const" };
      }
      const field = fieldOf("", branch, true, options);
      const type = typeOf(branch);
      const jsonType = type === "integer" ? "number" : ((type ?? "object") as ChoiceBranch["jsonType"]);
      return { title: branch.title ?? humanize(type ?? "value"), field, initial: initialValue(field), jsonType };
    }),
  };
}

/** What a new list item or a newly chosen branch starts as: defaults where the schema has them, empty otherwise. */
export function initialValue(field: FieldModel): unknown {
  if (field.defaultValue !== undefined) return structuredClone(field.defaultValue);
  const control = field.control;
  switch (control.type) {
    case "group":
      return initialObject(control.object);
    case "list":
    case "tags":
      return [];
    case "keyValue":
      return {};
    case "toggle":
      return false;
    case "select":
      return control.options[0]?.value ?? "";
    case "variant": {
      const branch = control.branches[0];
      return branch ? { [control.discriminator]: branch.value, ...initialObject({ fields: branch.fields }) } : {};
    }
    case "choice":
      return control.branches[0]?.initial;
    case "number":
    case "json":
    case "connection":
    case "custom":
      return undefined;
    default:
      return "";
  }
}

/** A new object: its required fields (and those with defaults) filled in, optional ones left out. */
export function initialObject(object: ObjectModel): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const field of object.fields) {
    if (!field.required && field.defaultValue === undefined) continue;
    const initial = initialValue(field);
    if (initial !== undefined) value[field.key] = initial;
  }
  return value;
}

/** Which branch of a choice a stored value belongs to (the first one when none fits). */
export function choiceIndexOf(branches: readonly ChoiceBranch[], value: unknown): number {
  const index = branches.findIndex((branch) => {
    if (branch.jsonType === "const") return value === branch.constValue;
    if (branch.jsonType === "array") return Array.isArray(value);
    if (branch.jsonType === "object") return typeof value === "object" && value !== null && !Array.isArray(value);
    if (branch.jsonType === "null") return value === null;
    return typeof value === branch.jsonType;
  });
  return Math.max(index, 0);
}

/** A field's value: the stored one, else its default. */
export function valueOrDefault(field: Pick<FieldModel, "defaultValue">, value: unknown): unknown {
  return value === undefined ? field.defaultValue : value;
}

/** Whether a field shows, given the object it sits in (a sibling's default counts when it is not stored). */
export function isVisible(field: FieldModel, object: Record<string, unknown> | undefined, siblings: readonly FieldModel[]): boolean {
  const rule = field.visibleWhen;
  if (!rule) return true;
  const sibling = siblings.find((candidate) => candidate.key === rule.field);
  const value = object?.[rule.field] ?? sibling?.defaultValue;
  return rule.is.includes(value);
}
