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
