import { ROLES } from "@flowgate/db";
import { z } from "zod";

export const Id = z.string().min(1).max(100);
export const Name = z.string().trim().min(1, "Give it a name").max(120, "Keep the name under 120 characters");
export const RoleSchema = z.enum(ROLES);
export const IsoDate = z.string();
export const ProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  path: z.array(z.union([z.string(), z.number()])),
});

const JsonRecord = z.record(z.string(), z.unknown());

/** Mirrors DryRunResult (packages/db/src/schema/dry-runs.ts). */
export const DryRunResultSchema = z.object({
  status: z.enum(["succeeded", "succeeded_with_errors", "failed", "cancelled"]),
  recordsRead: z.number(),
  truncated: z.boolean(),
  nodes: z.record(z.string(), z.object({ in: z.number(), out: z.record(z.string(), z.number()), errors: z.number(), ms: z.number() })),
  edges: z.record(z.string(), z.number()),
  samples: z.record(z.string(), z.record(z.string(), z.array(JsonRecord))),
  errors: z.array(z.object({ nodeId: z.string(), index: z.number(), key: z.string().optional(), message: z.string(), record: JsonRecord.optional() })),
  planned: z.record(
    z.string(),
    z.array(z.object({ op: z.enum(["create", "update", "delete"]), key: z.string(), before: JsonRecord.optional(), after: JsonRecord.optional() })),
  ),
  notPreviewable: z.record(z.string(), z.string()),
  error: z.object({ message: z.string(), nodeId: z.string().optional(), field: z.string().optional() }).optional(),
});
