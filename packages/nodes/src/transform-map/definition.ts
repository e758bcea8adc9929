import type { NodeDefinition } from "@flowgate/engine";
import { expressionSchema } from "@flowgate/engine/expressions";
import { z } from "zod";

export const FIELD_TYPES = ["auto", "number", "integer", "string", "boolean", "date"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Names that would reach into JavaScript's object machinery instead of the record. */
const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype"]);

export const TargetPathSchema = z
  .string()
  .trim()
  .min(1, "Enter the name of the field to fill, e.g. “price” or “price.gross”")
  .refine((path) => path.split(".").every((name) => name !== ""), {
    message: "has an empty name between dots; write field names separated by single dots, e.g. “price.gross”",
  })
  .refine((path) => path.split(".").every((name) => !FORBIDDEN_NAMES.has(name)), {
    message: "uses a name Flowgate reserves (“__proto__”, “constructor” or “prototype”); choose another field name",
  });

export const FieldMappingSchema = z.object({
  /** The output field; dots make nested fields (`price.gross` fills `{ price: { gross } }`). */
  target: TargetPathSchema,
  /** A JSONata expression over the incoming record, e.g. `Cena` or `price * 1.23`. */
  expression: expressionSchema({ description: "A JSONata expression over the incoming record, e.g. price * 1.23" }),
  /**
   * auto keeps what the expression gives. number and integer read decimal commas and thousands
   * separators (`1 234,56`); boolean reads true/false, yes/no, tak/nie, 1/0; date writes an ISO date.
   */
  type: z
    .enum(FIELD_TYPES)
    .default("auto")
    .meta({
      title: "Type",
      optionLabels: { auto: "As is", number: "Number", integer: "Whole number", string: "Text", boolean: "Yes/no", date: "Date" },
    }),
});
export type FieldMapping = z.infer<typeof FieldMappingSchema>;

export const MapTransformConfigSchema = z
  .object({
    fields: z.array(FieldMappingSchema).default([]).meta({ title: "Fields", widget: "mapping" }),
    /** true: the output starts as a copy of the incoming record; false: it holds only the mapped fields. */
    keepUnmapped: z
      .boolean()
      .default(true)
      .describe("On: the other fields of the record pass through unchanged. Off: the output holds only the fields above.")
      .meta({ title: "Keep other fields" }),
    /** A field that identifies the record (e.g. `sku`), named in error messages so a person can find it. */
    keyField: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Named in error messages, so you can find the record.")
      .meta({ title: "Key field", widget: "field" }),
  })
  .superRefine((config, ctx) => {
    const targets = config.fields.map((field) => field.target);
    targets.forEach((target, i) => {
      const earlier = targets.slice(0, i);
      const clash = earlier.find((other) => other === target || other.startsWith(`${target}.`) || target.startsWith(`${other}.`));
      if (clash === undefined) return;
      ctx.addIssue({
        code: "custom",
        path: ["fields", i, "target"],
        message:
          clash === target
            ? `“${target}” is filled by an earlier mapping too; keep one of them`
            : `“${target}” and “${clash}” overlap (one is inside the other); fill the nested fields one by one, or the whole object once`,
      });
    });
  });
export type MapTransformConfig = z.infer<typeof MapTransformConfigSchema>;

export const mapTransformDefinition = {
  id: "transform.map",
  version: 1,
  label: "Map fields",
  description: "Fills each output field from an expression over the incoming record, converting numbers, dates and yes/no values.",
  category: "transform",
  icon: "shuffle",
  configSchema: MapTransformConfigSchema,
  inputs: ["in"],
  outputs: ["out"],
} as const satisfies NodeDefinition;
