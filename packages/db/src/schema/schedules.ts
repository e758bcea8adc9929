import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { flows, flowVersions } from "./flows";
import { workspaces } from "./workspaces";

export const MISSED_SCHEDULE_POLICIES = ["skip", "once"] as const;
export type MissedSchedulePolicy = (typeof MISSED_SCHEDULE_POLICIES)[number];

/**
 * One row per enabled, published flow whose trigger is a schedule; `schedule-tick` starts the
 * runs that are due. Written on publish and on enable, removed on disable.
 */
export const flowSchedules = pgTable(
  "flow_schedules",
  {
    flowId: text("flow_id")
      .primaryKey()
      .references(() => flows.id, { onDelete: "cascade" }),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The published version whose trigger this schedule follows, and which its runs pin. */
    flowVersionId: text("flow_version_id")
      .notNull()
      .references(() => flowVersions.id, { onDelete: "cascade" }),
    nextRunAt: timestamp("next_run_at", { withTimezone: true }).notNull(),
    /** The slot of the last run the schedule started. */
    lastSlotAt: timestamp("last_slot_at", { withTimezone: true }),
    missedPolicy: text("missed_policy").$type<MissedSchedulePolicy>().notNull().default("once"),
  },
  (t) => [index("flow_schedules_next_run_idx").on(t.nextRunAt)],
);
