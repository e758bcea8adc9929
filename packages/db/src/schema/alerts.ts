import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { changeSets } from "./approvals";
import { flows } from "./flows";
import { runs } from "./runs";
import { workspaces } from "./workspaces";

/** What a flow tells people about (per flow; a flow without a row uses the defaults). */
export const flowAlertSettings = pgTable("flow_alert_settings", {
  flowId: text("flow_id")
    .primaryKey()
    .references(() => flows.id, { onDelete: "cascade" }),
  workspaceId: text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** Alert when a run fails (on by default). */
  onFailure: boolean("on_failure").notNull().default(true),
  /** Alert when a change set has waited this many hours (null: never). */
  approvalsWaitingHours: integer("approvals_waiting_hours"),
  /** Also POST `{ text }` here (Slack- and Teams-style), through the guarded HTTP client. */
  webhookUrl: text("webhook_url"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const ALERT_KINDS = ["run_failed", "approvals_waiting"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_STATUSES = ["open", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * An in-app alert. Failures of one flow are one open alert (occurrences counted, last run kept) until
 * a run of the flow succeeds, which resolves it; a change set waiting too long is one alert, resolved
 * when it is decided.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    kind: text("kind").$type<AlertKind>().notNull(),
    status: text("status").$type<AlertStatus>().notNull().default("open"),
    /** One line: "Supplier products → shop failed". */
    title: text("title").notNull(),
    /** What happened and what to do. */
    message: text("message").notNull(),
    /** How many failures this alert stands for. */
    occurrences: integer("occurrences").notNull().default(1),
    lastRunId: text("last_run_id").references(() => runs.id, { onDelete: "set null" }),
    changeSetId: text("change_set_id").references(() => changeSets.id, { onDelete: "cascade" }),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull().defaultNow(),
    lastAt: timestamp("last_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    /** When someone in the workspace marked it read (the unread badge). */
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    index("alerts_workspace_last_idx").on(t.workspaceId, t.lastAt),
    // Grouping: one open failure alert per flow, one alert per waiting change set.
    uniqueIndex("alerts_open_failure_idx").on(t.flowId).where(sql`${t.kind} = 'run_failed' and ${t.status} = 'open'`),
    uniqueIndex("alerts_change_set_idx").on(t.changeSetId).where(sql`${t.kind} = 'approvals_waiting'`),
  ],
);
