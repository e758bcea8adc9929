import type { NodeCategory, NodeKindDescriptor } from "@flowgate/flow";
import type { z } from "zod";
import type { CompiledExpression, CompiledMapper, MapperField } from "./expressions/index";

/**
 * The node-kind contract: what every kind in packages/nodes declares (definition, browser-safe)
 * and implements (execute, server-only). The engine knows nothing else about kinds.
 */

/** A record is a plain JSON object. */
export type FlowRecord = Record<string, unknown>;

/** JSON a cursor or a state value may hold; stored by the runtime in PostgreSQL. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface NodeDefinition<Schema extends z.ZodType = z.ZodType> extends NodeKindDescriptor {
  readonly id: string;
  readonly version: number;
  readonly label: string;
  /** One line for the palette, for people who don't program. */
  readonly description: string;
  readonly category: NodeCategory;
  /** An icon name the canvas maps to a glyph (e.g. "globe", "file", "database", "filter"). */
  readonly icon: string;
  /** The one source for the inspector form, validation on save, and the typed config execute gets. */
  readonly configSchema: Schema;
  readonly inputs: readonly string[];
  /** Named output ports. Every node that has inputs also has the implicit `error` port (ERROR_PORT). */
  readonly outputs: readonly string[];
  /** The kind of stored connection it needs, if any (its config then holds `connectionId`). */
  readonly connection?: "http" | "postgres";
}

/**
 * Records that failed in a node go here when the node's error policy is "route", each with
 * `_error: { node, label, message, key? }` added. Defined by the flow document (its validator accepts it).
 */
export { ERROR_PORT } from "@flowgate/flow";

/** A record a node could not process, by its index in the batch the node received. */
export interface RecordError {
  index: number;
  /** Says what went wrong and, where it can, what to do. Never contains secrets. */
  message: string;
  /** The record's key (e.g. its sku) when the node knows it. */
  key?: string;
}

/** What a destination did with one record, by its index in the batch it received: lineage is made of these. */
export interface RecordWrite {
  index: number;
  /** The record's key (e.g. its sku). */
  key: string;
  /** "upsert" when the destination cannot tell a create from an update; "unchanged" leaves no lineage. */
  op: "create" | "update" | "delete" | "upsert" | "unchanged";
  /** The destination's answer in a person's words, e.g. "HTTP 201". */
  detail?: string;
}

/**
 * What a node returns for one batch: records per output port, per-record errors and, for
 * destinations, what they wrote (records that failed are in `errors`, not here).
 */
export interface BatchOutput {
  ports: Record<string, FlowRecord[]>;
  errors?: RecordError[];
  writes?: RecordWrite[];
  /**
   * Approval nodes: records held for a person's decision. They leave by no port now; the runtime
   * stores them with the checkpoint as items of the run's change set and sends each on (through
   * the node again, decided) when it is approved or rejected.
   */
  held?: HeldRecord[];
}

/** A record an approval node holds, by its index in the batch the node received, with the change a person reviews. */
export interface HeldRecord {
  index: number;
  key: string;
  op: "create" | "update" | "delete";
  before?: FlowRecord;
  after?: FlowRecord;
  changedFields: string[];
  /**
   * Set when one of the node's rules decided the record at once: it also left by its port in this
   * batch, and is recorded as a decided item (with the rule) so the change set shows it. Not held.
   */
  decisionSource?: "auto-approve" | "auto-reject";
}

/** What a record sent to the `error` port carries in its `_error` field. */
export interface RoutedError {
  /** Node id. */
  node: string;
  label: string;
  message: string;
  key?: string;
}

/** One batch from a source, with the cursor to resume after it. */
export interface SourceBatch {
  records: FlowRecord[];
  /** Where to continue after this batch (a page URL, an offset, a `updated_at` value...). */
  cursor: Json;
}

export interface ReadOptions {
  /** Resume after this cursor (from the last checkpoint), or start afresh when undefined. */
  cursor: Json | undefined;
  batchSize: number;
  /** Dry run: stop after this many records. */
  limit?: number;
}

/** What a destination would do with a batch, computed in a dry run without writing anything. */
export interface PlannedWrite {
  op: "create" | "update" | "delete";
  key: string;
  before?: FlowRecord;
  after?: FlowRecord;
}

/**
 * State that outlives a run (change-detection snapshots, source bookmarks), per flow and node.
 * Writes are staged and become durable only with the checkpoint after the batch went all the
 * way through the graph, so a failed batch changes no state.
 */
