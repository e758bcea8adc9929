import type { NodeDefinition } from "@flowgate/engine";
import { expressionSchema } from "@flowgate/engine/expressions";
import { z } from "zod";

export const APPROVER_ROLES = ["owner", "admin", "editor"] as const;
export const TIMEOUT_ACTIONS = ["approve", "reject", "expire"] as const;

/**
 * Holds the changes that reach it for a person's decision, item by item. Rules decide some at once:
 * they are JSONata over `{ op, key, before, after, changedFields }`, e.g.
 * `op = "update" and $abs(after.price - before.price) / before.price < 0.1` (price moved less than 10 %).
 */
export const ApprovalReviewConfigSchema = z.object({
  approverRole: z.enum(APPROVER_ROLES).default("admin").describe("Who may decide: this role or a higher one.").meta({
    title: "Who approves",
    optionLabels: { owner: "Owners", admin: "Admins and owners", editor: "Editors, admins and owners" },
  }),
  approvalsRequired: z.int().min(1, "must be at least 1").max(3, "must be at most 3").default(1).describe("Distinct people who must approve each change.").meta({ title: "Approvals needed" }),
  allowPublisher: z.boolean().default(true).describe("Whether the person who published the flow may approve its changes.").meta({ title: "Publisher may approve" }),
  autoApprove: expressionSchema({ description: "Changes for which this is true are approved at once, e.g. op = \"update\" and $abs(after.price - before.price) / before.price < 0.1" })
    .optional()
    .meta({ title: "Approve at once when" }),
  autoReject: expressionSchema({ description: "Changes for which this is true are rejected at once, e.g. after.price <= 0" }).optional().meta({ title: "Reject at once when" }),
  timeoutHours: z.number().positive("must be above 0").max(24 * 365).optional().describe("Undecided changes meet the action below after this many hours.").meta({ title: "Decide by (hours)" }),
  timeoutAction: z.enum(TIMEOUT_ACTIONS).default("expire").meta({
    title: "After the deadline",
    optionLabels: { approve: "Approve what is left", reject: "Reject what is left", expire: "Let what is left expire" },
  }),
  /** A JSON body a chat tool accepts is POSTed here when a change set waits (Slack- and Teams-style `{ text }`). */
  notifyWebhookUrl: z.url({ message: "must be an http(s) address" }).optional().meta({ title: "Notify webhook URL" }),
  /** The field that identifies a record (e.g. `sku`); defaults to the key change detection used. */
  keyField: z.string().trim().min(1).optional().meta({ title: "Key field" }),
});
export type ApprovalReviewConfig = z.infer<typeof ApprovalReviewConfigSchema>;

export const approvalReviewDefinition = {
  id: "approval.review",
  version: 1,
  label: "Approval",
  description: "Shows each change to an approver first; only the approved ones go on.",
  category: "approval",
  icon: "shield-check",
  configSchema: ApprovalReviewConfigSchema,
  inputs: ["in"],
  outputs: ["approved", "rejected"],
} as const satisfies NodeDefinition;
