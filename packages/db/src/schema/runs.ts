import { sql } from "drizzle-orm";
import { boolean, bigserial, customType, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { flows, flowVersions } from "./flows";
import { workspaces } from "./workspaces";

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const RUN_TRIGGERS = ["manual", "schedule", "webhook"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** What a run reads: its flow's trigger and source ("full"), or the open dead letters of the run it retries ("failed-records"). */
export const RUN_MODES = ["full", "failed-records"] as const;
export type RunMode = (typeof RUN_MODES)[number];

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
    /** "failed-records": replays the open dead letters of `retry_of` into the nodes they failed in. */
    mode: text("mode").$type<RunMode>().notNull().default("full"),
    /** For a webhook run: the delivery whose body the trigger reads (kept until the run's history is pruned). */
    webhookDeliveryId: text("webhook_delivery_id"),
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
    // The runs page filtered by status: a rare one (awaiting approval, running) is found without scanning every run (bench history-1m).
    index("runs_workspace_status_created_idx").on(t.workspaceId, t.status, t.createdAt, t.id),
    // The dashboard: runs that ended in an hour or a day (bench history-1m).
    index("runs_workspace_finished_idx").on(t.workspaceId, t.finishedAt).where(sql`${t.finishedAt} is not null`),
    // The sweeper's look-up: runs a worker claims to be working on.
    index("runs_running_heartbeat_idx").on(t.heartbeatAt).where(sql`${t.status} = 'running'`),
    // maxConcurrentRuns: how many runs of a flow are running now.
    index("runs_flow_running_idx").on(t.flowId).where(sql`${t.status} = 'running'`),
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
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
    /** The record as the node received it: what `runs.retryFailed` sends into the node again. */
    record: jsonb("record"),
    status: text("status").$type<RecordErrorStatus>().notNull().default("open"),
    /** The worker attempt (runs.attempt) that met the error. */
    attempt: integer("attempt").notNull().default(1),
    /** The run that retried it (status "retried"). */
    retriedBy: text("retried_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("record_errors_run_idx").on(t.runId, t.id),
    index("record_errors_created_idx").on(t.createdAt),
    // Lineage search finds failed writes by key too.
    index("record_errors_key_idx").on(t.key).where(sql`${t.key} is not null`),
  ],
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

/** decided: an approval node's decision on the record (by a person, a rule, the deadline or the run's end); the detail says which. */
export const LINEAGE_OUTCOMES = ["written", "unchanged", "failed", "skipped", "decided"] as const;
export type LineageOutcome = (typeof LINEAGE_OUTCOMES)[number];

/**
 * What happened to one record key in one run at one node (destinations, and every node that
 * failed the record): the operation, a hash of what was written, the outcome and the destination's
 * answer. Written with each checkpoint; searched by key across flows.
 */
export const lineage = pgTable(
  "lineage",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // No foreign keys but the run's: a row goes with its run (and the run with its flow and
    // workspace), and three key checks per written record cost the checkpoint ~20 ms per 1,000.
    workspaceId: text("workspace_id").notNull(),
    flowId: text("flow_id").notNull(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    nodeId: text("node_id").notNull(),
    key: text("key").notNull(),
    /** create, update, delete, upsert, unchanged, error, approve, reject… */
    op: text("op").notNull(),
    outcome: text("outcome").$type<LineageOutcome>().notNull(),
    /** SHA-256 (hex, first 32) of the record as written, so two runs can tell whether the same thing was written. */
    hash: text("hash"),
    /** The record as written (destinations), so a person sees what went out. */
    record: jsonb("record"),
    /** The destination's answer or the error, in a person's words (e.g. "HTTP 201", "refused: price must be positive"). */
    detail: text("detail"),
    batchIndex: integer("batch_index").notNull().default(-1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("lineage_workspace_key_idx").on(t.workspaceId, t.key, t.createdAt),
    index("lineage_run_idx").on(t.runId, t.id),
    index("lineage_created_idx").on(t.createdAt),
  ],
);

/**
 * Webhook requests that started a run, by the sender's `webhook-id`: a second delivery with the
 * same id is answered with the first one's run and starts nothing. The body is what the run reads.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    /** The `webhook-id` header; without one, the delivery's own id (no de-duplication possible). */
    webhookId: text("webhook_id").notNull(),
    runId: text("run_id"),
    contentType: text("content_type"),
    body: bytea("body").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("webhook_deliveries_flow_webhook_id_idx").on(t.flowId, t.webhookId), index("webhook_deliveries_received_idx").on(t.receivedAt)],
);

/** A flow's webhook address (its unguessable token) and signing secret (encrypted), kept across publishes. */
export const flowWebhooks = pgTable("flow_webhooks", {
  flowId: text("flow_id")
    .primaryKey()
    .references(() => flows.id, { onDelete: "cascade" }),
  workspaceId: text("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** The last part of /api/hooks/<token>. */
  token: text("token").notNull().unique(),
  /** The Standard Webhooks secret (whsec_…), encrypted with FLOWGATE_SECRET. */
  secretCiphertext: text("secret_ciphertext").notNull(),
  /** After a rotation, the previous secret stays valid for a while so senders can switch. */
  previousSecretCiphertext: text("previous_secret_ciphertext"),
  previousSecretExpiresAt: timestamp("previous_secret_expires_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  rotatedAt: timestamp("rotated_at", { withTimezone: true }),
});

/** Per workspace settings that are Flowgate's own (better-auth owns the workspaces table). */
export const workspaceSettings = pgTable("workspace_settings", {
  workspaceId: text("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  /** prune-history removes samples, dead letters, lineage and webhook bodies older than this. */
  retentionDays: integer("retention_days").notNull().default(30),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const RUN_EVENT_LEVELS = ["info", "warn", "error"] as const;
export type RunEventLevel = (typeof RUN_EVENT_LEVELS)[number];

/**
 * A run's log, as a person reads it on the run page: started (and by which attempt), stopped and
 * retried, waiting for approval, resumed, cancel asked, ended. Written by the runtime (and the API
 * for what a person did), a handful per run: batches have their own table.
 */
export const runEvents = pgTable(
  "run_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    level: text("level").$type<RunEventLevel>().notNull().default("info"),
    message: text("message").notNull(),
    /** Anything a person may want to look at (attempt, counts, the error's node); never a secret. */
    details: jsonb("details").$type<Record<string, unknown>>(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("run_events_run_idx").on(t.runId, t.id)],
);

/** One row per checkpointed batch of a run: the run page's timeline (a batch written again replaces its row). */
export const runBatches = pgTable(
  "run_batches",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    batchIndex: integer("batch_index").notNull(),
    /** Records the batch brought from the source (or a resume sent on). */
    records: integer("records").notNull(),
    /** Records that failed in the batch (dead letters). */
    errors: integer("errors").notNull().default(0),
    /** How long the batch took through the graph, in milliseconds. */
    ms: integer("ms").notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.batchIndex] })],
);
