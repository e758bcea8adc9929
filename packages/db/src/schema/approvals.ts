import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { flows } from "./flows";
import { runs } from "./runs";
import { workspaces, type Role } from "./workspaces";

export const CHANGE_SET_STATUSES = ["pending", "decided"] as const;
export type ChangeSetStatus = (typeof CHANGE_SET_STATUSES)[number];

export const CHANGE_OPS = ["create", "update", "delete"] as const;
export type ChangeOp = (typeof CHANGE_OPS)[number];

export const CHANGE_ITEM_STATUSES = ["pending", "approved", "rejected", "expired"] as const;
export type ChangeItemStatus = (typeof CHANGE_ITEM_STATUSES)[number];

/** Who or what decided an item: a person, one of the node's rules, its timeout, or the end of its run (failed or cancelled: nothing waits any more). */
export const DECISION_SOURCES = ["person", "auto-approve", "auto-reject", "timeout", "run-ended"] as const;
export type DecisionSource = (typeof DECISION_SOURCES)[number];

/** The approval node's settings when the change set was made: later edits of the flow do not move the goalposts. */
export interface ChangeSetRules {
  approverRole: Role;
  approvalsRequired: number;
  allowPublisher: boolean;
  /** Who published the version the run ran (the self-approval rule). */
  publishedBy: string | null;
  timeoutHours: number | null;
  timeoutAction: "approve" | "reject" | "expire";
}

/**
 * One per run and approval node: the records that reached the node and wait for a person. The branch
 * behind the node resumes for each decided part (the `resume-approval` task).
 */
export const changeSets = pgTable(
  "change_sets",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    status: text("status").$type<ChangeSetStatus>().notNull().default("pending"),
    rules: jsonb("rules").$type<ChangeSetRules>().notNull(),
    /** When undecided items meet the timeout action (null: they wait as long as it takes). */
    deadlineAt: timestamp("deadline_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("change_sets_run_node_idx").on(t.runId, t.nodeId),
    index("change_sets_workspace_status_idx").on(t.workspaceId, t.status, t.createdAt),
    index("change_sets_deadline_idx").on(t.deadlineAt).where(sql`${t.status} = 'pending'`),
  ],
);

/** One record key in a change set: the change a person sees (before → after) and the record sent on when approved. */
export const changeSetItems = pgTable(
  "change_set_items",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    changeSetId: text("change_set_id")
      .notNull()
      .references(() => changeSets.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    op: text("op").$type<ChangeOp>().notNull(),
    before: jsonb("before").$type<Record<string, unknown>>(),
    after: jsonb("after").$type<Record<string, unknown>>(),
    changedFields: text("changed_fields").array().notNull().default(sql`'{}'::text[]`),
    /**
     * Each field holding a number on both sides: its change, `{ pct, delta }` (pct "Infinity" from 0).
     * Written with the item, so the inbox filters and sorts 100,000 items by it without parsing before and after.
     */
    numericChanges: jsonb("numeric_changes").$type<Record<string, { pct: number | "Infinity"; delta: number }>>().notNull().default(sql`'{}'::jsonb`),
    /** The record as it reached the node: what the approved branch receives. */
    record: jsonb("record").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<ChangeItemStatus>().notNull().default("pending"),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decisionSource: text("decision_source").$type<DecisionSource>(),
    comment: text("comment"),
    /** Distinct people who approved so far (N-of-M): the item is approved when this reaches approvalsRequired. */
    approvals: integer("approvals").notNull().default(0),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    /** When the resumed branch took the decided item (approved: sent on; rejected/expired: through the rejected port or dropped). */
    appliedAt: timestamp("applied_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("change_set_items_set_key_idx").on(t.changeSetId, t.key),
    index("change_set_items_set_status_idx").on(t.changeSetId, t.status, t.id),
    // Paging a change set by id without a status filter (the "any status" view).
    index("change_set_items_set_id_idx").on(t.changeSetId, t.id),
    // The resume task's look-up: decided, not yet sent on.
    index("change_set_items_unapplied_idx").on(t.changeSetId, t.id).where(sql`${t.status} <> 'pending' and ${t.appliedAt} is null`),
  ],
);

/** Every person's decision on an item (the audit trail, and N distinct approvers for N-of-M). */
export const changeSetDecisions = pgTable(
  "change_set_decisions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    itemId: bigint("item_id", { mode: "number" })
      .notNull()
      .references(() => changeSetItems.id, { onDelete: "cascade" }),
    changeSetId: text("change_set_id")
      .notNull()
      .references(() => changeSets.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    decision: text("decision").$type<"approve" | "reject">().notNull(),
    comment: text("comment"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("change_set_decisions_item_user_idx").on(t.itemId, t.userId), index("change_set_decisions_set_idx").on(t.changeSetId)],
);
