import type { Flow } from "@flowgate/flow";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { workspaces } from "./workspaces";

export const flows = pgTable(
  "flows",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Work in progress: stored even when it does not validate. */
    draft: jsonb("draft").$type<Flow>().notNull(),
    enabled: boolean("enabled").notNull().default(false),
    activeVersionId: text("active_version_id"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    draftUpdatedAt: timestamp("draft_updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Bumped by every draft save: a save names the revision it started from, so two editors never overwrite each other silently. */
    draftRevision: integer("draft_revision").notNull().default(0),
    draftUpdatedBy: text("draft_updated_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [index("flows_workspace_idx").on(t.workspaceId)],
);

/** Immutable: a row is written once on publish and never updated. */
export const flowVersions = pgTable(
  "flow_versions",
  {
    id: text("id").primaryKey(),
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    document: jsonb("document").$type<Flow>().notNull(),
    message: text("message"),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("flow_versions_flow_number_idx").on(t.flowId, t.number)],
);
