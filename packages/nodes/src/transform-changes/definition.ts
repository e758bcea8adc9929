import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";

const FieldNameSchema = z.string().trim().min(1, "Enter a field name");

export const ChangesTransformConfigSchema = z.object({
  /** The field(s) that identify a record in both systems, e.g. `sku`, or `warehouse` and `sku`. */
  keyFields: z
    .array(FieldNameSchema)
    .min(1, "Choose the field that identifies a record, e.g. “sku”")
    .describe("The field(s) that identify a record in both systems, e.g. sku.")
    .meta({ title: "Key fields", widget: "fields" }),
  /** Which fields count: a change anywhere else does not make the record changed. */
  compare: z
    .union([
      z.literal("all").meta({ title: "All fields" }),
      z
        .array(FieldNameSchema)
        .min(1, "Choose at least one field to compare")
        .meta({ title: "Only these fields", widget: "fields" }),
    ])
    .default("all")
    .describe("Which fields count: a change anywhere else does not make the record changed.")
    .meta({ title: "Compare" }),
  /**
   * The source always brings every record (a full price list, not only what changed since last time):
   * records that stop coming are emitted as deleted once a run has read the source to its end.
   */
  fullSnapshot: z
    .boolean()
    .default(false)
    .describe("Records that stop coming are passed on as deleted once a run has read the whole source.")
    .meta({ title: "The source sends the full list every time" }),
  /** Fields that never count as a change (e.g. `updated_at`, `fetched_at`), with `compare: "all"` or a list. */
  ignoreFields: z
    .array(FieldNameSchema)
    .default([])
    .describe("Fields that never count as a change, e.g. updated_at.")
    .meta({ title: "Ignore fields", widget: "fields" }),
});
export type ChangesTransformConfig = z.infer<typeof ChangesTransformConfigSchema>;

export const changesTransformDefinition = {
  id: "transform.changes",
  version: 1,
  label: "Only changes",
  description: "Lets through only the records that are new or changed since the last run (and, for full lists, those that disappeared).",
  category: "transform",
  icon: "git-compare",
  configSchema: ChangesTransformConfigSchema,
  inputs: ["in"],
  outputs: ["out"],
} as const satisfies NodeDefinition;
