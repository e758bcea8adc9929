import type { NodeDefinition } from "@flowgate/engine";
import { z } from "zod";

const FieldNameSchema = z.string().trim().min(1, "Enter a field name");

export const ChangesTransformConfigSchema = z.object({
  /** The field(s) that identify a record in both systems, e.g. `sku`, or `warehouse` and `sku`. */
  keyFields: z.array(FieldNameSchema).min(1, "Choose the field that identifies a record, e.g. “sku”"),
  /** Which fields count: a change anywhere else does not make the record changed. */
  compare: z.union([z.literal("all"), z.array(FieldNameSchema).min(1, "Choose at least one field to compare")]).default("all"),
  /**
   * The source always brings every record (a full price list, not only what changed since last time):
   * records that stop coming are emitted as deleted once a run has read the source to its end.
   */
  fullSnapshot: z.boolean().default(false),
  /** Fields that never count as a change (e.g. `updated_at`, `fetched_at`), with `compare: "all"` or a list. */
  ignoreFields: z.array(FieldNameSchema).default([]),
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
