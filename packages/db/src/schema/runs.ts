import { sql } from "drizzle-orm";
import { boolean, bigserial, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { flows, flowVersions } from "./flows";
import { workspaces } from "./workspaces";

export const RUN_TRIGGERS = ["manual", "schedule", "webhook"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = ["queued", "running", "awaiting_approval", "succeeded", "succeeded_with_errors", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** A run in one of these is over: no job works on it any more. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "succeeded_with_errors", "failed", "cancelled"];

/** What a person reads in the run list. */
export interface RunCountsSummary {
  read: number;
  written: number;
  errors: number;
}

export interface RunErrorDetails {
  message: string;
  nodeId?: string;
  field?: string;
  record?: { batchIndex: number; index: number; key?: string };
  /** For a pinned document that does not validate: every problem, with its node and path. */
  problems?: { code: string; message: string; nodeId?: string; path: (string | number)[] }[];
}

export const runs = pgTable(
  "runs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    /** The published version the run started with; it runs that one to the end, even after a new publish. */
    flowVersionId: text("flow_version_id")
      .notNull()
      .references(() => flowVersions.id, { onDelete: "cascade" }),
    trigger: text("trigger").$type<RunTrigger>().notNull(),
    status: text("status").$type<RunStatus>().notNull().default("queued"),
    /** How many times a worker started on it (a retry after a crash resumes from the checkpoint). */
    attempt: integer("attempt").notNull().default(0),
    counts: jsonb("counts").$type<RunCountsSummary>().notNull().default({ read: 0, written: 0, errors: 0 }),
    /** The source's cursor after the last checkpointed batch (meaningful when batch_index >= 0). */
    cursor: jsonb("cursor"),
    /** The last source batch that went all the way through the graph; -1 before the first. */
    batchIndex: integer("batch_index").notNull().default(-1),
    /** The engine's own counters at the last checkpoint (per node and edge), so a resumed run goes on counting. */
    progress: jsonb("progress"),
    error: jsonb("error").$type<RunErrorDetails>(),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    retryOf: text("retry_of").references((): AnyPgColumn => runs.id, { onDelete: "set null" }),
    /** For a scheduled run, the time slot it stands for (one run per flow and slot). */
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }),
    /** A scheduled run that stands in for slots missed while no worker was up. */
    backfilled: boolean("backfilled").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Scanned backwards for "newest first"; both columns are not null.
    index("runs_workspace_created_idx").on(t.workspaceId, t.createdAt, t.id),
    index("runs_flow_created_idx").on(t.flowId, t.createdAt, t.id),
    // The sweeper's look-up: runs a worker claims to be working on.
    index("runs_running_heartbeat_idx").on(t.heartbeatAt).where(sql`${t.status} = 'running'`),
    // Two ticks or two workers can never start the same slot twice, whatever the job queue does.
    uniqueIndex("runs_flow_scheduled_for_idx").on(t.flowId, t.scheduledFor).where(sql`${t.scheduledFor} is not null`),
  ],
);

/**
 * Per node and port: the row with port "in" holds what reached the node, its errors and its time;
 * one row per output port holds what left by it.
 */
export const runNodes = pgTable(
  "run_nodes",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    port: text("port").notNull(),
    recordsIn: integer("records_in").notNull().default(0),
    recordsOut: integer("records_out").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    ms: real("ms").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId, t.port] })],
);

/** The first records per node and output port (20 by default), for the run's detail page. */
export const runSamples = pgTable(
  "run_samples",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    port: text("port").notNull(),
    records: jsonb("records").$type<Record<string, unknown>[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId, t.port] })],
);

export const RECORD_ERROR_STATUSES = ["open", "retried", "dismissed"] as const;
export type RecordErrorStatus = (typeof RECORD_ERROR_STATUSES)[number];

/** Dead letters: records a node could not process, with the error a person reads. */
export const recordErrors = pgTable(
  "record_errors",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    /** The source batch (from 0; -1 after the last batch) and the record's index in what the node received. */
    batchIndex: integer("batch_index").notNull(),
    index: integer("record_index").notNull(),
    key: text("key"),
    message: text("message").notNull(),
    record: jsonb("record"),
    status: text("status").$type<RecordErrorStatus>().notNull().default("open"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("record_errors_run_idx").on(t.runId, t.id)],
);

/** State that outlives a run (change-detection snapshots, source bookmarks), per flow, node and key. */
export const syncState = pgTable(
  "sync_state",
  {
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    key: text("key").notNull(),
    value: jsonb("value").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.nodeId, t.key] })],
);
