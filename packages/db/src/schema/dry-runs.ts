import type { Flow } from "@flowgate/flow";
import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { flows } from "./flows";
import { workspaces } from "./workspaces";

export const DRY_RUN_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export type DryRunStatus = (typeof DRY_RUN_STATUSES)[number];

type JsonRecord = Record<string, unknown>;

/** What a dry run asked for: the whole flow on the first `limit` source records, or one node on pinned input. */
export interface DryRunOptions {
  limit: number;
  /** Test one node: `input` goes into this node (instead of reading the source) and the graph runs from there. */
  nodeId?: string;
  input?: JsonRecord[];
}

/** What a dry run saw, per node and edge; nothing was written anywhere. */
export interface DryRunResult {
  status: "succeeded" | "succeeded_with_errors" | "failed" | "cancelled";
  recordsRead: number;
  /** The source had more records than the limit: the counts are for the first `limit`. */
  truncated: boolean;
  /** Per node: records in, out per port, errors, milliseconds. */
  nodes: Record<string, { in: number; out: Record<string, number>; errors: number; ms: number }>;
  /** Records that passed each edge, by edge id. */
  edges: Record<string, number>;
  /** The first records per node and output port. */
  samples: Record<string, Record<string, JsonRecord[]>>;
  /** The first per-record errors, with the node, the record's key and the message. */
  errors: { nodeId: string; index: number; key?: string; message: string; record?: JsonRecord }[];
  /** Per destination: what it would create, update and delete. */
  planned: Record<string, { op: "create" | "update" | "delete"; key: string; before?: JsonRecord; after?: JsonRecord }[]>;
  /** Destinations that cannot say what they would write, with the reason. */
  notPreviewable: Record<string, string>;
  /** A failure that stopped the dry run: which node and why. */
  error?: { message: string; nodeId?: string; field?: string };
}

/**
 * Dry runs and node tests from the editor: the draft as it was when the button was pressed, run by a
 * worker through the same engine, writing nothing. Not runs: they never appear in run history.
 */
export const dryRuns = pgTable(
  "dry_runs",
  {
    id: text("id").primaryKey(),
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    flowId: text("flow_id")
      .notNull()
      .references(() => flows.id, { onDelete: "cascade" }),
    document: jsonb("document").$type<Flow>().notNull(),
    options: jsonb("options").$type<DryRunOptions>().notNull(),
    status: text("status").$type<DryRunStatus>().notNull().default("queued"),
    result: jsonb("result").$type<DryRunResult>(),
    /** Why it could not run at all (the document did not validate, the worker gave up). */
    error: text("error"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("dry_runs_flow_created_idx").on(t.flowId, t.createdAt)],
);