export interface StateStore {
  get(keys: readonly string[]): Promise<Map<string, Json>>;
  set(entries: Iterable<readonly [string, Json]>): void;
  delete(keys: Iterable<string>): void;
  /** Every stored key, in pages (used to find records missing from a full snapshot). */
  keys(): AsyncIterable<string[]>;
}

export interface Expressions {
  /** Compiles once (fast path when it can, JSONata otherwise); throws ExpressionError with a position. */
  compile(source: string): CompiledExpression;
  /** Several fields of one record in one call (one generated function on the fast path). */
  compileMapper(fields: readonly MapperField[]): CompiledMapper;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface RunInfo {
  id: string;
  flowId: string;
  mode: "run" | "dry-run";
  startedAt: Date;
  /** What started the run: for webhooks, the request body and its content type. */
  trigger?: { kind: "manual" | "schedule" | "webhook"; body?: Uint8Array; contentType?: string; scheduledFor?: Date };
}

/**
 * Everything a node may touch. No database, no globals, no process.env: the runtime passes its
 * services (HTTP client with the SSRF guard, connections, PostgreSQL pools, artifacts) as `services`.
 */
export interface NodeContext<Config = unknown, Services = unknown> {
  readonly node: { id: string; label: string; kind: string };
  readonly run: RunInfo;
  readonly config: Config;
  readonly state: StateStore;
  readonly services: Services;
  readonly expressions: Expressions;
  /** Aborted when the run is cancelled; the engine also stops at the next batch boundary. */
  readonly signal: AbortSignal;
  log(level: LogLevel, message: string, data?: Record<string, unknown>): void;
}

/** A node kind's server part. Which methods it has depends on its role in a run. */
export interface NodeImplementation<Config = unknown, Services = unknown> {
  readonly definition: NodeDefinition;
  /** Sources, and triggers that bring records (webhook): a stream of batches. */
  read?(ctx: NodeContext<Config, Services>, options: ReadOptions): AsyncIterable<SourceBatch>;
  /**
   * Transforms, filters and destinations: one batch in, records per port out. The batch and its records
   * are shared with the node's siblings (one output feeding two nodes): treat them as read-only and
   * return new objects. A record that failed is left out of the ports and reported in `errors` by its
   * index; the engine applies the node's error policy. Throwing fails the whole run. A destination
   * reports what it did with each record it wrote in `writes` (the run's lineage); one that cannot
   * name a record key (a file) reports nothing.
   */
  execute?(ctx: NodeContext<Config, Services>, batch: FlowRecord[]): Promise<BatchOutput>;
  /** Destinations in a dry run: what they would create, update and delete, writing nothing. */
  plan?(ctx: NodeContext<Config, Services>, batch: FlowRecord[]): Promise<PlannedWrite[]>;
  /**
   * After the last batch: e.g. deletions of a full snapshot, or closing a written file. Its output
   * flows downstream like a batch. `complete` is false when the source was cut short (the record
   * limit of a dry run): a node must then not conclude anything from what it did not see (no deletions).
   * Errors returned here have no record; their `index` is ignored.
   *
   * A node with much to send (deletions of a large snapshot) returns an async iterable instead, of
   * batches of at most `info.batchSize` records: each goes through the rest of the graph and is
   * checkpointed before the next is asked for, so state staged before a `yield` commits with that
   * batch's checkpoint. Stage only what the yielded batch stands for (a batch not yet yielded may
   * never reach the destinations).
   */
  finish?(ctx: NodeContext<Config, Services>, info: FinishInfo): Promise<BatchOutput | void> | AsyncIterable<BatchOutput>;
  /**
   * The run stopped without finishing (a node failed, it was cancelled, or its checkpoint could not
   * be saved): release what the node holds for this run, e.g. drop a half-written file. Called on
   * every node that ran, after the run's staged state was discarded. Best effort: an error here is
   * logged, and never changes the run's outcome.
   */
  abort?(ctx: NodeContext<Config, Services>, info: AbortInfo): Promise<void>;
}

export interface FinishInfo {
  /** True when the source was read to its end. */
  complete: boolean;
  /** The flow's batch size: the most records one batch yielded by `finish` may hold. */
  batchSize: number;
}

export interface AbortInfo {
  /** Why the run stopped, as its report says it (for a cancelled run: that it was cancelled). */
  error: { message: string; nodeId?: string };
  /** True when someone cancelled the run, rather than something failing. */
  cancelled: boolean;
}

/** Node implementations by kind id: the engine's half of the registry. */
export interface ImplementationRegistry {
  get(kindId: string): NodeImplementation<any, any> | undefined;
}
